import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newLease, type Lease } from './job-queue.js';
import { BACKENDS, catalogFixture } from './test-support.js';

const LEASE_MS = 10_000;

for (const backend of BACKENDS) {
  test(`${backend}: a dedupe key met again gives the same job, whatever became of it; a request like a queued one joins it`, async () => {
    const c = await (await catalogFixture('silt-jobs-', backend)).open();
    try {
      const a = await c.jobs.enqueue({ trigger: 'schedule', select: ['orders'], dedupeKey: 'cron:orders:0900' });
      assert.equal(a.created, true);
      const again = await c.jobs.enqueue({ trigger: 'schedule', select: ['orders'], dedupeKey: 'cron:orders:0900' });
      assert.deepEqual([again.created, again.job.jobId], [false, a.job.jobId]);
      // Same selection in another order, another key: joins the queued job, and its key finds it later.
      const joined = await c.jobs.enqueue({ trigger: 'file', select: ['orders', 'orders'], dedupeKey: 'files:batch-7' });
      assert.deepEqual([joined.created, joined.job.jobId, joined.job.requests], [false, a.job.jobId, 2]);
      const other = await c.jobs.enqueue({ trigger: 'manual', select: ['customers'] });
      assert.equal(other.created, true);
      const task = await c.jobs.enqueue({ trigger: 'schedule', task: 'vacuum', select: ['orders'] });
      assert.equal(task.created, true, 'a task is not the run of the same tables');

      const lease = newLease();
      const taken = await c.jobs.claim(lease, LEASE_MS);
      assert.equal(taken?.jobId, a.job.jobId, 'oldest first');
      assert.equal(taken?.status, 'running');
      // Once running, a like request makes a new job (the running one may have read its input already).
      const after = await c.jobs.enqueue({ trigger: 'file', select: ['orders'] });
      assert.equal(after.created, true);
      assert.equal(await c.jobs.finish(a.job.jobId, lease.owner, { status: 'succeeded', runId: 'r1', result: { ok: 1 } }), true);
      const done = await c.jobs.enqueue({ trigger: 'file', select: ['orders'], dedupeKey: 'files:batch-7' });
      assert.deepEqual([done.created, done.job.status, done.job.runId, done.job.result], [false, 'succeeded', 'r1', { ok: 1 }]);

      const page1 = await c.jobs.list({ limit: 2 });
      const page2 = await c.jobs.list({ limit: 2, offset: 2 });
      assert.deepEqual([...page1, ...page2].map((j) => j.jobId), [after.job.jobId, task.job.jobId, other.job.jobId, a.job.jobId], 'newest first');
    } finally {
      await c.close();
    }
  });

  test(`${backend}: a lapsed lease puts the job back in the queue with its attempt counted; its old owner can no longer finish it`, async () => {
    const c = await (await catalogFixture('silt-jobs-', backend)).open();
    try {
      const { job } = await c.jobs.enqueue({ trigger: 'manual' });
      const first = newLease();
      const t0 = Date.now();
      assert.equal((await c.jobs.claim(first, 1_000, {}, t0))?.attempts, 1);
      assert.equal(await c.jobs.claim(newLease(), 1_000, {}, t0 + 500), undefined, 'held while the lease runs');
      const second = newLease();
      const retaken = await c.jobs.claim(second, 1_000, {}, t0 + 1_500);
      assert.deepEqual([retaken?.jobId, retaken?.attempts, retaken?.leaseOwner], [job.jobId, 2, second.owner]);
      assert.equal(await c.jobs.finish(job.jobId, first.owner, { status: 'succeeded' }), false, 'the first owner lost it');
      assert.equal((await c.jobs.heartbeat(job.jobId, first.owner, 1_000)).held, false);
      assert.equal(await c.jobs.finish(job.jobId, second.owner, { status: 'succeeded' }), true);
    } finally {
      await c.close();
    }
  });

  test(`${backend}: a job held by a process of this host that is gone is queued again at once; one interrupted too often fails`, async () => {
    const c = await (await catalogFixture('silt-jobs-', backend)).open();
    try {
      const { job } = await c.jobs.enqueue({ trigger: 'manual' });
      const dead: Lease = { ...newLease(), pid: 2 ** 22 + 17 };
      await c.jobs.claim(dead, 60_000);
      const next = await c.jobs.claim(newLease(), 60_000, { maxAttempts: 2 });
      assert.deepEqual([next?.jobId, next?.attempts], [job.jobId, 2]);
      // The second holder dies too: with 2 attempts made, the job fails, saying why.
      await c.jobs.release(job.jobId, next!.leaseOwner!);
      await c.jobs.claim({ ...dead, owner: 'gone' }, 60_000, { maxAttempts: 5 });
      assert.equal(await c.jobs.claim(newLease(), 60_000, { maxAttempts: 3 }), undefined);
      const failed = await c.jobs.get(job.jobId);
      assert.equal(failed?.status, 'failed');
      assert.match(failed?.error?.message ?? '', /gave up after 3 attempts/);
    } finally {
      await c.close();
    }
  });

  test(`${backend}: cancel: a queued job is cancelled at once and never taken; a running one is marked for its executor`, async () => {
    const c = await (await catalogFixture('silt-jobs-', backend)).open();
    try {
      const a = await c.jobs.enqueue({ trigger: 'manual', select: ['a'] });
      const b = await c.jobs.enqueue({ trigger: 'manual', select: ['b'] });
      assert.equal((await c.jobs.requestCancel(a.job.jobId))?.status, 'cancelled');
      const lease = newLease();
      const taken = await c.jobs.claim(lease, LEASE_MS);
      assert.equal(taken?.jobId, b.job.jobId);
      assert.equal((await c.jobs.requestCancel(b.job.jobId))?.status, 'running');
      assert.deepEqual(await c.jobs.heartbeat(b.job.jobId, lease.owner, LEASE_MS), { held: true, cancelRequested: true });
      assert.equal(await c.jobs.requestCancel('job-nope'), undefined);
      // A cancelled request's selection asked again makes a new job rather than joining the cancelled one.
      assert.equal((await c.jobs.enqueue({ trigger: 'manual', select: ['a'] })).created, true);
    } finally {
      await c.close();
    }
  });
}

// In one process SQLite's connections wait for its write lock blocking the event loop, so only
// PostgreSQL's case runs here; several `silt` processes are SQLite's case.
test('PostgreSQL: requests enqueued at once on several connections with one dedupe key make one job', async () => {
  const f = await catalogFixture('silt-jobs-', 'PostgreSQL');
  const catalogs = await Promise.all(Array.from({ length: 4 }, () => f.open()));
  try {
    const all = await Promise.all(catalogs.map((c) => c.jobs.enqueue({ trigger: 'file', select: ['orders'], dedupeKey: 'files:batch-9' })));
    assert.equal(new Set(all.map((e) => e.job.jobId)).size, 1, 'one job');
    assert.equal(all.filter((e) => e.created).length, 1, 'made once');
    assert.equal((await catalogs[0]!.jobs.list()).length, 1);
  } finally {
    await Promise.all(catalogs.map((c) => c.close()));
  }
});
