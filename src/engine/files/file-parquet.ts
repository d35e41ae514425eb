import { type Engine, quoteFilePath, quoteIdent } from '../core/index.js';
import { cleanColumnNames } from './file-names.js';
import { parquetColumnReads } from './file-parquet-types.js';
import type { FileRead } from './file-types.js';

/**
 * Parquet via `read_parquet`: typed already, so there is nothing to reject row by row; a file that
 * is not readable Parquet is one reject. Every value is read once here (hashed): a damaged data
 * page passes DuckDB's footer checks and would otherwise fail the caller's write, with the other
 * files of its batch. `_source_line` is NULL.
 */
export async function readParquet(engine: Engine, path: string): Promise<FileRead> {
  const source = `read_parquet(${quoteFilePath(path)}, hive_partitioning = false)`;
  let described: { column_name: string; column_type: string }[];
  let rows: number;
  try {
    described = await engine.all(`DESCRIBE SELECT * FROM ${source}`);
    const all = described.map((d) => quoteIdent(d.column_name)).join(', ');
    rows = Number((await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${source} WHERE hash(${all}) IS NOT NULL`))[0]?.n ?? 0);
  } catch (e) {
    const reason = ((e as Error).message.split('\n')[0] ?? '').replace(/^[A-Za-z ]+Error: /, '');
    return { query: null, columns: [], rows: 0, rejects: [{ file: path, line: null, column: null, raw: null, error: `cannot read Parquet: ${reason}` }], warnings: [], tables: [] };
  }
  const cleaned = cleanColumnNames(described.map((d) => d.column_name));
  const reads = await parquetColumnReads(engine, source, described);
  const select = described.map((d, i) => `${reads[i]?.sql ?? quoteIdent(d.column_name)} AS ${quoteIdent(cleaned.names[i] ?? d.column_name)}`);
  const query = `SELECT ${[...select, 'NULL::BIGINT AS _source_line'].join(', ')} FROM ${source}`;
  const types = await engine.all<{ column_type: string }>(`DESCRIBE ${query}`);
  return {
    query,
    columns: described.map((d, i) => ({ name: cleaned.names[i] ?? d.column_name, duckdbType: types[i]?.column_type ?? d.column_type })),
    rows,
    rejects: [],
    warnings: [...cleaned.changes, ...reads.flatMap((r) => (r.change ? [r.change] : []))].map((c) => `${path}: ${c}`),
    tables: [],
  };
}
