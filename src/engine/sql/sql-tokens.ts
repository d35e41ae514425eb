/**
 * A small SQL tokenizer: enough to classify statements and rewrite time-travel clauses while
 * respecting quotes and comments. Offsets point into the original text, so callers slice it.
 */
import { InvalidInput } from '../../errors.js';

export type TokenKind = 'word' | 'ident' | 'string' | 'number' | 'param' | 'op';

export interface Token {
  kind: TokenKind;
  /** Words upper-cased; quoted identifiers and strings unescaped; others as written. */
  value: string;
  start: number;
  end: number;
}

const OPS = ['->>', '::', '<=', '>=', '<>', '!=', '||', '->', '=>', '**', '//'];

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new InvalidInput('query: unterminated /* comment');
      i = close + 2;
    } else if (c === "'" || ((c === 'E' || c === 'e') && sql[i + 1] === "'")) {
      const start = i;
      const q = c === "'" ? i : i + 1;
      const { value, end } = quoted(sql, q, "'");
      out.push({ kind: 'string', value, start, end });
      i = end;
    } else if (c === '"') {
      const { value, end } = quoted(sql, i, '"');
      out.push({ kind: 'ident', value, start: i, end });
      i = end;
    } else if (c === '$' && /[A-Za-z_$]/.test(sql[i + 1] ?? '') && dollarTag(sql, i)) {
      const tag = dollarTag(sql, i)!;
      const close = sql.indexOf(tag, i + tag.length);
      if (close < 0) throw new InvalidInput(`query: unterminated ${tag} string`);
      out.push({ kind: 'string', value: sql.slice(i + tag.length, close), start: i, end: close + tag.length });
      i = close + tag.length;
    } else if (c === '$' || c === '?') {
      const m = /^(\$[A-Za-z_][A-Za-z0-9_]*|\$\d*|\?)/.exec(sql.slice(i))!;
      out.push({ kind: 'param', value: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(0x[0-9a-fA-F_]+|[0-9_]*\.?[0-9_]+(?:[eE][+-]?[0-9]+)?)/.exec(sql.slice(i))!;
      out.push({ kind: 'number', value: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(sql.slice(i))!;
      out.push({ kind: 'word', value: m[0].toUpperCase(), start: i, end: i + m[0].length });
      i += m[0].length;
    } else {
      const op = OPS.find((o) => sql.startsWith(o, i)) ?? c;
      out.push({ kind: 'op', value: op, start: i, end: i + op.length });
      i += op.length;
    }
  }
  return out;
}

function quoted(sql: string, open: number, q: string): { value: string; end: number } {
  let value = '';
  let i = open + 1;
  for (;;) {
    const close = sql.indexOf(q, i);
    if (close < 0) throw new InvalidInput(`query: unterminated ${q === '"' ? 'quoted identifier' : 'string'}`);
    value += sql.slice(i, close);
    if (sql[close + 1] === q) {
      value += q;
      i = close + 2;
    } else {
      return { value, end: close + 1 };
    }
  }
}

function dollarTag(sql: string, i: number): string | undefined {
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
  return m?.[0];
}

/** True for a word token with one of the given (upper-case) values. */
export function isWord(t: Token | undefined, ...values: string[]): boolean {
  return t !== undefined && t.kind === 'word' && (values.length === 0 || values.includes(t.value));
}

export function isOp(t: Token | undefined, value: string): boolean {
  return t !== undefined && t.kind === 'op' && t.value === value;
}

/** Splits tokens into statements at top-level semicolons, dropping empty statements. */
export function splitStatements(tokens: Token[]): Token[][] {
  const out: Token[][] = [];
  let current: Token[] = [];
  for (const t of tokens) {
    if (isOp(t, ';')) {
      if (current.length) out.push(current);
      current = [];
    } else current.push(t);
  }
  if (current.length) out.push(current);
  return out;
}

/** Index of the token closing the parenthesis opened at `open`. */
export function matchParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isOp(tokens[i], '(')) depth++;
    else if (isOp(tokens[i], ')') && --depth === 0) return i;
  }
  throw new InvalidInput('query: unbalanced parentheses');
}

/** Splits tokens[from, to) at top-level commas. */
export function splitTopLevel(tokens: Token[], from: number, to: number, sep = ','): [number, number][] {
  const parts: [number, number][] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (isOp(t, '(') || isOp(t, '[') || isOp(t, '{')) depth++;
    else if (isOp(t, ')') || isOp(t, ']') || isOp(t, '}')) depth--;
    else if (depth === 0 && isOp(t, sep)) {
      parts.push([start, i]);
      start = i + 1;
    }
  }
  parts.push([start, to]);
  return parts;
}
