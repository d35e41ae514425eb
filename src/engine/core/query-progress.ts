import type { Engine } from './duckdb.js';

const POLL_MS = 250;

/**
 * Calls `report` with the running statement's completion (0..1) every quarter second while `work`
 * runs on the engine: DuckDB executes on its own threads, so the event loop is free to ask.
 */
export async function withQueryProgress<T>(engine: Engine, report: (fraction: number) => void, work: () => Promise<T>): Promise<T> {
  await engine.run('SET enable_progress_bar = true; SET enable_progress_bar_print = false');
  const timer = setInterval(() => {
    const pct = engine.connection.progress.percentage;
    if (pct >= 0) report(Math.min(1, pct / 100));
  }, POLL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await engine.run('SET enable_progress_bar = false');
  }
}
