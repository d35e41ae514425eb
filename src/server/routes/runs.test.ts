import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { OWNER } from '../../engine/index.js';
import { Executor } from '../../pipeline/index.js';
import type { Project } from '../../project/index.js';
import { ordersYaml } from '../../testing/orders-yaml.js';
import { createPrincipal } from '../../governance/index.js';
import { asPrincipal, call, ownerApp, withApi } from '../../testing/index.js';
import { createApp, requestPrincipal } from '../index.js';

const SETUP = {
  yaml: ordersYaml("    expectations:\n      - { rule: range, column: amount, min: 0, max: 1000, policy: warn }\n") + 'gold:\n  models: models\n',
  landing: { 'orders/a.csv': 'id,amount\n1,10\n2,20\n3,5000\n' },
  models: { 'total.sql': 'SELECT sum(amount) AS total FROM silver.orders' },
};

/** The API with an executor, over the small project. */
async function withRuns(fn: (app: OpenAPIHono, project: Project, executor: Executor) => Promise<void>): Promise<void> {
  await withApi(SETUP, async (_plain, project) => {
    const executor = new Executor(project, { pollMs: 50 }).start();
    try {
      await fn(ownerApp({ project, principalOf: () => OWNER, executor }), project, executor);
    } finally {
      await executor.stop(0);
    }
  });
}

test('POST /v1/runs with wait runs the pipeline; the run, its steps, counts, warnings and step logs are served', async () => {
  await withRuns(async (app) => {
    const posted = await call(app, 'POST', '/v1/runs', { wait: true, dedupeKey: 'k-1', reason: 'a test' });
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    const { job } = posted.body;
    assert.deepEqual([job.status, job.request.trigger, job.request.reason, posted.body.created], ['succeeded', 'http', 'a test', true]);
    assert.deepEqual(job.result.steps.map((s: { id: string; status: string }) => [s.id, s.status]), [
      ['ingest.orders', 'succeeded'],
      ['silver.orders', 'succeeded'],
      ['gold.total', 'succeeded'],
    ]);

    const again = await call(app, 'POST', '/v1/runs', { dedupeKey: 'k-1' });
    assert.deepEqual([again.status, again.body.created, again.body.jobId], [200, false, job.jobId], 'the same key: the same (ended) job');

    const list = await call(app, 'GET', '/v1/runs?limit=1');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.runs.map((r: { runId: string; jobId: string }) => [r.runId, r.jobId]), [[job.runId, job.jobId]]);
    assert.equal(list.body.next, null);

    const run = await call(app, 'GET', `/v1/runs/${job.runId}`);
    assert.equal(run.status, 200);
    assert.equal(run.body.job.jobId, job.jobId);
    const silver = run.body.steps.find((s: { step: string }) => s.step === 'silver.orders');
    assert.deepEqual([silver.rowsIn, silver.rowsWritten], [3, 3]);
    assert.equal(silver.details.expectations[0].failing_rows, 1);

    const logs = await call(app, 'GET', `/v1/runs/${job.runId}/steps/ingest.orders/logs`);
    assert.equal(logs.status, 200);
    assert.ok(logs.body.lines.some((l: { level: string; message: string }) => l.level === 'info' && /ingest orders: 1 files, 3 rows/.test(l.message)), JSON.stringify(logs.body));

    const fetched = await call(app, 'GET', `/v1/jobs/${job.jobId}`);
    assert.deepEqual([fetched.status, fetched.body.runId], [200, job.runId]);
  });
});

