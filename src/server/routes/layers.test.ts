/** The API under `layers: { bronze: raw, silver: processed, gold: curated }`: tables say their layer, quarantines are found by the configured names. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runPipeline } from '../../pipeline/index.js';
import { call, withApi } from '../../testing/index.js';

const YAML = `
layers: { bronze: raw, silver: processed, gold: curated }
sources:
  orders: { path: orders/, format: csv }
silver:
  orders:
    source: raw.orders
    key: id
    columns:
      id: { type: long }
      amount: { type: double }
    expectations:
      - { rule: range, column: amount, min: 0, policy: drop }
`;

test('GET /v1/tables names each table\'s layer; the quarantine of processed.orders is browsed and replayed by that name', async () => {
  await withApi({ yaml: YAML, landing: { 'orders/a.csv': 'id,amount\n1,5\n2,-1\n' }, models: { 'total.sql': 'SELECT sum(amount) AS total FROM processed.orders' } }, async (app, project) => {
    assert.ok((await runPipeline(project)).steps.every((s) => s.status === 'succeeded'));
    const tables = (await call(app, 'GET', '/v1/tables')).body.tables as { namespace: string; name: string; layer: string | null }[];
    assert.deepEqual(tables.map((t) => `${t.namespace}.${t.name} ${t.layer}`).sort(), [
      'curated.total gold',
      'processed.orders silver',
      'processed.orders_quarantine silver',
      'raw.orders bronze',
      'raw.orders_rejects bronze',
    ]);
    const q = await call(app, 'GET', '/v1/quarantine/processed/orders');
    assert.equal(q.status, 200, JSON.stringify(q.body));
    assert.deepEqual([q.body.table, q.body.kind, q.body.total], ['processed.orders', 'silver', 1]);
    const replayed = await call(app, 'POST', '/v1/quarantine/processed/orders/replay', {});
    assert.equal(replayed.status, 200, JSON.stringify(replayed.body));
    assert.deepEqual([replayed.body.table, replayed.body.rows_in, replayed.body.rows_quarantined], ['processed.orders', 1, 1]);
    const old = await call(app, 'GET', '/v1/quarantine/silver/orders');
    assert.equal(old.status, 404, 'silver is no layer of this project');
    assert.match(old.body.error.message, /no table silver\.orders sets rows aside.*processed\.orders/);
  });
});
