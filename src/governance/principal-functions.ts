/**
 * The principal functions a row filter or mask may call: `current_principal()`,
 * `current_principal_attribute('key')` and `is_member('group')`. They are replaced by literals
 * for the principal a statement binds for, before DuckDB sees the text, so no engine function
 * (or setting) carries who is asking, and a statement cannot change the answer.
 */
import { InvalidInput } from '../errors.js';
import { type Principal, quoteLiteral } from '../engine/index.js';

const CALL = /^(current_principal_attribute|current_principal|is_member)\s*\(\s*(?:'((?:[^']|'')*)')?\s*\)/i;
const NAME = /^(current_principal_attribute|current_principal|is_member)\b/i;

/** `text` with each principal function replaced for `principal`; strings, quoted names and comments are left as they are. */
export function bindPrincipal(text: string, principal: Principal, field: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const end = closing(text, i, c);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (text.startsWith('--', i)) {
      const end = text.indexOf('\n', i);
      out += text.slice(i, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      out += text.slice(i, end < 0 ? text.length : end + 2);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    const before = i === 0 ? '' : text[i - 1]!;
    if (!/[A-Za-z0-9_$.]/.test(before) && NAME.test(text.slice(i))) {
      const m = CALL.exec(text.slice(i));
      const fn = NAME.exec(text.slice(i))![1]!.toLowerCase();
      if (!m || (fn === 'current_principal') !== (m[2] === undefined)) {
        throw new InvalidInput(
          `${field}: ${fn}() must be called as ${fn === 'current_principal' ? 'current_principal()' : `${fn}('<a literal name>')`}, found ${JSON.stringify(text.slice(i, i + 60))}`,
        );
      }
      const arg = m[2]?.replace(/''/g, "'");
      out += valueOf(fn, arg, principal);
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function valueOf(fn: string, arg: string | undefined, principal: Principal): string {
  if (fn === 'current_principal') return quoteLiteral(principal.name);
  if (fn === 'is_member') return principal.groups?.includes(arg!) ? 'TRUE' : 'FALSE';
  const value = principal.attributes?.[arg!];
  return value === undefined ? 'CAST(NULL AS VARCHAR)' : quoteLiteral(value);
}

/** The index just past the quoted text opening at `start` (a doubled quote stays inside). */
function closing(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}
