/** The executor of `silt serve` on small real projects: dedupe, coalescing, retries, timeouts, cancel, crash recovery. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { newLease, type Job } from '../catalog/index.js';
import { openProject, type Project } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { count, removeDir, smallProject, tempDir, withSession } from '../testing/pipeline-project.js';
import { Executor, type ExecutorOptions } from './executor.js';
import { runPipeline } from './run.js';

/** A gold model that runs for minutes unless stopped. */
const SLOW_SQL = 'SELECT sum(a.range % 7) AS n FROM range(100000000000) a';
const FAST_SQL = 'SELECT count(*) AS n FROM silver.orders';

describe('the executor', () => {
  let root: string;
  before(async () => (root = await tempDir('executor')));
  after(async () => removeDir(root));

  let n = 0;
  async function project(models: Record<string, string> = {}, extra = ''): Promise<{ project: Project; dir: string }> {
    const dir = await smallProject(path.join(root, `p${n++}`), ordersYaml(extra) + 'gold:\n  models: models\n', { 'orders/a.csv': 'id,amount\n1,10\n2,20\n' }, models);
    return { project: await openProject({ projectDir: dir }), dir };
  }

  async function withExecutor<T>(p: Project, opts: ExecutorOptions, fn: (ex: Executor) => Promise<T>): Promise<T> {
    const ex = new Executor(p, { pollMs: 50, ...opts });
    try {
      return await fn(ex);
    } finally {
      await ex.stop(0);
    }
  }

  async function until(what: string, fn: () => Promise<boolean>, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await fn())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  test('a dedupe key asked twice and a like request while queued make one job and one run, linked to the job', async () => {
    const { project: p } = await project({ 'total.sql': FAST_SQL });
    try {
      await withExecutor(p, {}, async (ex) => {
        const a = await ex.request({ trigger: 'file', dedupeKey: 'batch-1', reason: 'orders/a.csv' });
        const b = await ex.request({ trigger: 'file', dedupeKey: 'batch-1' });
        const c = await ex.request({ trigger: 'schedule' });
        assert.deepEqual([a.created, b.created, c.created, b.jobId, c.jobId], [true, false, false, a.jobId, a.jobId]);
        ex.start();
        const job = await ex.wait(a.jobId, 30_000);
        assert.equal(job.status, 'succeeded');
        assert.equal(job.requests, 2);
        const runs = await p.catalog.runLog.runsOfJob(a.jobId);
        assert.deepEqual(runs.map((r) => [r.runId, r.status, r.trigger]), [[job.runId, 'succeeded', 'file']]);
        assert.equal((await ex.request({ trigger: 'file', dedupeKey: 'batch-1' })).created, false, 'a key once used never runs again');
        assert.equal((await p.catalog.runLog.runs()).length, 1);
        // Each step's log is kept with the run.
        const log = await p.catalog.runLog.log(job.runId!, 'ingest.orders');
        assert.ok(log.some((l) => l.level === 'info' && /ingest\.orders/.test(l.message)), JSON.stringify(log));
      });
    } finally {
      await p.close();
    }
  });

  test('a step that fails for a passing reason runs again after a backoff; a fail rule is never tried again', async () => {
    const { project: p } = await project();
    try {
      await runPipeline(p, { select: ['ingest.orders'] });
      const bronze = await p.catalog.loadTable('bronze', 'orders');
      const data = (await fs.readdir(path.join(p.config.dir, 'lake', 'warehouse', 'bronze', 'orders', 'data'), { recursive: true })).find((f) => f.endsWith('.parquet'))!;
      const file = path.join(p.config.dir, 'lake', 'warehouse', 'bronze', 'orders', 'data', data);
      assert.ok(bronze.metadata);
      // A data file away for a moment (a store's blip): the silver step fails as the environment's fault, then succeeds.
      await fs.rename(file, `${file}.away`);
      const notes: string[] = [];
      const run = await runPipeline(p, {
        select: ['silver.orders'],
        retry: { retries: 3, backoffMs: 100 },
        onProgress: (m) => {
          notes.push(m);
          if (/trying again/.test(m)) void fs.rename(`${file}.away`, file);
        },
      });
      const silver = run.steps.find((s) => s.id === 'silver.orders')!;
      assert.equal(silver.status, 'succeeded', silver.error);
      assert.equal(silver.attempts, 2);
      assert.match(notes.find((m) => /trying again/.test(m)) ?? '', /^silver\.orders: .*; trying again in 100 ms \(attempt 2 of 4\)$/);
      const log = await p.catalog.runLog.log(run.runId, 'silver.orders');
      assert.ok(log.some((l) => l.level === 'warn' && /trying again/.test(l.message)), 'the retry is in the step log');
      assert.equal(await withSession(p, (sql) => count(sql, 'silver.orders')), 2);
    } finally {
      await p.close();
    }
    const { project: q } = await project({}, "    expectations:\n      - { rule: range, column: amount, min: 0, max: 15, policy: fail }\n");
    try {
      const notes: string[] = [];
      const run = await runPipeline(q, { retry: { retries: 3, backoffMs: 10 }, onProgress: (m) => notes.push(m) });
      const silver = run.steps.find((s) => s.id === 'silver.orders')!;
      assert.deepEqual([silver.status, silver.errorKind, silver.attempts], ['failed', 'run_failed', undefined]);
      assert.ok(!notes.some((m) => /trying again/.test(m)), notes.join('\n'));
    } finally {
      await q.close();
    }
  });

  test('a step past its timeout is stopped, says so, commits nothing, and is not tried again', async () => {
    const { project: p } = await project({ 'slow.sql': SLOW_SQL });
    try {
      const t0 = Date.now();
      const run = await runPipeline(p, { select: ['gold.slow'], stepTimeoutMs: 400, retry: { retries: 2, backoffMs: 10 } });
      const slow = run.steps.find((s) => s.id === 'gold.slow')!;
      assert.equal(slow.status, 'failed');
      assert.equal(slow.errorCode, 'step_timeout');
      assert.match(slow.error ?? '', /^models\/slow\.sql: gold\.slow: ran past its step timeout of 400 ms and was stopped; nothing was committed$/);
      assert.equal(slow.attempts, undefined);
      assert.ok(Date.now() - t0 < 15_000, `stopped promptly (${Date.now() - t0} ms)`);
      assert.equal(await p.catalog.tableExists('gold', 'slow'), false, 'nothing committed');
    } finally {
      await p.close();
    }
  });

  test('a run past its run timeout is stopped: the running step fails saying so, the rest do not start, the job fails', async () => {
    const { project: p } = await project({ 'slow.sql': SLOW_SQL, 'after_slow.sql': 'SELECT n FROM gold.slow' });
    try {
      await withExecutor(p, { runTimeoutMs: 5_000 }, async (ex) => {
        ex.start();
        const { jobId } = await ex.request({ trigger: 'schedule' });
        const job = await ex.wait(jobId, 30_000);
        assert.equal(job.status, 'failed');
        const steps = (job.result as { steps: { id: string; status: string; error?: string }[] }).steps;
        assert.equal(steps.find((s) => s.id === 'silver.orders')?.status, 'succeeded');
        assert.match(steps.find((s) => s.id === 'gold.slow')?.error ?? '', /run: ran past its run timeout of 5000 ms and was stopped/);
        assert.deepEqual(steps.find((s) => s.id === 'gold.after_slow')?.status, 'not_run');
        assert.equal(await p.catalog.tableExists('gold', 'slow'), false);
      });
    } finally {
      await p.close();
    }
  });

  test('cancel: a running run stops at once and its later steps do not start; a queued job never runs', async () => {
    const { project: p, dir } = await project({ 'slow.sql': SLOW_SQL, 'after_slow.sql': 'SELECT n FROM gold.slow' });
    try {
      await withExecutor(p, { runTimeoutMs: 120_000 }, async (ex) => {
        ex.start();
        const running = await ex.request({ trigger: 'manual' });
        const queued = await ex.request({ trigger: 'manual', select: ['silver.orders'] });
        await until('the slow step', async () => (await p.catalog.jobs.get(running.jobId))?.status === 'running' && (await p.catalog.runLog.runs())[0]?.status === 'running' && (await sawStep(p, 'gold.slow')));
        // A running step's log can be read while it runs.
        const runId = (await p.catalog.jobs.get(running.jobId))!.runId!;
        await until('the live step log', async () => (await p.catalog.runLog.log(runId, 'gold.slow')).some((l) => l.message === 'gold.slow…'));
        assert.equal((await ex.cancel(queued.jobId)).status, 'cancelled');
        const t0 = Date.now();
        await ex.cancel(running.jobId);
        const job = await ex.wait(running.jobId, 20_000);
        assert.ok(Date.now() - t0 < 10_000, 'stopped promptly');
        assert.equal(job.status, 'cancelled');
        const steps = (job.result as { steps: { id: string; status: string; error?: string }[] }).steps;
        assert.match(steps.find((s) => s.id === 'gold.slow')?.error ?? '', /cancelled on request/);
        assert.equal(steps.find((s) => s.id === 'gold.after_slow')?.status, 'not_run');
        assert.equal(await p.catalog.tableExists('gold', 'slow'), false);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal((await p.catalog.jobs.get(queued.jobId))?.runId, null, 'the cancelled queued job never ran');
        await assert.rejects(ex.cancel('job-nope'), /no job job-nope/);
      });
      assert.ok(dir);
    } finally {
      await p.close();
    }
  });

  test('after a crash: a job whose lease lapsed runs again once; one whose run had succeeded is not run twice; a stop gives the job back', async () => {
    const { project: p, dir } = await project({ 'slow.sql': SLOW_SQL });
    try {
      // Two servers stopped being heard from while holding a job each: their leases lapse.
      const { job } = await p.catalog.jobs.enqueue({ trigger: 'file', dedupeKey: 'k1', select: ['silver.orders'] });
      await p.catalog.jobs.claim(newLease(), 300);
      // The second's run had succeeded before it went silent, before it could say so.
      const done = await p.catalog.jobs.enqueue({ trigger: 'file', dedupeKey: 'k2', select: ['ingest.orders'] });
      const silent = newLease();
      assert.equal((await p.catalog.jobs.claim(silent, 300))?.jobId, done.job.jobId);
      const first = await runPipeline(p, { select: ['ingest.orders'], jobId: done.job.jobId, onStart: (id) => void p.catalog.jobs.setRun(done.job.jobId, silent.owner, id) });
      await new Promise((r) => setTimeout(r, 300));
      await withExecutor(p, {}, async (ex) => {
        ex.start();
        const again = await ex.wait(job.jobId, 30_000);
        assert.deepEqual([again.status, again.attempts], ['succeeded', 2]);
        const once = await ex.wait(done.job.jobId, 30_000);
        assert.deepEqual([once.status, once.runId], ['succeeded', first.runId]);
        assert.deepEqual((await p.catalog.runLog.runsOfJob(done.job.jobId)).map((r) => r.status), ['succeeded'], 'no second run');
        assert.equal(await withSession(p, (sql) => count(sql, 'bronze.orders')), 2, 'each landed row in bronze once');
      });
      // A server stopping mid-run gives its job back; the next one finishes it.
      let slowJob: Job | undefined;
      await withExecutor(p, {}, async (ex) => {
        ex.start();
        const { jobId } = await ex.request({ trigger: 'manual', select: ['gold.slow'] });
        await until('the slow step', () => sawStep(p, 'gold.slow'));
        await ex.stop(100);
        slowJob = await p.catalog.jobs.get(jobId);
      });
      assert.equal(slowJob?.status, 'queued');
      await fs.writeFile(path.join(dir, 'models', 'slow.sql'), FAST_SQL);
      await withExecutor(p, {}, async (ex) => {
        ex.start();
        const resumed = await ex.wait(slowJob!.jobId, 30_000);
        assert.deepEqual([resumed.status, resumed.attempts], ['succeeded', 2]);
      });
    } finally {
      await p.close();
    }
  });
});

/** Whether the newest run is well into `step` (still running it half a second after the other steps ended). */
async function sawStep(p: Project, step: string): Promise<boolean> {
  const [run] = await p.catalog.runLog.runs(1);
  if (!run || run.status !== 'running') return false;
  const steps = (await p.catalog.runLog.run(run.runId))?.steps ?? [];
  const lastEnded = Math.max(run.startedMs, ...steps.map((s) => s.finishedMs ?? 0));
  return !steps.some((s) => s.step === step) && Date.now() - lastEnded > 500;
}
