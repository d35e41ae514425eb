/**
 * The one pass over the source: flatten, standardize, type, enrich, and evaluate the casts. The
 * result keeps the raw row (`__silt_raw`, for the quarantine), the typed contract columns under
 * their own names, the lineage columns and the enriched columns.
 */
import { quoteIdent } from '../engine/index.js';
import type { Check } from './checks.js';
import type { SilverContract } from './contract-schema.js';
import { derivedRawRef, withDefault, type DerivedPlan } from './derived-columns.js';
import { enrichColumns } from './enrich-columns.js';
import { LINEAGE_COLUMNS } from './lineage.js';
import { findSourceColumn, type SourceColumn } from './source-columns.js';
import type { ColumnPlan } from './standardize-sql.js';

export const normRef = (i: number): string => `__silt_s.__silt_n${i}`;
export const typedRef = (i: number): string => `__silt_s.__silt_c${i}`;


export interface TypedSelectInput {
  readonly contract: SilverContract;
  readonly source: string;
  readonly sourceColumns: readonly SourceColumn[];
  readonly columns: readonly ColumnPlan[];
  readonly derived: readonly DerivedPlan[];
  readonly castChecks: readonly Check[];
  readonly lookup: (table: string) => string;
}

export function typedSelect(p: TypedSelectInput): string {
  const flat = p.sourceColumns.map((c) => `${c.expr} AS ${quoteIdent(c.name)}`).join(', ');
  const norms = p.columns.map((c, i) => `${c.norm} AS __silt_n${i}`).join(', ');
  const typed = p.columns.map((c, i) => `${c.typed(`__silt_n${i}`)} AS __silt_c${i}`).join(', ');
  const raw = p.sourceColumns.length
    ? `struct_pack(${p.sourceColumns.map((c) => `${quoteIdent(c.name)} := __silt_s.${quoteIdent(c.name)}`).join(', ')})`
    : 'NULL';
  const select = [`${raw} AS __silt_raw`];
  p.columns.forEach((c, i) => select.push(`${withDefault(typedRef(i), c.spec, c.type)} AS ${quoteIdent(c.name)}`));
  for (const check of p.castChecks) select.push(`${check.flag} AS ${check.id}`);
  for (const l of LINEAGE_COLUMNS) {
    const src = findSourceColumn(p.sourceColumns, l.name);
    select.push(`${src ? `TRY_CAST(__silt_s.${quoteIdent(src.name)} AS ${l.duckdb})` : `CAST(NULL AS ${l.duckdb})`} AS ${quoteIdent(l.name)}`);
  }
  const joins: string[] = [];
  p.contract.enrich.forEach((e, i) => {
    const alias = `__silt_e${i}`;
    const cols = enrichColumns(e);
    const needed = [...new Set([...e.on, ...cols.map((c) => c.source)])].map(quoteIdent).join(', ');
    const on = e.on.map((o) => `${alias}.${quoteIdent(o)} = ${typedRef(p.columns.findIndex((c) => c.name === o))}`).join(' AND ');
    // One looked-up row per key, so an enrich join never multiplies input rows.
    joins.push(
      `LEFT JOIN (SELECT ${needed} FROM ${p.lookup(e.table)} QUALIFY row_number() OVER (PARTITION BY ${e.on.map(quoteIdent).join(', ')}) = 1) AS ${alias} ON ${on}`,
    );
    for (const c of cols) select.push(`${alias}.${quoteIdent(c.source)} AS ${quoteIdent(c.as)}`);
  });
  const norm = norms ? `, ${norms}` : '';
  const cast = typed ? `, ${typed}` : '';
  const rows = [
    `WITH __silt_flat AS (SELECT ${flat} FROM ${p.source}),`,
    `__silt_norm AS (SELECT *${norm} FROM __silt_flat),`,
    `__silt_typed AS (SELECT *${cast} FROM __silt_norm)`,
    `SELECT ${select.join(', ')} FROM __silt_typed AS __silt_s ${joins.join(' ')}`,
  ].join('\n');
  if (p.derived.length === 0) return rows;
  // Expressions see the typed (and defaulted) columns by name: bound so by `bindContract`.
  const exprs = p.derived.map((d, j) => `${d.expr} AS ${derivedRawRef(j)}`).join(', ');
  const values = p.derived.map((d, j) => `${withDefault(d.cast ? `TRY_CAST(${derivedRawRef(j)} AS ${d.type.duckdb})` : derivedRawRef(j), d.spec, d.type)} AS ${quoteIdent(d.name)}`);
  return `SELECT *, ${values.join(', ')} FROM (SELECT *, ${exprs} FROM (${rows}) AS __silt_b) AS __silt_d`;
}
