/**
 * Lineage columns carried from bronze into silver (and into the quarantine). They break "latest
 * wins" ties and say where a silver row came from. Absent in the source → NULL.
 */
export const LINEAGE_COLUMNS = [
  { name: '_ingested_at', duckdb: 'TIMESTAMPTZ', iceberg: 'timestamptz' },
  { name: '_source_file', duckdb: 'VARCHAR', iceberg: 'string' },
  { name: '_source_line', duckdb: 'BIGINT', iceberg: 'long' },
  { name: '_batch_id', duckdb: 'VARCHAR', iceberg: 'string' },
] as const;

export type LineageName = (typeof LINEAGE_COLUMNS)[number]['name'];

export function isLineage(name: string): boolean {
  return LINEAGE_COLUMNS.some((c) => c.name === name.toLowerCase());
}

/** Prefix of the working columns this module adds; contract names may not use it. */
export const INTERNAL_PREFIX = '__silt';
