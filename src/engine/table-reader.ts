/**
 * SQL that reads a scan plan's data files as the plan's schema. Columns are matched by Parquet
 * field id, so renamed, added, dropped and widened columns read correctly from older files.
 */
import type { DataFile, Schema } from '../table/index.js';
import type { ObjectStore } from '../storage/index.js';
import { quoteIdent, quoteList, quoteLiteral } from './sql-text.js';
import { icebergToDuckdb } from './types-map.js';

export interface ScanSource {
  schema: Schema;
  files: readonly DataFile[];
}

export interface ScanSqlOptions {
  /** Adds a VARCHAR column with this name holding each row's data file path as the engine sees it. */
  fileColumn?: string;
}

export function scanSql(source: ScanSource, store: ObjectStore, options: ScanSqlOptions = {}): string {
  const { schema, files } = source;
  const names = schema.fields.map((f) => quoteIdent(f.name));
  if (files.length === 0) {
    const cols = schema.fields.map((f) => `CAST(NULL AS ${icebergToDuckdb(f.type)}) AS ${quoteIdent(f.name)}`);
    if (options.fileColumn) cols.push(`CAST(NULL AS VARCHAR) AS ${quoteIdent(options.fileColumn)}`);
    return `SELECT ${cols.join(', ')} WHERE false`;
  }
  const paths = files.map((f) => enginePathOf(store, f));
  const entries = schema.fields.map(
    (f) =>
      `${f.id}: {name: ${quoteLiteral(f.name)}, type: ${quoteLiteral(icebergToDuckdb(f.type))}, default_value: NULL}`,
  );
  const args = [quoteList(paths), `schema = MAP {${entries.join(', ')}}`];
  if (options.fileColumn) {
    args.push(`filename = ${quoteLiteral(options.fileColumn)}`);
    names.push(quoteIdent(options.fileColumn));
  }
  return `SELECT ${names.join(', ')} FROM read_parquet(${args.join(', ')})`;
}

/** Where DuckDB reads a data file. */
export function enginePathOf(store: ObjectStore, file: DataFile): string {
  return store.enginePath(store.keyOf(file.filePath));
}
