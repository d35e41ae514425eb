/** Runs a bound query: streams at most `maxRows` rows back, or copies the whole result to a file. */
import { JsonDuckDBValueConverter } from '@duckdb/node-api';
import type { Engine } from './duckdb.js';
import type { Cell, StatementOutcome } from './session.js';
import { runSql, translateError } from './sql-errors.js';
import { quoteLiteral } from './sql-text.js';

export type CopyFormat = 'csv' | 'parquet' | 'json';

/** The first `maxRows` rows; the rest are counted (not kept), so the caller can say how many it left out. */
export async function runQuery(engine: Engine, sql: string, maxRows: number): Promise<StatementOutcome> {
  try {
    const result = await engine.connection.stream(sql);
    const names = result.columnNames();
    const types = result.columnTypes();
    const rows: Cell[][] = [];
    let total = 0;
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      if (rows.length < maxRows) {
        for (const row of chunk.convertRows(JsonDuckDBValueConverter).slice(0, maxRows - rows.length)) rows.push(row as Cell[]);
      }
      total += chunk.rowCount;
    }
    return {
      columns: names.map((name, i) => ({ name, type: types[i]!.toString() })),
      rows,
      truncated: total > rows.length,
      totalRows: total,
      rowCount: rows.length,
    };
  } catch (e) {
    throw translateError(e, 'query');
  }
}

export async function copyQuery(engine: Engine, query: string, path: string, format: CopyFormat): Promise<number> {
  const options = format === 'csv' ? 'FORMAT csv, HEADER true' : format === 'json' ? 'FORMAT json' : 'FORMAT parquet, COMPRESSION zstd';
  const rows = await runSql<{ Count: string }>(engine, `COPY (${query}) TO ${quoteLiteral(path)} (${options})`, 'query');
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}
