import path from 'node:path';
import { after, before } from 'node:test';
import { demoProject, removeDir, tempDir } from '../testing/pipeline-project.js';
import { startServeProcess, type ServeProcess } from '../testing/serve-process.js';
import { siltOk } from '../testing/silt-process.js';
import { connectSettings, enginesCredential, Repl, requireEngines, Trino } from './test-engines.js';
import type { Row } from './test-rows.js';

/** A demo project after `silt run`, its `silt serve`, and Spark, Trino, DuckDB and PyIceberg on its REST catalog, each configured by `silt connect`. */
export interface Engines {
  root: string;
  dir: string;
  server: ServeProcess;
  spark: Repl;
  duckdb: Repl;
  pyiceberg: Repl;
  trino: Trino;
  stop(): Promise<void>;
}

/** Starts every engine once (in parallel: the JVMs take the longest). */
export async function startEngines(name: string): Promise<Engines> {
  requireEngines();
  const root = await tempDir(`engines-${name}`);
  const { dir } = await demoProject(path.join(root, 'demo'), { rows: 300, seed: 11 });
  await siltOk(dir, 'run');
  const credential = await enginesCredential(dir);
  const server = await startServeProcess(dir);
  const started = await Promise.allSettled([
    connectSettings(dir, 'spark', credential).then((s) => Repl.start('spark', s)),
    connectSettings(dir, 'duckdb', credential).then((s) => Repl.start('duckdb', s)),
    connectSettings(dir, 'pyiceberg', credential).then((s) => Repl.start('pyiceberg', s)),
    connectSettings(dir, 'trino', credential).then((s) => Trino.start(s, path.join(root, 'trino'))),
  ]);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.allSettled(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    server.child.kill('SIGTERM');
    await server.exited;
    if (!process.env['SILT_E2E_KEEP']) await removeDir(root);
    throw failed.reason;
  }
  const [spark, duckdb, pyiceberg, trino] = started.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [Repl, Repl, Repl, Trino];
  return {
    root,
    dir,
    server,
    spark,
    duckdb,
    pyiceberg,
    trino,
    async stop() {
      await Promise.allSettled([spark.stop(), duckdb.stop(), pyiceberg.stop(), trino.stop()]);
      server.child.kill('SIGTERM');
      await server.exited;
      if (!process.env['SILT_E2E_KEEP']) await removeDir(root);
    },
  };
}

/** What `silt query --format json` reads of `sql` in the project. */
export async function siltRows(dir: string, sql: string): Promise<Row[]> {
  const text = await siltOk(dir, 'query', sql, '--format', 'json');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Row);
}

/** Snapshot ids (exact int64 text) and operations of a table, oldest first, as Silt lists them. */
export async function siltSnapshots(dir: string, table: string): Promise<{ id: string; operation: string }[]> {
  const [, ...lines] = (await siltOk(dir, 'table', 'snapshots', table, '--format', 'csv')).trim().split('\n');
  return lines.map((l) => {
    const [id, , , operation] = l.split(',');
    return { id: id!, operation: operation! };
  });
}

/** Starts the engines before the file's tests and stops them after; the getter gives them to a test. */
export function useEngines(name: string): () => Engines {
  let e: Engines | undefined;
  before(async () => {
    e = await startEngines(name);
  });
  after(async () => {
    await e?.stop();
  });
  return () => e!;
}
