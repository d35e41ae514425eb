/** Runs a bound query: streams at most `maxRows` rows back, or copies the whole result to a file. */
import type { Engine } from './duckdb.js';
import type { Cell, StatementOutcome } from './session.js';
import { runSql, translateError } from './sql-errors.js';
import { quoteLiteral } from './sql-text.js';

export type CopyFormat = 'csv' | 'parquet' | 'json';

export async function runQuery(engine: Engine, sql: string, maxRows: number): Promise<StatementOutcome> {
  try {
    const reader = await engine.connection.streamAndReadUntil(sql, maxRows + 1);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const rows = reader.getRowsJson() as Cell[][];
    const truncated = rows.length > maxRows;
    const kept = rows.length > maxRows ? rows.slice(0, maxRows) : rows;
    return {
      columns: names.map((name, i) => ({ name, type: types[i]!.toString() })),
      rows: kept,
      truncated,
      rowCount: kept.length,
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
