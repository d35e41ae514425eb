/** Runs a bound query: streams at most `maxRows` rows back, yields it in batches, or copies the whole result to a file. */
import { LimitExceeded } from '../../errors.js';
import { JsonDuckDBValueConverter } from '@duckdb/node-api';
import { type Engine, quoteLiteral, runSql, translateError } from '../core/index.js';
import type { Cell, ResultColumn, StatementOutcome } from './statement-types.js';

export type CopyFormat = 'csv' | 'parquet' | 'json';

/**
 * The first `maxRows` rows and, when there are more, how many in all: counted by DuckDB over the
 * same bound query (which reads no column it does not need), far quicker than reading the rest.
 */
export async function runQuery(engine: Engine, sql: string, maxRows: number, rowLimit?: number): Promise<StatementOutcome> {
  try {
    if (rowLimit !== undefined) maxRows = Math.min(maxRows, rowLimit);
    await engine.syncKeys();
    const reader = await engine.connection.streamAndReadUntil(sql, maxRows + 1);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const rows = reader.getRowsJson() as Cell[][];
    const truncated = rows.length > maxRows;
    if (truncated && rowLimit !== undefined && maxRows === rowLimit) throw rowsOver(rowLimit);
    const kept = truncated ? rows.slice(0, maxRows) : rows;
    const total = truncated ? await countRows(engine, sql) : kept.length;
    return {
      columns: names.map((name, i) => ({ name, type: types[i]!.toString() })),
      rows: kept,
      truncated,
      totalRows: total,
      rowCount: kept.length,
    };
  } catch (e) {
    throw translateError(e, 'query');
  }
}

/** The query's rows in batches of at most `batchRows` (DuckDB's chunks, 2,048 rows, by default). */
export async function* streamQuery(
  engine: Engine,
  sql: string,
  batchRows = 2048,
  rowLimit?: number,
  onColumns?: (columns: ResultColumn[]) => void,
): AsyncGenerator<Cell[][]> {
  let result;
  try {
    await engine.syncKeys();
    result = await engine.connection.stream(sql);
  } catch (e) {
    throw translateError(e, 'query');
  }
  if (onColumns) {
    const types = result.columnTypes();
    onColumns(result.columnNames().map((name, i) => ({ name, type: types[i]!.toString() })));
  }
  let seen = 0;
  let pending: Cell[][] = [];
  for (;;) {
    let chunk;
    try {
      chunk = await result.fetchChunk();
    } catch (e) {
      throw translateError(e, 'query');
    }
    if (!chunk || chunk.rowCount === 0) break;
    seen += chunk.rowCount;
    if (rowLimit !== undefined && seen > rowLimit) throw rowsOver(rowLimit);
    pending.push(...(chunk.convertRows(JsonDuckDBValueConverter) as Cell[][]));
    while (pending.length >= batchRows) yield pending.splice(0, batchRows);
  }
  if (pending.length > 0) yield pending;
}

function rowsOver(limit: number): LimitExceeded {
  return new LimitExceeded(`query: the statement returns more than its limit of ${limit} rows; add a LIMIT or narrow its WHERE`);
}

async function countRows(engine: Engine, sql: string): Promise<number> {
  const [row] = await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM (${sql}) AS __all`);
  return Number(row?.n ?? 0);
}

export async function copyQuery(engine: Engine, query: string, path: string, format: CopyFormat): Promise<number> {
  const options = format === 'csv' ? 'FORMAT csv, HEADER true' : format === 'json' ? 'FORMAT json' : 'FORMAT parquet, COMPRESSION zstd';
  const rows = await runSql<{ Count: string }>(engine, `COPY (${query}) TO ${quoteLiteral(path)} (${options})`, 'query');
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}
