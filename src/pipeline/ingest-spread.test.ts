/**
 * A run's ingest spread over two executors in tasks of a few files: the tables equal a run in one
 * process (rows, rejects, new columns), each file is in bronze once, the run history says which
 * worker did which task, and nothing stays staged.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openProject } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { query, removeDir, rowsByColumnName, smallProject, snapshotOf, tempDir, withSession } from '../testing/pipeline-project.js';
import { pipelineConfig } from './config.js';
import { queueIngestTasks } from './ingest-spread.js';
import { Executor } from './executor.js';
import { runPipeline } from './run.js';
import type { IngestTaskRecord } from '../ingest/index.js';

const FILES = 30;
const ROWS = 20;

/** Landing: plain files, one with a malformed line, two that each bring a new column, one a copy of another. */
function landing(): Record<string, string> {
  const files: Record<string, string> = {};
  for (let f = 0; f < FILES; f++) {
    const ids = Array.from({ length: ROWS }, (_, i) => f * ROWS + i + 1);
    const name = `orders/f${String(f).padStart(2, '0')}.csv`;
    if (f === 12) files[name] = `id,amount,note\n${ids.map((id) => `${id},${id / 4},n${id}`).join('\n')}\n`;
    else if (f === 19) files[name] = `id,amount,tag\n${ids.map((id) => `${id},${id / 4},t${id}`).join('\n')}\n`;
    else if (f === 4) files[name] = `id,amount\n${ids.map((id) => (id === 85 ? `${id},1,extra,fields` : `${id},${id / 4}`)).join('\n')}\n`;
    else files[name] = `id,amount\n${ids.map((id) => `${id},${id / 4}`).join('\n')}\n`;
  }
  files['orders/f99_copy_of_f03.csv'] = files['orders/f03.csv']!;
  return files;
}

let root: string;
before(async () => (root = await tempDir('ingest-spread')));
after(async () => removeDir(root));

test('a run spread over two executors gives the tables of a run in one process, each file once, and says which worker did each task', async () => {
  const here = await openProject({ projectDir: await smallProject(path.join(root, 'here'), ordersYaml(), landing()) });
  const spread = await openProject({ projectDir: await smallProject(path.join(root, 'spread'), ordersYaml(), landing()) });
  const a = new Executor(spread, { name: 'wa', pollMs: 50, ingestTaskFiles: 3 });
  const b = new Executor(spread, { name: 'wb', pollMs: 50, ingestTaskFiles: 3 });
  try {
    const alone = await runPipeline(here, {});
    assert.equal(alone.status, 'succeeded', JSON.stringify(alone.steps));

    a.start();
    b.start();
    const { jobId } = await a.request({ trigger: 'manual' });
    const job = await a.wait(jobId, 120_000);
    assert.equal(job.status, 'succeeded', JSON.stringify(job));
    const found = await spread.catalog.runLog.run(job.runId!);
    const ingest = found!.steps.find((s) => s.step === 'ingest.orders')!;
    assert.equal(ingest.status, 'succeeded', ingest.error ?? '');
    const details = JSON.parse(ingest.details!) as { tasks: IngestTaskRecord[]; files: { path: string; status: string }[] };
    // The first 3 files create the table in the run's own process; 27 more go in 9 tasks, and the
    // task adding `tag` (f19) collides with the one adding `note` (f12), so it is done once more.
    assert.equal(details.tasks.length, 9, JSON.stringify(details.tasks));
    assert.equal(details.tasks.reduce((n, t) => n + t.files, 0), 27);
    assert.ok(details.tasks.every((t) => ['wa', 'wb'].includes(t.worker) && t.jobId.startsWith('job-')), JSON.stringify(details.tasks));
    assert.ok(details.tasks.some((t) => t.task >= 9), `the task whose column collided was done again: ${JSON.stringify(details.tasks)}`);
    assert.equal(details.files.filter((f) => f.status === 'ingested').length, FILES);
    assert.equal(details.files.filter((f) => f.status === 'already-ingested').length, 1, 'the copy is not ingested twice');

    for (const table of ['bronze.orders', 'bronze.orders_rejects', 'silver.orders']) {
      assert.deepEqual(await rowsByColumnName(spread, table), await rowsByColumnName(here, table), `${table} as in one process`);
    }
    const perFile = await withSession(spread, (sql) => query(sql, 'SELECT _source_file, count(*) FROM bronze.orders GROUP BY 1 ORDER BY 1'));
    assert.equal(perFile.length, FILES);
    assert.ok(perFile.every(([file, n]) => Number(n) === (file === 'landing/orders/f04.csv' ? ROWS - 1 : ROWS)), JSON.stringify(perFile));
    assert.deepEqual(await spread.catalog.stagedIngest.list(job.runId!, 'orders'), [], 'nothing stays staged');
    // Tasks commit in a few commits, not one each: the create, round one and the redone task.
    const snapshots = (await spread.catalog.loadTable('bronze', 'orders')).metadata.snapshots.length;
    assert.ok(snapshots <= 3, `bronze has ${snapshots} snapshots`);
  } finally {
    await Promise.all([a.stop(0), b.stop(0)]);
    await here.close();
    await spread.close();
  }
});

test('a task that fails fails the ingest, naming the task and its job, and commits nothing', async () => {
  const p = await openProject({ projectDir: await smallProject(path.join(root, 'failing'), ordersYaml(), { 'orders/a.csv': 'id,amount\n1,2\n' }) });
  const engine = await p.openEngine();
  try {
    assert.equal((await runPipeline(p, {})).status, 'succeeded');
    const before = await snapshotOf(p, 'bronze.orders');
    const source = pipelineConfig(p.config).sources['orders']!;
    const runTasks = queueIngestTasks(p.catalog, engine, source, { filesPerTask: 1, worker: 'here', leaseMs: 5_000, maxAttempts: 3 });
    const gone = { key: 'landing/orders/gone.csv', size: 10, modifiedMs: 0, fingerprint: 'f'.repeat(64) };
    await assert.rejects(
      runTasks([{ runId: 'run-x', source: 'orders', seq: 0, files: [gone], ingestedAtIso: new Date().toISOString() }]),
      (e: Error) => /^ingest: task 0 \(job job-[^)]+\) failed: .+; nothing of this ingest was committed; run again$/.test(e.message) || assert.fail(e.message),
    );
    assert.equal(await snapshotOf(p, 'bronze.orders'), before, 'bronze unchanged');
    assert.deepEqual(await p.catalog.stagedIngest.list('run-x', 'orders'), []);
  } finally {
    engine.close();
    await p.close();
  }
});
