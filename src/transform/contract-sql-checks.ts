/**
 * Checks only DuckDB can make, run before any data moves: regexes (RE2), date formats, rule
 * literals against column types, and `sql` predicates (one expression, binds, is boolean).
 */
import { PROJECT_FILE } from '../config/index.js';
import { type Engine, quoteLiteral, sqlExpression } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { literal } from './checks.js';
import type { SilverContract } from './contract-schema.js';
import type { ColumnPlan } from './standardize-sql.js';

/** Regexes, formats and literals; before the typed view exists (a bad format breaks it). */
export async function checkContractLiterals(
  engine: Engine,
  contract: SilverContract,
  name: string,
  columns: readonly Pick<ColumnPlan, 'name' | 'spec' | 'type'>[],
): Promise<void> {
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

/**
 * `sql` predicates: one expression (no subquery, file or setting: `sqlExpression`) that binds
 * against the typed rows and is boolean. Checked before `planChecks`' flags embed it.
 */
export async function checkPredicates(engine: Engine, contract: SilverContract, name: string, typedRelation: string): Promise<void> {
  const fail = failure(name);
  for (const [i, x] of contract.expectations.entries()) {
    if (x.rule !== 'sql') continue;
    const path = ['expectations', i, 'predicate'];
    await checkPredicate(engine, x.predicate, `${PROJECT_FILE} silver.${name}.${path.join('.')}`, typedRelation, (expected, e) => fail(path, expected, e));
  }
}

function failure(name: string): (path: (string | number)[], expected: string, e: unknown) => never {
  return (path, expected, e) => {
    throw new InvalidInput(`${PROJECT_FILE} silver.${name}.${path.join('.')}: expected ${expected}; DuckDB says: ${firstLine(e)}`);
  };
}

async function checkPredicate(engine: Engine, predicate: string, field: string, relation: string, fail: (expected: string, e: unknown) => never): Promise<void> {
  const expected = 'one boolean SQL expression over the contract columns';
  const sql = await sqlExpression(engine, predicate, field);
  try {
    await engine.all(`SELECT CAST(${sql} AS BOOLEAN) FROM ${relation} LIMIT 0`);
  } catch (e) {
    fail(expected, e);
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}
