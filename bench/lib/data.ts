/**
 * The benchmark's input: a deterministic orders CSV made by DuckDB from range(N), cached under
 * bench/out/data/ so every run (and every engineer) loads the same bytes. Values come from
 * multiplicative hashes of the row number, not random(), so the file is identical each time.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DATA_DIR } from './paths.js';

/** 2024 is a leap year: timestamps cover 366 days. */
export const YEAR_SECONDS = 366 * 24 * 3600;
export const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'];

export function ordersSql(rows: number): string {
  const statuses = STATUSES.map((s) => `'${s}'`).join(', ');
  return `SELECT
      range AS id,
      TIMESTAMP '2024-01-01 00:00:00' + to_seconds((range * 2654435761) % ${YEAR_SECONDS}) AS ts,
      'C' || lpad(((range * 48271) % 100000)::VARCHAR, 6, '0') AS customer,
      (((range * 69621) % 1000000) / 100)::DECIMAL(10,2) AS amount,
      ((range * 16807) % 20 + 1)::INTEGER AS qty,
      [${statuses}][((range * 40503) % 5) + 1] AS status,
      CASE range % 10
        WHEN 0 THEN 'gift, wrap it'
        WHEN 1 THEN 'customer said "leave at the door"'
        WHEN 2 THEN NULL
        WHEN 3 THEN 'call first, "ring twice", thanks'
        ELSE 'order ' || range
      END AS note
    FROM range(${rows})`;
}

/** The cached CSV for `rows` rows, generated on first use (written aside, then renamed into place). */
export async function ordersCsv(rows: number, threads: number): Promise<{ path: string; bytes: number; generatedMs: number | null }> {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, `orders-${rows}.csv`);
  if (existsSync(file)) return { path: file, bytes: statSync(file).size, generatedMs: null };
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const started = performance.now();
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  try {
    // DuckDB's default, stated because it matters: rows are written in id order, so the file is reproducible.
    await connection.run(`SET preserve_insertion_order = true`);
    await connection.run(`COPY (${ordersSql(rows)}) TO '${partial.replaceAll("'", "''")}' (FORMAT csv, HEADER true)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  renameSync(partial, file);
  return { path: file, bytes: statSync(file).size, generatedMs: performance.now() - started };
}
