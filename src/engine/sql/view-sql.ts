/**
 * A view's SQL: which representation Silt runs, how it is prepared like a query, and whether the
 * SQL Silt stores is portable enough to offer Trino (and Athena) a representation of their own.
 */
import { InvalidInput } from '../../errors.js';
import { currentViewVersion, type ViewMetadata, type ViewRepresentation } from '../../table/index.js';
import { type AstNode, type Engine, serializeSql, walk } from '../core/index.js';
import { parseStatement } from './sql-statement.js';
import { tokenize } from './sql-tokens.js';
import { rewriteTimeTravel, type TimeTravelRef } from './time-travel.js';

/** The dialect Silt's own SQL is stored as. */
export const SILT_DIALECT = 'silt';
/** What Silt tries, in this order: its own SQL, then another engine's SQL that DuckDB may parse. */
const RUNNABLE = [SILT_DIALECT, 'trino', 'presto', 'athena', 'spark'];

/** A statement ready to bind: time travel taken out (the binder rewrites Trino's forms). */
export interface PreparedQuery {
  sql: string;
  refs: Map<string, TimeTravelRef>;
}

/** A view's or a user's SELECT prepared for binding; anything but one plain SELECT is refused. */
export function prepareSelect(text: string, what: string): PreparedQuery {
  const travel = rewriteTimeTravel(text);
  const statement = parseStatement(travel.sql);
  if (statement.kind !== 'query' || statement.sql !== statement.query) throw new InvalidInput(`query: ${what} must be a single SELECT`);
  return { sql: statement.query, refs: travel.refs };
}

/** The current version's representations Silt may run, in the order it tries them. */
export function runnableRepresentations(metadata: ViewMetadata): ViewRepresentation[] {
  const reps = currentViewVersion(metadata).representations;
  const rank = (r: ViewRepresentation) => RUNNABLE.indexOf(r.dialect.toLowerCase());
  return reps.filter((r) => r.type === 'sql' && rank(r) >= 0).sort((a, b) => rank(a) - rank(b));
}

/**
 * The names a view's SQL may give Silt's catalog in three-part table names (`silt.ns.t`): `silt`,
 * as `silt connect` names it in every client, and the view's own `default-catalog`.
 */
export function viewCatalogNames(metadata: ViewMetadata): Set<string> {
  const own = currentViewVersion(metadata)['default-catalog'];
  return new Set(['silt', ...(own ? [own.toLowerCase()] : [])]);
}

/** The dialects of a view's representations, for a message saying none could be run. */
export function dialectsOf(metadata: ViewMetadata): string {
  return currentViewVersion(metadata).representations.map((r) => r.dialect).join(', ') || 'none';
}

/** Functions with the same name and meaning in Silt (DuckDB plus the Trino forms) and Trino. */
export const PORTABLE_FUNCTIONS = new Set([
  '+', '-', '*', '/', '%', '||', '~~', '!~~', // ~~ is LIKE
  'to_years', 'to_months', 'to_weeks', 'to_days', 'to_hours', 'to_minutes', 'to_seconds', // INTERVAL '7' DAY
  'count', 'count_star', 'sum', 'avg', 'min', 'max', 'count_if', 'bool_and', 'bool_or', 'array_agg', 'stddev', 'stddev_samp', 'stddev_pop', 'variance', 'var_samp', 'var_pop',
  'approx_distinct', 'approx_percentile', 'arbitrary',
  'coalesce', 'nullif', 'greatest', 'least', 'if',
  'lower', 'upper', 'length', 'substr', 'substring', 'trim', 'ltrim', 'rtrim', 'concat', 'replace', 'reverse', 'strpos', 'lpad', 'rpad', 'split', 'starts_with',
  'regexp_like', 'regexp_replace', 'regexp_extract',
  'abs', 'round', 'floor', 'ceil', 'ceiling', 'sqrt', 'power', 'pow', 'mod', 'ln', 'log10', 'exp', 'sign',
  'date_trunc', 'date_add', 'date_diff', 'from_iso8601_timestamp', 'year', 'month', 'day', 'hour', 'minute', 'second', 'day_of_week', 'current_date', 'current_timestamp', 'now',
  'element_at', 'cardinality',
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value',
]);

/** Functions DuckDB also has with another arity and meaning: portable only in Trino's form. */
export const TRINO_ARITY: Record<string, number> = { date_add: 3, date_diff: 3, date_trunc: 2, element_at: 2 };

/** Types written the same way in both. */
export const PORTABLE_TYPES = /^(VARCHAR|BIGINT|INTEGER|SMALLINT|TINYINT|BOOLEAN|DOUBLE|REAL|DATE|TIMESTAMP|DECIMAL|TIMESTAMP WITH TIME ZONE)\b/i;

/**
 * Whether Trino could run `sql` as written: DuckDB's parse of it holds only the common core (plain
 * SELECTs, joins, CTEs, CASE, CAST to shared types, and functions of PORTABLE_FUNCTIONS) and its
 * text no DuckDB-only spelling (`::`, `//`, lists, structs, QUALIFY, GROUP BY ALL, EXCLUDE, …).
 * A conservative judgement: SQL it refuses may still be portable, never the other way round.
 */
