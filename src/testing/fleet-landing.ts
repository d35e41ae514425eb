import assert from 'node:assert/strict';
import type { Project } from '../project/index.js';
import { query, rowsByColumnName, withSession } from './pipeline-project.js';
import { httpJson, startServeProcess, startWorkerProcess, type ServeProcess, type WorkerProcess } from './serve-process.js';

/** Rows in each file of fleetLanding. */
export const FLEET_ROWS = 2_000;

/** A landing of `files` CSV files of orders (`id,amount`), FLEET_ROWS each, ids unique across files. */
export function fleetLanding(files: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let f = 0; f < files; f++) {
    const lines = Array.from({ length: FLEET_ROWS }, (_, i) => `${f * FLEET_ROWS + i + 1},${(i % 1000) / 4}`);
    out[`orders/f${String(f).padStart(3, '0')}.csv`] = `id,amount\n${lines.join('\n')}\n`;
  }
  return out;
}

/** `silt serve --no-execute` and three `silt worker`s (w1–w3) on a project, and the run asked of them. */
export interface Fleet {
  server: ServeProcess;
  /** The workers started so far (a test may push the ones it starts in place of killed ones). */
  workers: WorkerProcess[];
  jobId: string;
  /** What every worker printed, for failure messages. */
  said(): string;
  /** SIGKILLs the server and every worker, resolving once all have exited. */
  stop(): Promise<void>;
}

export async function startFleet(dir: string, dedupeKey: string): Promise<Fleet> {
  const server = await startServeProcess(dir, ['--no-execute', '--no-watch']);
  const workers = [1, 2, 3].map((n) => startWorkerProcess(dir, `w${n}`));
  const stop = async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    server.child.kill('SIGKILL');
    await Promise.all([server.exited, ...workers.map((w) => w.exited)]);
  };
  try {
    const asked = await httpJson(dir, `${server.url}/v1/runs`, 'POST', { dedupeKey });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    return { server, workers, jobId: asked.body.jobId as string, said: () => workers.map((w) => `--- ${w.name}\n${w.stderr()}`).join('\n'), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Each of `files` landing files of fleetLanding in `p`'s bronze.orders exactly once, and bronze and silver as `here`, the run in one process, made them. */
export async function assertIngestedOnce(p: Project, here: Project, files: number): Promise<void> {
  const perFile = await withSession(p, (sql) => query(sql, 'SELECT _source_file, count(*), count(DISTINCT id) FROM bronze.orders GROUP BY 1 ORDER BY 1'));
  assert.equal(perFile.length, files, 'every landing file in bronze');
  assert.ok(perFile.every(([, n, d]) => Number(n) === FLEET_ROWS && Number(d) === FLEET_ROWS), `each exactly once: ${JSON.stringify(perFile.filter(([, n]) => Number(n) !== FLEET_ROWS))}`);
  for (const table of ['bronze.orders', 'silver.orders']) {
    assert.deepEqual(await rowsByColumnName(p, table), await rowsByColumnName(here, table), `${table} as in one process`);
  }
}
