/**
 * A declared row filter or mask checked before it is stored: one SQL expression (no subquery,
 * no file, table function or setting), calling the principal functions properly, over columns
 * the table has, and typed as DuckDB types it (a filter must be a condition). Errors name the
 * policy's table and column.
 */
import type { Catalog } from '../catalog/index.js';
import { currentSchema } from '../table/index.js';
import { type Engine, icebergToDuckdb, quoteIdent, runSql, sqlExpression } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { bindPrincipal } from './principal-functions.js';
import type { MaskDecl, PoliciesConfig, RowFilterDecl } from './policies-config.js';
import { maskExpression } from './row-column-policy.js';

const PROBE = { name: 'policy_check', kind: 'user' as const, groups: [], attributes: {} };

/** Checks every filter and mask of `config` whose table exists; returns the tables that do not exist yet. */
export async function checkPolicies(engine: Engine, catalog: Catalog, config: PoliciesConfig, secret: () => string): Promise<Set<string>> {
  const missing = new Set<string>();
  const columnsOf = async (table: string): Promise<string | undefined> => {
    const [ns, name] = table.split('.') as [string, string];
    if (!(await catalog.tableExists(ns, name))) {
      missing.add(table);
      return undefined;
    }
    const fields = currentSchema((await catalog.loadTable(ns, name)).metadata).fields;
    return fields.map((f) => `CAST(NULL AS ${icebergToDuckdb(f.type)}) AS ${quoteIdent(f.name)}`).join(', ');
  };
  for (const [i, f] of config.row_filters.entries()) {
    const cols = await columnsOf(f.table);
    if (cols !== undefined) await checkFilter(engine, f, cols, `policies.row_filters[${i}] (row filter of ${f.table})`);
  }
  for (const [i, m] of config.masks.entries()) {
    const cols = await columnsOf(m.table);
    if (cols !== undefined) await checkMask(engine, catalog, m, cols, secret, `policies.masks[${i}] (mask of ${m.table}.${m.column})`);
  }
  return missing;
}

async function checkFilter(engine: Engine, f: RowFilterDecl, cols: string, field: string): Promise<void> {
  const expr = await sqlExpression(engine, bindPrincipal(f.filter, PROBE, field), field);
  const [row] = await runSql<{ t: string }>(engine, `SELECT typeof(${expr}) AS t FROM (SELECT ${cols}) AS t`, field);
  if (row?.t !== 'BOOLEAN' && row?.t !== 'NULL') throw new InvalidInput(`${field}: a row filter must be a condition (true or false), found one of type ${row?.t ?? 'unknown'}`);
}

async function checkMask(engine: Engine, catalog: Catalog, m: MaskDecl, cols: string, secret: () => string, field: string): Promise<void> {
  const [ns, name] = m.table.split('.') as [string, string];
  const fields = currentSchema((await catalog.loadTable(ns, name)).metadata).fields;
  const column = fields.find((f) => f.name === m.column) ?? fields.find((f) => f.name.toLowerCase() === m.column.toLowerCase());
  if (!column) throw new InvalidInput(`${field}: ${m.table} has no column ${m.column} (it has ${fields.map((f) => f.name).join(', ')})`);
  const expr = await sqlExpression(engine, maskExpression(m, column.name, PROBE, secret), field);
  await typed(engine, `SELECT ${expr} FROM (SELECT ${cols}) AS t`, field);
}

/** Runs the probe over no rows: unknown columns, functions and types fail here, naming `field`. */
async function typed(engine: Engine, sql: string, field: string): Promise<void> {
  await runSql(engine, `${sql} LIMIT 0`, field);
}