test("a principal sees a run's steps only for tables it may read, and no log of another step", async () => {
  await withRuns(async (app, project, executor) => {
    const posted = await call(app, 'POST', '/v1/runs', { wait: true });
    const runId = posted.body.job.runId;
    await createPrincipal(project.catalog, 'ann', 'user');
    assert.equal((await call(app, 'POST', '/v1/queries', { sql: 'GRANT SELECT ON TABLE gold.total TO ann', wait_ms: 30_000 })).body.status, 'succeeded');
    const ann = asPrincipal(createApp({ project, principalOf: requestPrincipal, executor }), project, 'ann');
    const run = await call(ann, 'GET', `/v1/runs/${runId}`);
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.deepEqual(run.body.steps.map((s: { step: string }) => s.step), ['gold.total']);
    assert.equal(run.body.job, null, "the job's result would tell of the other steps");
    assert.equal((await call(ann, 'GET', `/v1/runs/${runId}/steps/ingest.orders/logs`)).status, 404);
    assert.equal((await call(ann, 'GET', `/v1/runs/${runId}/steps/gold.total/logs`)).status, 200);
    assert.equal((await call(app, 'GET', `/v1/runs/${runId}`)).body.steps.length, 3, 'the owner sees every step');
    // The landing zone likewise: a source's files to whoever may read its bronze table.
    assert.deepEqual((await call(ann, 'GET', '/v1/landing')).body.files, []);
    assert.deepEqual((await call(app, 'GET', '/v1/landing')).body.files.map((f: { path: string }) => f.path), ['landing/orders/a.csv']);
    await call(app, 'POST', '/v1/queries', { sql: 'GRANT SELECT ON TABLE bronze.orders TO ann', wait_ms: 30_000 });
    assert.deepEqual((await call(ann, 'GET', '/v1/landing')).body.files.map((f: { path: string }) => f.path), ['landing/orders/a.csv']);
  });
});

test('a run asked for an unknown step fails its job with the error model; pages go on with next', async () => {
  await withRuns(async (app) => {
    const bad = await call(app, 'POST', '/v1/runs', { select: ['silver.nope'], wait: true });
    assert.equal(bad.status, 200);
    assert.equal(bad.body.job.status, 'failed');
    assert.equal(bad.body.job.error.code, 'step_not_found');
    assert.equal(bad.body.job.error.kind, 'not_found');
    assert.match(bad.body.job.error.message, /silver\.nope/);
    for (let i = 0; i < 2; i++) await call(app, 'POST', '/v1/runs', { select: ['ingest.orders'], wait: true });
    const first = await call(app, 'GET', '/v1/runs?limit=1');
    const second = await call(app, 'GET', `/v1/runs?limit=1&offset=${first.body.next}`);
    assert.equal(first.body.next, 1);
    assert.notEqual(first.body.runs[0].runId, second.body.runs[0].runId);
  });
});

test('a queued run can be cancelled by its job id and never runs; without wait the answer is 202', async () => {
  await withApi(SETUP, async (_plain, project) => {
    // An executor that is not taking jobs keeps them queued.
    const executor = new Executor(project);
    const app = ownerApp({ project, principalOf: () => OWNER, executor });
    const queued = await call(app, 'POST', '/v1/runs', { select: ['ingest.orders'] });
    assert.deepEqual([queued.status, queued.body.job.status], [202, 'queued']);
    const cancelled = await call(app, 'POST', `/v1/runs/${queued.body.jobId}/cancel`, {});
    assert.deepEqual([cancelled.status, cancelled.body.job.status], [200, 'cancelled']);
    assert.equal((await call(app, 'GET', `/v1/jobs/${queued.body.jobId}`)).body.status, 'cancelled');
    await executor.stop(0);
  });
});

test('a failed run is retried as a new run of the same steps, which succeeds once its cause is fixed; a running or unknown run is refused naming it', async () => {
  await withRuns(async (app, project, executor) => {
    const model = path.join(project.config.dir, 'models', 'total.sql');
    const good = readFileSync(model, 'utf8');
    writeFileSync(model, 'SELECT sum(no_such_column) AS total FROM silver.orders');
    const first = await call(app, 'POST', '/v1/runs', { wait: true, select: ['ingest.orders+'] });
    const failedRun = first.body.job.runId as string;
    const failed = await call(app, 'GET', `/v1/runs/${failedRun}`);
    assert.equal(failed.body.run.status, 'failed', JSON.stringify(failed.body));
    writeFileSync(model, good);
    const retried = await call(app, 'POST', `/v1/runs/${failedRun}/retry`, {});
    assert.equal(retried.status, 202, JSON.stringify(retried.body));
    assert.deepEqual([retried.body.job.request.select, retried.body.job.request.reason], [['ingest.orders+'], `retry of run ${failedRun}`]);
    const ended = await executor.wait(retried.body.jobId, 30_000);
    assert.ok(ended?.runId && ended.runId !== failedRun, JSON.stringify(ended));
    const again = await call(app, 'GET', `/v1/runs/${ended.runId}`);
    assert.deepEqual([again.body.run.status, again.body.run.selector], ['succeeded', 'ingest.orders+']);
    assert.deepEqual(again.body.steps.map((s: { step: string; status: string }) => [s.step, s.status]), [['ingest.orders', 'succeeded'], ['silver.orders', 'succeeded'], ['gold.total', 'succeeded']]);

    await project.catalog.runLog.start({ runId: 'run-still-going', trigger: 'manual', selector: null });
    const running = await call(app, 'POST', '/v1/runs/run-still-going/retry', {});
    assert.deepEqual([running.status, running.body.error.code], [400, 'run_running']);
    assert.match(running.body.error.message, /run run-still-going is still running; wait for it to end, or cancel it/);
    const unknown = await call(app, 'POST', '/v1/runs/run-nope/retry', {});
    assert.deepEqual([unknown.status, unknown.body.error.code], [404, 'run_not_found']);
    assert.match(unknown.body.error.message, /no run run-nope/);
  });
});

