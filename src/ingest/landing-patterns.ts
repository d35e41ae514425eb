/**
 * Glob patterns of a source's `include:` / `exclude:`, matched against a landing file's path
 * relative to the source's folder. `*` and `?` stay within a folder, `**` crosses folders,
 * `[abc]`/`[!abc]` is one of (or none of) those characters, `{a,b}` either word, `\x` x itself.
 * A pattern without `/` matches the file's name at any depth (as .gitignore does): `*.json`
 * takes `year=2026/x.json` too, which is what a source over hive folders means.
 */

/** Why the pattern cannot be used, or undefined when it can. */
export function globProblem(pattern: string): string | undefined {
  try {
    globRegex(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const matchers = new Map<string, (relPath: string) => boolean>();

/** A test of relative paths against the pattern (which globProblem accepts), made once per pattern: every landing file of every poll is tested. */
export function globMatcher(pattern: string): (relPath: string) => boolean {
  let match = matchers.get(pattern);
  if (!match) {
    const re = new RegExp(`^${globRegex(pattern)}$`);
    match = pattern.includes('/') ? (rel) => re.test(rel) : (rel) => re.test(rel.slice(rel.lastIndexOf('/') + 1));
    matchers.set(pattern, match);
  }
  return match;
}

function globRegex(p: string, inBraces = false): string {
  if (p === '') throw new Error('an empty pattern matches nothing; remove it');
  if (!inBraces && (p.startsWith('/') || p.split('/').includes('..'))) {
    throw new Error(`${JSON.stringify(p)}: a path under the source's folder, without a leading / or ..`);
  }
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\') {
      if (i + 1 >= p.length) throw new Error(`${JSON.stringify(p)}: ends in a lone \\ (write \\\\ for a backslash)`);
      re += escape(p[++i]!);
    } else if (c === '*') {
      if (p[i + 1] !== '*') re += '[^/]*';
      else {
        i++;
        if (p[i + 1] === '*') throw new Error(`${JSON.stringify(p)}: *** is not a pattern; ** crosses folders, * stays in one`);
        if (p[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      }
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = p.indexOf(']', i + 2);
      if (end < 0) throw new Error(`${JSON.stringify(p)}: [ at character ${i + 1} is never closed by ] (write \\[ for the character itself)`);
      let body = p.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      if (body === '') throw new Error(`${JSON.stringify(p)}: [${negate ? '!' : ''}] holds no character`);
      re += `[${negate ? '^/' : ''}${body.replace(/[\\\]^]/g, (x) => `\\${x}`)}]`;
      i = end;
    } else if (c === '{') {
      if (inBraces) throw new Error(`${JSON.stringify(p)}: braces inside braces are not supported; list the words in one {a,b,c}`);
      const end = p.indexOf('}', i);
      if (end < 0) throw new Error(`${JSON.stringify(p)}: { at character ${i + 1} is never closed by } (write \\{ for the character itself)`);
      const words = p.slice(i + 1, end).split(',');
      re += `(?:${words.map((w) => (w === '' ? '' : globRegex(w, true))).join('|')})`;
      i = end;
    } else if (c === '}' || c === ']') {
      throw new Error(`${JSON.stringify(p)}: ${c} at character ${i + 1} closes nothing (write \\${c} for the character itself)`);
    } else re += escape(c);
  }
  return re;
}

function escape(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
