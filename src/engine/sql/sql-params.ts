/**
 * Query parameters (`silt query --param name=value`): each `$name`, `$1` or `?` outside strings and
 * comments becomes the value as a SQL literal, so a statement is written once and run with many
 * values. A value that reads as a plain number is a number; any other value is text, quoted, so no
 * value can become SQL.
 */
import { InvalidInput } from '../../errors.js';
import { quoteLiteral } from '../core/index.js';
import { tokenize } from './sql-tokens.js';

const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** `sql` with its parameters replaced by `values` (`?` takes `1`, `2`, … in order; `$n` takes `n`). */
export function bindParameters(sql: string, values: ReadonlyMap<string, string>): string {
  const tokens = tokenize(sql).filter((t) => t.kind === 'param');
  if (tokens.length === 0 && values.size === 0) return sql;
  const used = new Set<string>();
  let out = '';
  let at = 0;
  let position = 0;
  for (const t of tokens) {
    const name = t.value === '?' ? String(++position) : t.value.slice(1);
    if (name === '') throw new InvalidInput('query: a bare $ is not a parameter; write $name and pass --param name=VALUE');
    const value = values.get(name);
    if (value === undefined) {
      const known = values.size ? ` (given: ${[...values.keys()].join(', ')})` : '';
      throw new InvalidInput(`query: parameter ${t.value === '?' ? `? number ${name}` : t.value} has no value; pass --param ${name}=VALUE${known}`);
    }
    used.add(name);
    out += sql.slice(at, t.start) + (NUMBER.test(value) ? value : quoteLiteral(value));
    at = t.end;
  }
  const unused = [...values.keys()].filter((k) => !used.has(k));
  if (unused.length > 0) throw new InvalidInput(`query: --param ${unused.join(', ')} is not used by the statement (it has ${tokens.length ? tokens.map((t) => t.value).join(', ') : 'no parameters'})`);
  return out + sql.slice(at);
}

/** `name=value` pairs from the command line, as a map; InvalidInput naming a malformed or repeated one. */
export function parseParameters(pairs: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[1-9][0-9]*)=(.*)$/s.exec(pair);
    if (!m) throw new InvalidInput(`query: --param ${JSON.stringify(pair)}: write name=value (a name of letters, digits and _, or the number of a ?)`);
    if (out.has(m[1]!)) throw new InvalidInput(`query: --param ${m[1]} is given twice`);
    out.set(m[1]!, m[2]!);
  }
  return out;
}
