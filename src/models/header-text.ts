/** Lexical helpers for `-- silt:` header lines: top-level comma splitting and quoted values. */

/** Splits on commas outside quotes and parentheses; returns undefined when a quote or paren is unbalanced. */
export function splitTopLevel(text: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) {
        if (text[i + 1] === quote) i++; // doubled quote inside a quoted value
        else quote = undefined;
      }
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      if (--depth < 0) return undefined;
    } else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (quote || depth !== 0) return undefined;
  parts.push(text.slice(start).trim());
  return parts;
}

export interface Word {
  text: string;
  /** Which quote it was written in, if any. */
  quote?: "'" | '"';
}

/** `'it''s'` → it's (quote '), `"a b"` → a b (quote "), `abc` → abc. */
export function unquote(raw: string): Word {
  const t = raw.trim();
  const q = t[0];
  if ((q === "'" || q === '"') && t.length >= 2 && t.endsWith(q)) {
    return { text: t.slice(1, -1).replaceAll(q + q, q), quote: q };
  }
  return { text: t };
}

/** A column list: `a`, `(a, b)`, `"a, b"`. */
export function columnList(raw: string): string[] | undefined {
  let t = raw.trim();
  const w = unquote(t);
  if (w.quote === '"' && w.text.includes(',')) t = w.text;
  else if (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1);
  const parts = splitTopLevel(t);
  if (!parts || parts.some((p) => p.length === 0)) return undefined;
  return parts.map((p) => unquote(p).text);
}
