/**
 * Checks only DuckDB can make, run before any data moves: regexes (RE2), date formats, rule
 * literals against column types, and `sql` predicates (one expression, binds, is boolean).
 */
import { PROJECT_FILE } from '../config/index.js';
import type { Engine } from '../engine/duckdb.js';
import { quoteLiteral } from '../engine/sql-text.js';
import { InvalidInput } from '../errors.js';
import { literal } from './checks.js';
import type { SilverContract } from './contract-schema.js';
import type { ColumnPlan } from './standardize-sql.js';

/** Regexes, formats and literals; before the typed view exists (a bad format breaks it). */
export async function checkContractLiterals(engine: Engine, contract: SilverContract, name: string, columns: readonly ColumnPlan[]): Promise<void> {
  const fail = failure(name);
  const tryRun = async (sql: string, path: (string | number)[], expected: string): Promise<void> => {
    try {
      await engine.all(sql);
    } catch (e) {
      fail(path, expected, e);
    }
  };
  for (const c of columns) {
    for (const [i, f] of (c.spec.formats ?? []).entries()) {
      await tryRun(`SELECT try_strptime('', ${quoteLiteral(f)})`, ['columns', c.name, 'formats', i], 'a strptime format such as %Y-%m-%d %H:%M:%S');
    }
  }
  for (const [i, x] of contract.expectations.entries()) {
    if (x.rule === 'sql') continue;
    const type = columns.find((c) => c.name === x.column)?.type;
    if (x.rule === 'regex') await tryRun(`SELECT regexp_matches('', ${quoteLiteral(x.pattern)})`, ['expectations', i, 'pattern'], 'a regular expression in RE2 syntax');
    if (!type) continue;
    if (x.rule === 'range') {
      for (const key of ['min', 'max'] as const) {
        const v = x[key];
        if (v !== undefined) await tryRun(`SELECT ${literal(v, type)}`, ['expectations', i, key], `a ${type.text} value`);
      }
    }
    if (x.rule === 'allowed_values') {
      for (const [j, v] of x.values.entries()) await tryRun(`SELECT ${literal(v, type)}`, ['expectations', i, 'values', j], `a ${type.text} value`);
    }
  }
}

/** `sql` predicates: one expression that binds against the typed rows and is boolean. */
export async function checkPredicates(engine: Engine, contract: SilverContract, name: string, typedRelation: string): Promise<void> {
  const fail = failure(name);
  for (const [i, x] of contract.expectations.entries()) {
    if (x.rule !== 'sql') continue;
    await checkPredicate(engine, x.predicate, typedRelation, (expected, e) => fail(['expectations', i, 'predicate'], expected, e));
  }
}

function failure(name: string): (path: (string | number)[], expected: string, e: unknown) => never {
  return (path, expected, e) => {
    throw new InvalidInput(`${PROJECT_FILE} silver.${name}.${path.join('.')}: expected ${expected}; DuckDB says: ${firstLine(e)}`);
  };
}

async function checkPredicate(engine: Engine, predicate: string, relation: string, fail: (expected: string, e: unknown) => never): Promise<void> {
  const expected = 'one boolean SQL expression over the contract columns';
  const [row] = await engine.allJson<{ j: string }>(`SELECT json_serialize_sql(${quoteLiteral(`SELECT (${predicate})`)}) AS j`);
  const parsed = JSON.parse(row!.j) as { error: boolean; error_message?: string; statements?: { node: Record<string, unknown> }[] };
  if (parsed.error) fail(expected, parsed.error_message);
  const node = parsed.statements?.length === 1 ? parsed.statements[0]!.node : undefined;
  const simple =
    node?.['type'] === 'SELECT_NODE' &&
    (node['select_list'] as unknown[]).length === 1 &&
    (node['from_table'] as { type: string }).type === 'EMPTY' &&
    (node['modifiers'] as unknown[]).length === 0 &&
    node['where_clause'] === null &&
    (node['group_expressions'] as unknown[]).length === 0 &&
    node['having'] === null &&
    node['qualify'] === null;
  if (!simple) fail(expected, 'it is not a single expression');
  try {
    await engine.all(`SELECT CAST((${predicate}) AS BOOLEAN) FROM ${relation} LIMIT 0`);
  } catch (e) {
    fail(expected, e);
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}
