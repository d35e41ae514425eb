/**
 * `silt serve --no-execute` and three `silt worker` processes ingest a landing of many files, the
 * run's ingest spread over them in tasks, on SQLite and on PostgreSQL. Workers are SIGKILLed at
 * random moments (and replaced); the run completes after, every file is in bronze exactly once,
 * the tables equal a run in one process, and vacuum sweeps what the killed tasks staged.
 */
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { onFreshPostgres } from '../catalog/postgres-test-support.js';
import type { IngestTaskRecord } from '../ingest/index.js';
import { vacuum } from '../lifecycle/index.js';
import { runPipeline } from '../pipeline/index.js';
import { openProject, type Project } from '../project/index.js';
import { assertIngestedOnce, fleetLanding, startFleet, type Fleet } from '../testing/fleet-landing.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { removeDir, rowsByColumnName, smallProject, tempDir } from '../testing/pipeline-project.js';
import { httpJson, startWorkerProcess, useCatalog } from '../testing/serve-process.js';
import { silt } from '../testing/silt-process.js';

const FILES = 36;
const PER_TASK = 3;
/** Workers killed at most while the run goes on; a fast run may end after fewer, but never before one. */
const KILLS = 3;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function project(dir: string, catalogUri: string | undefined): Promise<string> {
  await smallProject(dir, ordersYaml(), fleetLanding(FILES));
  if (catalogUri) await useCatalog(dir, catalogUri);
  await appendFile(path.join(dir, 'silt.yaml'), `\nserve:\n  ingest_task_files: ${PER_TASK}\n`);
  return dir;
}

async function fleet(catalogUri: string | undefined): Promise<void> {
  const root = await tempDir('ingest-fleet');
  const dir = await project(path.join(root, 'fleet'), catalogUri);
  const here = await openProject({ projectDir: await project(path.join(root, 'here'), undefined) });
  const p: Project = await openProject({ projectDir: dir });
  let fleet: Fleet | undefined;
  try {
    assert.equal((await runPipeline(here, {})).status, 'succeeded');
    fleet = await startFleet(dir, 'fleet');
    const { server, workers, jobId, said } = fleet;

    // Kill a worker at a random moment while the run goes on, and start another in its place.
    let kills = 0;
    const deadline = Date.now() + 240_000;
    for (;;) {
      const job = await p.catalog.jobs.get(jobId);
      if (job && ['succeeded', 'failed', 'cancelled'].includes(job.status)) break;
      assert.ok(Date.now() < deadline, `the run did not end in time; the workers said:\n${said()}`);
      await sleep(kills < KILLS ? 150 + Math.random() * 600 : 200);
      if (kills < KILLS && job?.status === 'running') {
        const live = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
        const victim = live[Math.floor(Math.random() * live.length)]!;
        victim.child.kill('SIGKILL');
        await victim.exited;
        kills++;
        workers.push(startWorkerProcess(dir, `w${workers.length + 1}`));
      }
    }
    const job = (await p.catalog.jobs.get(jobId))!;
    assert.equal(job.status, 'succeeded', `${JSON.stringify(job)}\n${said()}`);
    assert.ok(kills >= 1, `a worker was killed while the run went on (${kills} of at most ${KILLS})`);

    await assertIngestedOnce(p, here, FILES);

    // The run that succeeded spread its ingest: the history says which worker did which task.
    const run = (await p.catalog.runLog.run(job.runId!))!;
    const ingest = run.steps.find((s) => s.step === 'ingest.orders')!;
    const tasks = (JSON.parse(ingest.details!) as { tasks?: IngestTaskRecord[] }).tasks ?? [];
    assert.ok(tasks.length > 0, `the ingest was spread: ${ingest.details}`);
    assert.ok(tasks.every((t) => /^w\d+$/.test(t.worker)), JSON.stringify(tasks));
    const api = await httpJson(dir, `${server.url}/v1/runs/${job.runId}`, 'GET');
    const apiIngest = (api.body.steps as { step: string; details: { tasks: IngestTaskRecord[] } }[]).find((s) => s.step === 'ingest.orders');
    assert.deepEqual(apiIngest?.details.tasks, tasks, 'GET /v1/runs/{id} says who did each task');
    const shown = await silt(dir, 'runs', 'show', job.runId!);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, new RegExp(`ingest\\.orders: ${tasks.length} ingest tasks; w\\d+: tasks? [\\d, ]+ \\(\\d+ files, \\d+ rows\\)`));

    // What killed tasks staged is never committed; vacuum forgets it and removes its files.
    for (const w of workers) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await vacuum(p.catalog, { olderThanMs: 0 });
    for (const r of await p.catalog.runLog.runs(100)) assert.deepEqual(await p.catalog.stagedIngest.list(r.runId, 'orders'), [], `run ${r.runId} keeps nothing staged`);
    assert.deepEqual(await rowsByColumnName(p, 'bronze.orders'), await rowsByColumnName(here, 'bronze.orders'), 'vacuum removed no committed file');
  } finally {
    await fleet?.stop();
    await p.close();
    await here.close();
    await removeDir(root);
  }
}

describe('a run ingests through three silt workers, some killed on the way', () => {
  test('on SQLite: each file in bronze exactly once, tables as in one process', () => fleet(undefined));
  test('on PostgreSQL: the same', () => onFreshPostgres(fleet));
});
