import type { ExternalFormat } from '../engine/index.js';

const FORMAT_BY_EXTENSION: Record<string, ExternalFormat> = {
  csv: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  json: 'json',
  ndjson: 'json',
  jsonl: 'json',
  parquet: 'parquet',
  pq: 'parquet',
};

const COMPRESSION = new Set(['gz', 'gzip', 'zst', 'zstd']);

/**
 * The reader a data file needs, by extension (`orders.csv.gz`, `events.jsonl`); undefined for
 * anything else. JSON arrays and NDJSON are one format: DuckDB tells them apart per file.
 */
export function formatOf(fileName: string): ExternalFormat | undefined {
  const exts = fileName.toLowerCase().split('.').slice(1);
  if (exts.length > 1 && COMPRESSION.has(exts.at(-1)!)) exts.pop();
  const ext = exts.at(-1);
  return ext ? FORMAT_BY_EXTENSION[ext] : undefined;
}

/** Hidden and bookkeeping entries (`.DS_Store`, `_SUCCESS`, `_temporary/`) are not data, as in Hive and Spark. */
export function isIgnored(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_') || name.endsWith('.crc') || name.endsWith('.tmp');
}
