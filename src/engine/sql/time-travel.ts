/**
 * `ns.t FOR VERSION AS OF <snapshot-id>` and `ns.t FOR TIMESTAMP AS OF '<ts>'` (Athena/Trino
 * spelling) rewritten to a per-snapshot view name `"ns"."t@v<id>"` / `"ns"."t@t<ms>"`, aliased
 * back to `t` so qualified column references keep working.
 */
import { InvalidInput } from '../../errors.js';
import { coerceLiteral } from '../../table/index.js';
import { quoteIdent } from '../core/index.js';
import { isOp, isWord, tokenize, type Token } from './sql-tokens.js';

export type SnapshotSelector = { kind: 'current' } | { kind: 'version'; snapshotId: bigint } | { kind: 'timestamp'; ms: number };

export interface TimeTravelRef {
  namespace: string;
  table: string;
  selector: SnapshotSelector;
}

/** Words after a table name that start the next clause rather than an alias. */
const NOT_ALIAS = new Set([
  'WHERE', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'FULL', 'OUTER', 'CROSS', 'NATURAL', 'ASOF', 'POSITIONAL', 'SEMI', 'ANTI',
  'ON', 'USING', 'GROUP', 'ORDER', 'LIMIT', 'OFFSET', 'UNION', 'EXCEPT', 'INTERSECT', 'HAVING', 'WINDOW', 'QUALIFY',
  'TABLESAMPLE', 'LATERAL', 'SET', 'RETURNING', 'PIVOT', 'UNPIVOT', 'FOR',
]);

/** Rewrites time-travel clauses; `refs` maps each generated view name (lower-case) to what it reads. */
export function rewriteTimeTravel(sql: string): { sql: string; refs: Map<string, TimeTravelRef> } {
  const tokens = tokenize(sql);
  const refs = new Map<string, TimeTravelRef>();
  let out = '';
  let copied = 0;
  for (let i = 0; i + 7 < tokens.length + 1; i++) {
    if (!isWord(tokens[i + 3], 'FOR') || !isWord(tokens[i + 5], 'AS') || !isWord(tokens[i + 6], 'OF')) continue;
    if (!isName(tokens[i]) || !isOp(tokens[i + 1], '.') || !isName(tokens[i + 2])) continue;
    const kind = tokens[i + 4];
    if (!isWord(kind, 'VERSION', 'TIMESTAMP', 'SYSTEM_TIME', 'SYSTEM_VERSION')) continue;
    if (isOp(tokens[i - 1], '.')) throw new InvalidInput('query: name tables as namespace.table');
    const namespace = tableNameOf(sql, tokens[i]!);
    const table = tableNameOf(sql, tokens[i + 2]!);
    let j = i + 7;
    if (isWord(tokens[j], 'TIMESTAMP', 'DATE') && tokens[j + 1]?.kind === 'string') j++;
    const lit = tokens[j];
    if (!lit || (lit.kind !== 'string' && lit.kind !== 'number')) {
      throw new InvalidInput(`query: ${namespace}.${table} FOR ${kind!.value} AS OF needs a literal snapshot id or timestamp`);
    }
    const selector = kind!.value.endsWith('VERSION') ? version(lit, namespace, table) : timestamp(lit, namespace, table);
    const view = selector.kind === 'version' ? `${table}@v${selector.snapshotId}` : `${table}@t${selector.ms}`;
    refs.set(`${namespace}.${view}`.toLowerCase(), { namespace, table, selector });
    const next = tokens[j + 1];
    const hasAlias = isWord(next, 'AS') || next?.kind === 'ident' || (next?.kind === 'word' && !NOT_ALIAS.has(next.value));
    out += sql.slice(copied, tokens[i]!.start) + `${quoteIdent(namespace)}.${quoteIdent(view)}`;
    if (!hasAlias) out += ` AS ${quoteIdent(table)}`;
    copied = lit.end;
    i = j;
  }
  return { sql: out + sql.slice(copied), refs };
}

function isName(t: Token | undefined): boolean {
  return t !== undefined && (t.kind === 'ident' || t.kind === 'word');
}

/** A table name part: unquoted words are case-insensitive (catalog names are lower-case); quoted names as written. */
export function tableNameOf(sql: string, t: Token): string {
  return t.kind === 'word' ? nameOf(sql, t).toLowerCase() : nameOf(sql, t);
}

/** Identifier text as written (words keep their case; quoted identifiers are unescaped). */
export function nameOf(sql: string, t: Token): string {
  return t.kind === 'ident' ? t.value : sql.slice(t.start, t.end);
}

function version(lit: Token, ns: string, table: string): { kind: 'version'; snapshotId: bigint } {
  if (!/^\d+$/.test(lit.value.trim())) {
    throw new InvalidInput(`query: ${ns}.${table} FOR VERSION AS OF ${lit.value}: a snapshot id is a whole number`);
  }
  return { kind: 'version', snapshotId: BigInt(lit.value.trim()) };
}

function timestamp(lit: Token, ns: string, table: string): { kind: 'timestamp'; ms: number } {
  if (lit.kind === 'number') return { kind: 'timestamp', ms: Number(lit.value) };
  try {
    const micros = coerceLiteral('timestamptz', lit.value) as bigint;
    return { kind: 'timestamp', ms: Number(micros / 1000n) };
  } catch {
    throw new InvalidInput(`query: ${ns}.${table} FOR TIMESTAMP AS OF '${lit.value}': expected 'YYYY-MM-DD HH:MM:SS[+zone]'`);
  }
}