test('unknown ids are 404s naming them; malformed bodies are 400s naming the field; no executor is a 503', async () => {
  await withRuns(async (app) => {
    for (const [method, url, code] of [
      ['GET', '/v1/runs/nope', 'run_not_found'],
      ['GET', '/v1/runs/nope/steps/ingest.orders/logs', 'run_not_found'],
      ['GET', '/v1/jobs/nope', 'job_not_found'],
      ['POST', '/v1/runs/nope/cancel', 'job_not_found'],
    ] as const) {
      const r = await call(app, method, url, method === 'POST' ? {} : undefined);
      assert.equal(r.status, 404, `${method} ${url}`);
      assert.equal(r.body.error.code, code);
      assert.match(r.body.error.message, /nope/);
    }
    const ran = await call(app, 'POST', '/v1/runs', { select: ['ingest.orders'], wait: true });
    const noStep = await call(app, 'GET', `/v1/runs/${ran.body.job.runId}/steps/gold.nope/logs`);
    assert.deepEqual([noStep.status, noStep.body.error.code], [404, 'step_not_found']);
    assert.match(noStep.body.error.message, /no step gold\.nope \(its steps: ingest\.orders\)/);

    for (const [body, field] of [
      ['{not json', ''],
      [{ select: 'orders' }, 'select'],
      [{ task: 'explode' }, 'task'],
      [{ wait: 'yes' }, 'wait'],
      [{ surprise: 1 }, ''],
    ] as const) {
      const r = await call(app, 'POST', '/v1/runs', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, field || typeof body !== 'string' ? 'invalid_input' : 'bad_request');
      if (field) assert.equal(r.body.error.details.field, field);
    }
    assert.equal((await call(app, 'GET', '/v1/runs?limit=0')).status, 400);
  });
  await withApi(SETUP, async (app) => {
    const r = await call(app, 'POST', '/v1/runs', {});
    assert.deepEqual([r.status, r.body.error.code], [503, 'no_executor']);
  });
});

test('a maintenance task runs as a job with its result', async () => {
  await withRuns(async (app) => {
    await call(app, 'POST', '/v1/runs', { wait: true });
    const check = await call(app, 'POST', '/v1/runs', { task: 'check', select: ['silver.orders'], wait: true });
    assert.equal(check.status, 200);
    assert.deepEqual([check.body.job.status, check.body.job.result], ['succeeded', { task: 'check', tables: 1 }]);
    const vac = await call(app, 'POST', '/v1/runs', { task: 'vacuum', wait: true });
    assert.deepEqual([vac.body.job.status, vac.body.job.result.task, vac.body.job.runId], ['succeeded', 'vacuum', null]);
  });
});

test('/openapi.json declares the runs routes', async () => {
  await withRuns(async (app) => {
    const doc = await call(app, 'GET', '/openapi.json');
    for (const p of ['/v1/runs', '/v1/runs/{id}', '/v1/runs/{id}/steps/{step}/logs', '/v1/runs/{id}/cancel', '/v1/runs/{id}/retry', '/v1/jobs/{id}', '/v1/triggers']) assert.ok(doc.body.paths[p], p);
    assert.ok(doc.body.paths['/v1/runs'].post.responses['400']);
  });
});
