/** Quarantine rows: one per input row that broke a `drop` rule, with the first rule and every reason. */
import { quoteIdent, quoteLiteral } from '../engine/index.js';
import type { Check } from './checks.js';
import { maskSql, reportMask } from './mask-sql.js';
import type { SourceColumn } from './source-columns.js';
import type { ColumnPlan } from './standardize-sql.js';

/** Column names and DuckDB types of a quarantine relation. */
export const QUARANTINE_COLUMNS = [
  { name: 'run_id', duckdb: 'VARCHAR', iceberg: 'string' },
  { name: 'rule', duckdb: 'VARCHAR', iceberg: 'string' },
  { name: 'column', duckdb: 'VARCHAR', iceberg: 'string' },
  { name: 'reason', duckdb: 'VARCHAR', iceberg: 'string' },
  { name: 'original', duckdb: 'VARCHAR', iceberg: 'string' },
  { name: '_source_file', duckdb: 'VARCHAR', iceberg: 'string' },
  { name: '_source_line', duckdb: 'BIGINT', iceberg: 'long' },
  { name: '_ingested_at', duckdb: 'TIMESTAMPTZ', iceberg: 'timestamptz' },
  { name: 'quarantined_at', duckdb: 'TIMESTAMPTZ', iceberg: 'timestamptz' },
] as const;

const SEPARATE = new Set(['_ingested_at', '_source_file', '_source_line']);

/**
 * The raw input row as JSON text, PII masked: a masked column shows its standardized value masked
 * exactly as silver stores it; a PII-tagged column stored unmasked shows `***`.
 */
export function originalSql(source: readonly SourceColumn[], columns: readonly ColumnPlan[], secret: string): string {
  const fields = source
    .filter((s) => !SEPARATE.has(s.name.toLowerCase()))
    .map((s) => {
      const pii = columns.find((c) => c.source === s && reportMask(c.spec).mask);
      const value = pii ? maskSql(quoteIdent(pii.name), reportMask(pii.spec), secret) : `struct_extract(__silt_raw, ${quoteLiteral(s.name)})`;
      return `${quoteIdent(s.name)} := ${value}`;
    });
  return fields.length ? `CAST(to_json(struct_pack(${fields.join(', ')})) AS VARCHAR)` : `'{}'`;
}

export function quarantineSelect(from: string, checks: readonly Check[], runId: string, original: string): string {
  const when = (pick: (c: Check) => string): string => `CASE ${checks.map((c) => `WHEN ${c.id} THEN ${pick(c)}`).join(' ')} END`;
  const reasons = checks.map((c) => `CASE WHEN ${c.id} THEN ${c.reason} END`).join(', ');
  const cols = [
    `${quoteLiteral(runId)} AS run_id`,
    `${when((c) => quoteLiteral(c.label))} AS rule`,
    `${when((c) => (c.column === undefined ? 'NULL' : quoteLiteral(c.column)))} AS "column"`,
    `concat_ws('; ', ${reasons}) AS reason`,
    `${original} AS original`,
    '"_source_file"',
    '"_source_line"',
    '"_ingested_at"',
    'CAST(now() AS TIMESTAMPTZ) AS quarantined_at',
  ];
  return `SELECT ${cols.join(', ')} FROM ${from} WHERE ${checks.map((c) => c.id).join(' OR ')}`;
}
