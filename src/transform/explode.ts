/**
 * `explode:` a list column of the source becomes a child silver table: one row per element of each
 * parent row the batch puts in silver, with the parent's key and the element's position. The child
 * is a contract of its own (`childContract`) run over the elements like any source, so its types,
 * rules, thresholds and quarantine work as the parent's do.
 */
import { didYouMean } from '../config/index.js';
import { type Engine, quoteIdent } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { parseColumnType } from './column-type.js';
import type { ColumnSpec, ExplodeSpec, SilverContract } from './contract-shape.js';
import { LINEAGE_COLUMNS } from './lineage.js';
import { findSourceColumn, isStructType, sourceColumns } from './source-columns.js';

/** The column of the elements relation holding one element (a struct; a scalar is `{value}`). */
export const elementColumn = (e: ExplodeSpec): string => e.column.replaceAll('.', '_');

/** Parent columns that find, for a kept parent row, the source row it was read from. */
const ROW_IDENTITY = ['_source_file', '_source_line'] as const;

/** The child table's contract: the parent's key columns, the position, then the element's columns. */
export function childContract(parent: SilverContract, e: ExplodeSpec): SilverContract {
  const plain = { required: false, trim: false };
  const columns: Record<string, ColumnSpec> = {};
  for (const k of parent.key ?? []) columns[k] = { ...plain, type: parent.columns[k]?.type ?? 'string' };
  columns[e.position] = { ...plain, type: 'int' };
  const element = elementColumn(e);
  for (const [n, spec] of Object.entries(e.columns)) columns[n] = spec.expr === undefined ? { ...spec, from: `${element}.${spec.from ?? n}` } : spec;
  return {
    source: parent.source,
    key: [...(parent.key ?? []), e.position],
    flatten: true,
    columns,
    null_tokens: e.null_tokens ?? parent.null_tokens,
    expectations: e.expectations,
    enrich: [],
    history: false,
    ...(e.max_invalid_ratio === undefined ? {} : { max_invalid_ratio: e.max_invalid_ratio }),
    ...(e.max_invalid_rows === undefined ? {} : { max_invalid_rows: e.max_invalid_rows }),
  };
}

/** A child table of the silver section: its parent contract's name, the explode and the child's contract. */
export interface ChildTable {
  parent: string;
  spec: ExplodeSpec;
  contract: SilverContract;
}

/** The explode that writes silver table `name` (`order_lines`), if one does. */
export function childTable(silver: Readonly<Record<string, SilverContract>>, name: string): ChildTable | undefined {
  const wanted = name.toLowerCase();
  for (const [parent, c] of Object.entries(silver)) {
    const spec = c.explode?.find((e) => e.into.toLowerCase() === wanted);
    if (spec) return { parent, spec, contract: childContract(c, spec) };
  }
  return undefined;
}

export interface ExplodeRelations {
  /** Temp table: per kept parent row of this batch, its key, its source row's list and lineage. */
  parents: string;
  /** Temp table: one row per element (key columns, position, element, lineage): the child's source. */
  elements: string;
}

/**
 * Builds the relations of one explode: `merged` (the parent rows to upsert; a relation with the
 * key and lineage columns) joined back to their `source` rows by lineage, so elements come only
 * from parents that silver keeps, and a parent kept unchanged from before yields none.
 * `context` names the table in errors (`transform: silver.orders`).
 */
export async function explodeRelations(
  engine: Engine,
  parent: SilverContract,
  e: ExplodeSpec,
  input: { source: string; merged: string; prefix: string },
  context: string,
): Promise<ExplodeRelations> {
  const where = `${context}: explode ${e.into}: column ${e.column}`;
  const flat = await sourceColumns(engine, input.source, parent.flatten, context, new Set([elementColumn(e).toLowerCase()]));
  const list = findSourceColumn(flat, e.column);
  if (!list) {
    const hint = didYouMean(e.column, flat.map((c) => c.name));
    throw new InvalidInput(`${where}: the source has no such column${hint ? ` (did you mean ${hint}?)` : ''}; source columns: ${flat.map((c) => c.name).join(', ')}`);
  }
  if (!list.type.endsWith('[]')) {
    throw new InvalidInput(`${where}: expected a list, found ${list.type}; explode reads a list (a JSON array read at bronze from json or ndjson files)`);
  }
  for (const l of ROW_IDENTITY) {
    if (!findSourceColumn(flat, l)) throw new InvalidInput(`${where}: the source has no ${l}; explode joins each parent to its source row by ${ROW_IDENTITY.join(' and ')} (a bronze table has them)`);
  }
  const keys = (parent.key ?? []).map(quoteIdent);
  const batch = findSourceColumn(flat, '_batch_id') ? ` AND m."_batch_id" IS NOT DISTINCT FROM s."_batch_id"` : '';
  const lineage = LINEAGE_COLUMNS.map((l) => (findSourceColumn(flat, l.name) ? `s.${quoteIdent(l.name)}` : `CAST(NULL AS ${l.duckdb}) AS ${quoteIdent(l.name)}`));
  const parents = quoteIdent(`${input.prefix}_parents`);
  const elements = quoteIdent(`${input.prefix}_elements`);
  await engine.run(
    `CREATE OR REPLACE TEMP TABLE ${parents} AS SELECT ${[...keys.map((k) => `m.${k}`), 's.__silt_list', ...lineage].join(', ')} ` +
      `FROM ${input.merged} AS m JOIN (SELECT *, ${list.expr} AS __silt_list FROM ${input.source}) AS s ` +
      `ON m."_source_file" = s."_source_file" AND m."_source_line" = s."_source_line"${batch}`,
  );
  const elementType = list.type.slice(0, -2);
  const item = '__silt_list[__silt_p]';
  const element = isStructType(elementType) ? item : `struct_pack("value" := ${item})`;
  const lineageNames = LINEAGE_COLUMNS.map((l) => quoteIdent(l.name));
  await engine.run(
    `CREATE OR REPLACE TEMP TABLE ${elements} AS SELECT ${[...keys, `__silt_p AS ${quoteIdent(e.position)}`, `${element} AS ${quoteIdent(elementColumn(e))}`, ...lineageNames].join(', ')} ` +
      `FROM (SELECT *, unnest(generate_series(1, len(__silt_list))) AS __silt_p FROM ${parents})`,
  );
  return { parents, elements };
}

/** A relation with no rows and the columns `merged` has for `explodeRelations`: for checks before any run. */
export function emptyMerged(parent: SilverContract): string {
  const keys = (parent.key ?? []).map((k) => `CAST(NULL AS ${parseColumnType(parent.columns[k]?.type ?? 'string')?.duckdb ?? 'VARCHAR'}) AS ${quoteIdent(k)}`);
  const lineage = LINEAGE_COLUMNS.map((l) => `CAST(NULL AS ${l.duckdb}) AS ${quoteIdent(l.name)}`);
  return `(SELECT ${[...keys, ...lineage].join(', ')} LIMIT 0)`;
}

export async function dropExplodeRelations(engine: Engine, r: ExplodeRelations): Promise<void> {
  await engine.run(`DROP TABLE IF EXISTS ${r.elements}`);
  await engine.run(`DROP TABLE IF EXISTS ${r.parents}`);
}
