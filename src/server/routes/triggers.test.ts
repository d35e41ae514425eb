import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ordersYaml } from '../../testing/orders-yaml.js';
import { call, withApi } from '../../testing/index.js';

const YAML = `${ordersYaml()}schedules:\n  nightly: { cron: "0 2 * * *", select: [orders+], timezone: UTC }\n  weekly_vacuum: { cron: "0 3 * * 0", task: vacuum }\n`;

test('GET /v1/triggers lists each schedule with its next fire time and each source with its landing folder and push endpoint, and what each last started', async () => {
  await withApi({ yaml: YAML }, async (app, project) => {
    const before = await call(app, 'GET', '/v1/triggers');
    assert.equal(before.status, 200, JSON.stringify(before.body));
    const nightly = before.body.schedules.find((s: { name: string }) => s.name === 'nightly');
    assert.deepEqual([nightly.cron, nightly.timezone, nightly.asks, nightly.declaredAt, nightly.last], ['0 2 * * *', 'UTC', 'run orders+', 'schedules.nightly', null]);
    const next = new Date(nightly.nextMs);
    assert.deepEqual([next.getUTCHours(), next.getUTCMinutes()], [2, 0]);
    assert.ok(nightly.nextMs > Date.now() && nightly.nextMs <= Date.now() + 86_400_000, next.toISOString());
    assert.equal(before.body.schedules.find((s: { name: string }) => s.name === 'weekly_vacuum').asks, 'vacuum every table');
    assert.deepEqual(before.body.sources, [{ source: 'orders', landing: 'landing/orders/', push: '/v1/ingest/orders', last: null }]);

    const fromFiles = await project.catalog.jobs.enqueue({ trigger: 'file', select: ['ingest.orders+'], dedupeKey: 'files-1' });
    const fromSchedule = await project.catalog.jobs.enqueue({ trigger: 'schedule', select: ['orders+'], dedupeKey: 'schedule:nightly:2026-12-07T02:00:00.000Z' });
    const after = await call(app, 'GET', '/v1/triggers');
    assert.equal(after.body.sources[0].last.jobId, fromFiles.job.jobId);
    assert.equal(after.body.schedules.find((s: { name: string }) => s.name === 'nightly').last.jobId, fromSchedule.job.jobId);
    assert.equal(after.body.schedules.find((s: { name: string }) => s.name === 'weekly_vacuum').last, null);
  });
});
