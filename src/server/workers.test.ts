/**
 * `silt serve --no-execute` and two real `silt worker` processes on one project, its metadata store
 * SQLite or PostgreSQL: the runs asked of the server are made by the workers, each once; a worker
 * SIGKILLed mid-run has its job taken again by the other, and every landed file ends in bronze
 * exactly once.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { onFreshPostgres } from '../catalog/postgres-test-support.js';
import type { Job } from '../catalog/index.js';
import { openProject, type Project } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { addLanding, query, removeDir, smallProject, tempDir, withSession } from '../testing/pipeline-project.js';
import { httpJson, startServeProcess, startWorkerProcess, useCatalog, type ServeProcess, type WorkerProcess } from '../testing/serve-process.js';
import { assertCleanFailure, silt } from '../testing/silt-process.js';

const FILES = 3;
/** Rows per landing file: enough that a run lasts past the moment its worker is killed. */
const ROWS = 40_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ordersFile(file: number): string {
  const lines = Array.from({ length: ROWS }, (_, i) => `${file * ROWS + i + 1},${(i % 1000) / 4}`);
  return `id,amount\n${lines.join('\n')}\n`;
}

/** What the workers said, for a failure's message. */
let said = (): string => '';

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}; the workers said:\n${said()}`);
    await sleep(100);
  }
}

async function ended(project: Project, jobId: string): Promise<Job> {
  return until(`job ${jobId} to end`, async () => {
    const job = await project.catalog.jobs.get(jobId);
    return job && ['succeeded', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
  });
}

async function fleet(catalogUri: string | undefined): Promise<void> {
  const root = await tempDir('workers');
  const dir = await smallProject(path.join(root, 'p'), ordersYaml(), { 'orders/f0.csv': ordersFile(0) });
  if (catalogUri) await useCatalog(dir, catalogUri);
  let server: ServeProcess | undefined;
  const workers: WorkerProcess[] = [];
  const project = await openProject({ projectDir: dir });
  try {
    server = await startServeProcess(dir, ['--no-execute', '--no-watch']);
    const { url } = server;
    const ask = async (key: string) => {
      const r = await httpJson(dir, `${url}/v1/runs`, 'POST', { dedupeKey: key });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      return r.body.jobId as string;
    };

    // The server alone queues and runs nothing.
    const first = await ask('first');
    await sleep(1_500);
    assert.equal((await project.catalog.jobs.get(first))?.status, 'queued', 'serve --no-execute leaves the job to workers');

    workers.push(startWorkerProcess(dir, 'w1'), startWorkerProcess(dir, 'w2'));
    said = () => workers.map((w) => w.stderr()).join('');
    const firstJob = await ended(project, first);
    assert.equal(firstJob.status, 'succeeded', JSON.stringify(firstJob));
    for (const w of workers) assert.equal(w.child.exitCode, null, `${w.name} keeps taking jobs:\n${w.stderr()}`);

    // A run in progress when its worker is SIGKILLed: the other takes the job again.
    await addLanding(dir, Object.fromEntries(Array.from({ length: FILES - 1 }, (_, f) => [`orders/f${f + 1}.csv`, ordersFile(f + 1)])));
    const second = await ask('second');
    const started = await until('the second run to start', async () => (await project.catalog.runLog.runsOfJob(second)).find((r) => r.status === 'running'));
    const victim = workers.find((w) => w.name === started.worker);
    assert.ok(victim, `the run is a worker's: ${JSON.stringify(started)}`);
    victim.child.kill('SIGKILL');
    await victim.exited;
    const secondJob = await ended(project, second);
    const survivor = workers.find((w) => w !== victim)!;
    assert.equal(secondJob.status, 'succeeded', `${JSON.stringify(secondJob)}\n${survivor.stderr()}`);
    assert.equal(secondJob.attempts, 2, 'taken again after its worker died');
    const runs = await project.catalog.runLog.runsOfJob(second);
    assert.deepEqual(
      runs.map((r) => [r.worker, r.status, r.pid]),
      [
        [victim.name, 'failed', victim.child.pid],
        [survivor.name, 'succeeded', survivor.child.pid],
      ],
    );

    // More requests: the surviving worker makes each run once.
    const more = [await ask('third'), await ask('fourth')];
    for (const jobId of more) {
      const job = await ended(project, jobId);
      assert.equal(job.status, 'succeeded', JSON.stringify(job));
      assert.deepEqual((await project.catalog.runLog.runsOfJob(jobId)).map((r) => [r.worker, r.status]), [[survivor.name, 'succeeded']]);
    }
    const all = await project.catalog.runLog.runs(100);
    assert.ok(all.every((r) => r.worker === 'w1' || r.worker === 'w2'), `every run is a worker's: ${all.map((r) => r.worker).join(', ')}`);
    const api = await httpJson(dir, `${url}/v1/runs`, 'GET');
    assert.deepEqual(
      api.body.runs.filter((r: { jobId: string }) => r.jobId === second).map((r: { worker: string; pid: number }) => [r.worker, r.pid]),
      runs.map((r) => [r.worker, r.pid]).reverse(),
      'the API says which worker made each run',
    );
    const listed = await silt(dir, 'runs');
    for (const r of runs) assert.match(listed.stdout, new RegExp(`${r.runId} +http +${r.status} +${r.worker} `), listed.stdout);

    const counts = await withSession(project, (sql) =>
      query(sql, 'SELECT _source_file, count(*), count(DISTINCT id), min(CAST(id AS BIGINT)) FROM bronze.orders GROUP BY 1 ORDER BY 4'),
    );
    assert.deepEqual(
      counts.map((r) => r.slice(1)),
      Array.from({ length: FILES }, (_, f) => [String(ROWS), String(ROWS), String(f * ROWS + 1)]),
      'each landed file in bronze exactly once',
    );
    const [silver] = await withSession(project, (sql) => query(sql, 'SELECT count(*), count(DISTINCT id) FROM silver.orders'));
    assert.deepEqual(silver, [String(FILES * ROWS), String(FILES * ROWS)]);

    assert.match(survivor.stderr(), new RegExp(`${survivor.name}: took job ${second} \\(run, trigger http, attempt 2\\)`));
    assert.match(survivor.stderr(), new RegExp(`${survivor.name}: job ${second} succeeded, run ${runs[1]!.runId}, ${(FILES - 1) * ROWS} rows ingested, \\d+\\.\\d s`));
    survivor.child.kill('SIGTERM');
    const stopped = await survivor.exited;
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /stopping/);
  } finally {
    await project.close();
    for (const w of workers) w.child.kill('SIGKILL');
    server?.child.kill('SIGKILL');
    await Promise.all([server?.exited, ...workers.map((w) => w.exited)]);
    await removeDir(root);
  }
}

describe('silt serve --no-execute with two silt workers', () => {
  test('on SQLite: requested runs are made by the workers, each once; a worker killed mid-run has its job finished by the other', () => fleet(undefined));
  test('on PostgreSQL: the same', () => onFreshPostgres(fleet));
});

test('silt worker refuses a bad --concurrency and a folder with no project, saying what to do', async () => {
  const root = await tempDir('worker-bad');
  try {
    assertCleanFailure(await silt(root, 'worker', '--concurrency', '0'), 'bad concurrency', /worker: --concurrency must be a positive whole number, found "0"/);
    assertCleanFailure(await silt(root, 'worker', '--concurrency', '65'), 'too many', /at most 64/);
    const none = await silt(root, 'worker');
    assertCleanFailure(none, 'no project', /silt\.yaml|project/);
    assert.equal(none.code, 3);
  } finally {
    await removeDir(root);
  }
});
