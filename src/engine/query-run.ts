/** Runs a bound query: streams at most `maxRows` rows back, or copies the whole result to a file. */
import type { Engine } from './duckdb.js';
import type { Cell, StatementOutcome } from './session.js';
import { runSql, translateError } from './sql-errors.js';
import { quoteLiteral } from './sql-text.js';

export type CopyFormat = 'csv' | 'parquet' | 'json';

/**
 * The first `maxRows` rows and, when there are more, how many in all: counted by DuckDB over the
 * same bound query (which reads no column it does not need), far quicker than reading the rest.
 */
export async function runQuery(engine: Engine, sql: string, maxRows: number): Promise<StatementOutcome> {
  try {
    const reader = await engine.connection.streamAndReadUntil(sql, maxRows + 1);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    const rows = reader.getRowsJson() as Cell[][];
    const truncated = rows.length > maxRows;
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

async function countRows(engine: Engine, sql: string): Promise<number> {
  const [row] = await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM (${sql}) AS __all`);
  return Number(row?.n ?? 0);
}

export async function copyQuery(engine: Engine, query: string, path: string, format: CopyFormat): Promise<number> {
  const options = format === 'csv' ? 'FORMAT csv, HEADER true' : format === 'json' ? 'FORMAT json' : 'FORMAT parquet, COMPRESSION zstd';
  const rows = await runSql<{ Count: string }>(engine, `COPY (${query}) TO ${quoteLiteral(path)} (${options})`, 'query');
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}
