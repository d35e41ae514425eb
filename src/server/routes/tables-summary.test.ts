import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { call, withApi } from '../../testing/index.js';

test('GET /v1/tables gives every table with its figures and columns, and names a table it cannot read rather than failing', async () => {
  await withApi({}, async (app, project) => {
    await project.catalog.createNamespace('shop');
    for (const text of [
      'CREATE TABLE shop.orders AS SELECT range::INTEGER AS id, (range * 1.5)::DOUBLE AS amount FROM range(30)',
      'INSERT INTO shop.orders SELECT 100, 7.0',
      'CREATE TABLE shop.broken AS SELECT 1 AS x',
    ]) {
      const r = await call(app, 'POST', '/v1/queries', { sql: text, wait_ms: 30_000 });
      assert.equal(r.body.status, 'succeeded', JSON.stringify(r.body));
    }
    const broken = await project.catalog.loadTable('shop', 'broken');
    rmSync(fileURLToPath(broken.metadataLocation));

    const r = await call(app, 'GET', '/v1/tables');
    assert.equal(r.status, 200);
    const orders = r.body.tables.find((t: any) => t.name === 'orders');
    assert.equal(orders.namespace, 'shop');
    assert.equal(orders.rows, 31);
    assert.ok(orders.files >= 2 && orders.bytes > 0, JSON.stringify(orders));
    assert.deepEqual(orders.columns, [{ name: 'id', type: 'int' }, { name: 'amount', type: 'double' }]);
    assert.ok(Math.abs(Date.parse(orders.last_updated_at) - Date.now()) < 60_000, orders.last_updated_at);
    assert.equal(orders.error, null);
    const bad = r.body.tables.find((t: any) => t.name === 'broken');
    assert.match(bad.error, /^shop\.broken could not be read: /);
    assert.equal(bad.rows, 0);
  });
});