export async function portableToTrino(engine: Engine, sql: string): Promise<boolean> {
  return (await commonCoreFunctions(engine, sql)) !== undefined;
}

/** Functions of the common core that Spark lacks or gives another meaning (arity, regex, 0- or 1-based). */
const NOT_IN_SPARK = new Set(['date_add', 'date_diff', 'approx_distinct', 'arbitrary', 'from_iso8601_timestamp', 'strpos', 'day_of_week', 'starts_with', 'split', 'regexp_extract', 'regexp_replace']);

/** Whether Spark could run `sql` as written: Trino's common core (portableToTrino) without the functions Spark spells otherwise. */
export async function portableToSpark(engine: Engine, sql: string): Promise<boolean> {
  const functions = await commonCoreFunctions(engine, sql);
  return functions !== undefined && ![...functions].some((f) => NOT_IN_SPARK.has(f));
}

/**
 * A view version with a representation added for each of `trino` and `spark` it lacks, holding the
 * SQL of a representation Silt runs, as written, when that SQL is in the engines' common core: so
 * a view Spark makes is read by Trino, and the reverse. Table names stay as written (a client's
 * catalog is `silt`, as `silt connect` names it, for three-part names to resolve in the others).
 */
export async function withPortableDialects(engine: Engine, representations: readonly ViewRepresentation[]): Promise<ViewRepresentation[]> {
  const has = (d: string) => representations.some((r) => r.dialect.toLowerCase() === d);
  const source = representations
    .filter((r) => r.type === 'sql' && RUNNABLE.includes(r.dialect.toLowerCase()))
    .sort((a, b) => RUNNABLE.indexOf(a.dialect.toLowerCase()) - RUNNABLE.indexOf(b.dialect.toLowerCase()))[0];
  if (!source || (has('trino') && has('spark'))) return [...representations];
  const added: ViewRepresentation[] = [];
  if (!has('trino') && (await portableToTrino(engine, source.sql))) added.push({ type: 'sql', sql: source.sql, dialect: 'trino' });
  if (!has('spark') && (await portableToSpark(engine, source.sql))) added.push({ type: 'sql', sql: source.sql, dialect: 'spark' });
  return [...representations, ...added];
}

/** The functions `sql` calls when all of it is in the common core of DuckDB and Trino; undefined when it is not. */
async function commonCoreFunctions(engine: Engine, sql: string): Promise<Set<string> | undefined> {
  const tokens = tokenize(sql);
  for (const [i, t] of tokens.entries()) {
    if (t.kind === 'word' && t.value === 'INTERVAL' && tokens[i + 1]?.kind !== 'string') return undefined; // Trino: INTERVAL '1' DAY
    if (t.kind === 'op' && ['::', '//', '**', '[', ']', '{', '}', '->', '->>', '@', '^', ':='].includes(t.value)) return undefined;
    if (t.kind === 'string' && sql[t.start] !== "'") return undefined; // $$…$$ and E'…' are DuckDB's
  }
  let json: string;
  try {
    json = await serializeSql(engine, sql, 'query');
  } catch {
    return undefined;
  }
  const ast = JSON.parse(json) as AstNode;
  if (ast['error']) return undefined;
  let portable = true;
  const functions = new Set<string>();
  // DuckDB spells INTERVAL '7' DAY as to_days(CAST(trunc(CAST('7' AS DOUBLE)) AS INTEGER)): its insides are not the user's.
  const desugared = new Set<AstNode>();
  walk(ast['statements'], (node) => {
    if (desugared.has(node)) return;
    const type = node['type'];
    if (type === 'FUNCTION' && /^to_(years|months|weeks|days|hours|minutes|seconds)$/.test(String(node['function_name']))) {
      walk(node['children'], (inner) => desugared.add(inner));
      return;
    }
    const fn = String(node['function_name']).toLowerCase();
    if (type === 'FUNCTION') functions.add(fn);
    const arity = TRINO_ARITY[fn];
    if (type === 'FUNCTION' && (!PORTABLE_FUNCTIONS.has(fn) || (arity !== undefined && (node['children'] as unknown[]).length !== arity))) portable = false;
    else if (type === 'LAMBDA' || type === 'POSITIONAL_REFERENCE' || type === 'TABLE_FUNCTION' || type === 'PIVOT' || type === 'COLLATE') portable = false;
    else if (type === 'STAR' && ((node['exclude_list'] as unknown[] | undefined)?.length || (node['replace_list'] as unknown[] | undefined)?.length || node['columns'])) portable = false;
    else if (type === 'SELECT_NODE' && (node['qualify'] || (node['aggregate_handling'] && node['aggregate_handling'] !== 'STANDARD_HANDLING'))) portable = false;
    else if (type === 'CAST' && !PORTABLE_TYPES.test(castType(node))) portable = false;
  });
  return portable ? functions : undefined;
}

function castType(node: AstNode): string {
  const t = node['cast_type'] as { id?: string } | undefined;
  return String(t?.id ?? '').replace(/_/g, ' ');
}
