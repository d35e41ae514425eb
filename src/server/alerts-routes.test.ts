import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, withApi } from '../testing/index.js';

test('GET /v1/alerts/history pages newest first with the total; a bad page is a 400 naming the field', async () => {
  await withApi({}, async (app, project) => {
    const log = project.catalog.alertLog;
    for (let i = 0; i < 5; i++) {
      assert.equal(await log.fire({ alertId: `a${i}`, rule: 'fresh', kind: 'stale', subject: `t${i}`, message: `m${i}`, firedMs: 1_000 + i }), true);
    }
    assert.equal(await log.fire({ alertId: 'again', rule: 'fresh', kind: 'stale', subject: 't0', message: 'm', firedMs: 2_000 }), false, 'one firing alert per rule and subject');
    assert.equal((await log.resolve('fresh', 't1', 3_000, 'fresh again'))?.alertId, 'a1');
    assert.equal(await log.resolve('fresh', 't1', 3_001, 'twice'), undefined, 'resolved once');
    await log.recordDelivery('a0', { event: 'fired', channel: 'hook', status: 'failed', attempts: 4, lastError: 'ECONNREFUSED', atMs: 1_500 });

    const page = await call(app, 'GET', '/v1/alerts/history?limit=2&offset=1');
    assert.equal(page.status, 200);
    assert.deepEqual([page.body.total, page.body.limit, page.body.offset], [5, 2, 1]);
    assert.deepEqual(page.body.alerts.map((a: any) => a.id), ['a3', 'a2']);
    const last = await call(app, 'GET', '/v1/alerts/history?limit=2&offset=4');
    assert.deepEqual(last.body.alerts.map((a: any) => [a.id, a.deliveries[0]?.last_error]), [['a0', 'ECONNREFUSED']]);

    const firing = await call(app, 'GET', '/v1/alerts');
    assert.deepEqual(firing.body.alerts.map((a: any) => a.id), ['a0', 'a2', 'a3', 'a4']);
    const resolved = (await call(app, 'GET', '/v1/alerts/history?limit=10')).body.alerts.find((a: any) => a.id === 'a1');
    assert.deepEqual([resolved.status, resolved.resolved_at, resolved.resolution], ['resolved', new Date(3_000).toISOString(), 'fresh again']);

    for (const q of ['limit=0', 'limit=501', 'offset=-1', 'limit=ten']) {
      const bad = await call(app, 'GET', `/v1/alerts/history?${q}`);
      assert.equal(bad.status, 400, q);
      assert.equal(bad.body.error.code, 'invalid_input', q);
      assert.match(bad.body.error.message, new RegExp(`^${q.split('=')[0]}: `), q);
    }
    const doc = await call(app, 'GET', '/openapi.json');
    assert.ok(doc.body.paths['/v1/alerts']?.get && doc.body.paths['/v1/alerts/history']?.get);
  });
});
