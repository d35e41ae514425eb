/**
 * An outage of a service a run needs (the metadata store's server or the S3 endpoint restarting) is
 * waited out: a step is tried again past its retries, and an ingest task goes back to the queue
 * instead of failing its run. Other failures keep their old fate.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newLease } from '../catalog/index.js';
import { catalogFixture } from '../catalog/test-support.js';
import { EnvironmentFault, InvalidInput, UNREACHABLE } from '../errors.js';
import type { StepNode } from './graph.js';
import { endTaskJob, INGEST_TASK, type IngestTaskResult } from './ingest-spread.js';
import { outlasting } from './outage.js';
import { guardStep } from './step-guard.js';
import type { StepResult } from './step-result.js';

const NODE: StepNode = { id: 'silver.orders', kind: 'silver', table: 'silver.orders', dependsOn: [] };
const outage = () => new EnvironmentFault('catalog: PostgreSQL 127.0.0.1:5432/lake: nothing answers there (connect ECONNREFUSED); start the server', { code: UNREACHABLE });

/** A step that fails as `fail` says for its first `failures` attempts, then succeeds. */
function flaky(failures: number, fail: Pick<StepResult, 'errorKind' | 'errorCode'>): { attempt: () => Promise<StepResult>; tries: () => number } {
  let n = 0;
  return {
    tries: () => n,
    attempt: async () =>
      n++ < failures
        ? { id: NODE.id, kind: 'silver', table: NODE.table, status: 'failed', elapsedMs: 1, error: 'it failed', ...fail }
        : { id: NODE.id, kind: 'silver', table: NODE.table, status: 'succeeded', elapsedMs: 1 },
  };
}

test('a step that meets an outage is tried again past its retries until the outage window is spent; other faults stop at the retries', async () => {
  const notes: string[] = [];
  const guard = { retry: { retries: 1, backoffMs: 5, outageMs: 200 }, note: (_: 'warn', m: string) => void notes.push(m) };
  const down = flaky(4, { errorKind: 'environment_fault', errorCode: UNREACHABLE });
  const r = await guardStep(NODE, guard, down.attempt);
  assert.equal(r.status, 'succeeded', JSON.stringify(r));
  assert.deepEqual([down.tries(), r.attempts], [5, 5]);
  assert.match(notes.at(-1)!, /^silver\.orders: it failed; trying again in 40 ms \(attempt 5, waiting out the outage\)$/);

  const long = flaky(100, { errorKind: 'environment_fault', errorCode: UNREACHABLE });
  const gaveUp = await guardStep(NODE, guard, long.attempt);
  assert.equal(gaveUp.status, 'failed');
  // Waits of 5, 10, 20, 40, 80 ms fit in 200 ms; the next (160) does not.
  assert.equal(long.tries(), 6, 'the outage window bounds the tries');

  const disk = flaky(4, { errorKind: 'environment_fault', errorCode: 'environment_fault' });
  assert.equal((await guardStep(NODE, guard, disk.attempt)).status, 'failed');
  assert.equal(disk.tries(), 2, 'a fault that is no outage has its retries only');
});

test('bookkeeping that meets an outage is tried again; any other error is thrown at once', async () => {
  let n = 0;
  assert.equal(await outlasting(async () => (n++ < 2 ? Promise.reject(outage()) : 'done'), { outageMs: 5_000 }), 'done');
  assert.equal(n, 3);
  n = 0;
  await assert.rejects(outlasting(async () => (n++, Promise.reject(new InvalidInput('bad'))), { outageMs: 5_000 }), /bad/);
  assert.equal(n, 1);
  await assert.rejects(outlasting(() => Promise.reject(outage()), { outageMs: 0 }), /nothing answers there/, 'past the window, the outage is the error');
});

test('an ingest task that meets an outage goes back to the queue for a later try; a task failing otherwise, or out of attempts, fails', async () => {
  const c = await (await catalogFixture('silt-outage-')).open();
  try {
    const lease = newLease();
    const task = async (key: string) => {
      await c.jobs.enqueue({ trigger: 'ingest', task: INGEST_TASK, dedupeKey: key, payload: { key } });
      return (await c.jobs.claim(lease, 10_000))!;
    };
    const met = await task('met-outage');
    await endTaskJob(c, met, lease.owner, 5, () => Promise.reject(outage()));
    const queued = (await c.jobs.get(met.jobId))!;
    assert.equal(queued.status, 'queued', 'given back, not failed');
    assert.equal(await c.jobs.claim(lease, 10_000, { only: [met.jobId] }), undefined, 'not taken again before a backoff');
    assert.equal((await c.jobs.claim(lease, 10_000, { only: [met.jobId] }, Date.now() + 20_000))?.attempts, 2, 'taken again after it');
    await c.jobs.finish(met.jobId, lease.owner, { status: 'cancelled' });

    const bad = await task('bad-file');
    await endTaskJob(c, bad, lease.owner, 5, () => Promise.reject(new InvalidInput('ingest: orders: landing/orders/a.csv is not CSV')));
    const failed = (await c.jobs.get(bad.jobId))!;
    assert.equal(failed.status, 'failed');
    assert.match(failed.error!.message, /a\.csv is not CSV/);

    const last = await task('last-attempt');
    await endTaskJob(c, last, lease.owner, 1, () => Promise.reject(outage()));
    assert.equal((await c.jobs.get(last.jobId))!.status, 'failed', 'out of attempts, the outage fails the task');

    const ok = await task('fine');
    const result: IngestTaskResult = { task: INGEST_TASK, source: 'orders', seq: 0, files: 1, rows: 2, staged: true };
    await endTaskJob(c, ok, lease.owner, 5, async () => result);
    assert.deepEqual([(await c.jobs.get(ok.jobId))!.status, (await c.jobs.get(ok.jobId))!.result], ['succeeded', result]);
  } finally {
    await c.close();
  }
});
