import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { call, withApi } from '../../testing/index.js';

async function sql(app: OpenAPIHono, text: string): Promise<any> {
  const r = await call(app, 'POST', '/v1/queries', { sql: text, wait_ms: 30_000 });
  assert.equal(r.body.status, 'succeeded', JSON.stringify(r.body));
  return r.body;
}

test('the catalog: namespaces, tables, a table\'s overview, schema history, snapshots, partitions and sample rows', async () => {
  await withApi({}, async (app, project) => {
    await project.catalog.createNamespace('shop', { owner: 'sales' });
    await sql(app, "CREATE TABLE shop.orders PARTITIONED BY (day) AS SELECT range::INTEGER AS id, DATE '2024-01-01' + (range % 3)::INTEGER AS day, (range * 1.5)::DOUBLE AS amount FROM range(30)");
    await sql(app, 'ALTER TABLE shop.orders ADD COLUMN note VARCHAR');
    await sql(app, 'ALTER TABLE shop.orders RENAME COLUMN amount TO total');
    await sql(app, 'ALTER TABLE shop.orders DROP COLUMN note');
    await sql(app, "INSERT INTO shop.orders SELECT 100, DATE '2024-01-01', 7.0");

    const ns = await call(app, 'GET', '/v1/namespaces');
    assert.equal(ns.status, 200);
    assert.deepEqual(ns.body.namespaces.find((n: any) => n.name === 'shop'), { name: 'shop', properties: { owner: 'sales' } });
    await sql(app, 'CREATE VIEW shop.paid AS SELECT * FROM shop.orders');
    const tables = await call(app, 'GET', '/v1/namespaces/shop/tables');
    assert.deepEqual(tables.body, { namespace: 'shop', tables: [{ name: 'orders', kind: 'iceberg' }, { name: 'paid', kind: 'view' }] });

    const t = await call(app, 'GET', '/v1/tables/shop/orders');
    assert.equal(t.status, 200);
    assert.equal(t.body.rows, 31);
    assert.deepEqual(t.body.columns.map((c: any) => `${c.name}:${c.type}`), ['id:int', 'day:date', 'total:double']);
    assert.deepEqual(t.body.partition_spec, [{ name: 'day', transform: 'identity', source: 'day' }]);
    assert.ok(t.body.files >= 3 && t.body.bytes > 0);
    assert.match(t.body.current_snapshot_id, /^\d+$/);

    const h = await call(app, 'GET', '/v1/tables/shop/orders/schema-history');
    const schemas = h.body.schemas;
    assert.deepEqual(schemas[0].added, ['id', 'day', 'amount']);
    assert.ok(schemas.some((s: any) => s.added.includes('note')), JSON.stringify(schemas));
    const renamed = schemas.find((s: any) => s.changed.length > 0);
    assert.deepEqual([renamed.changed[0].from.name, renamed.changed[0].to.name], ['amount', 'total']);
    assert.ok(schemas.some((s: any) => s.dropped.includes('note')));
    assert.equal(schemas.at(-1).current, true);

    const snaps = (await call(app, 'GET', '/v1/tables/shop/orders/snapshots')).body.snapshots;
    assert.equal(snaps.length, 2);
    assert.deepEqual(snaps.map((s: any) => s.operation), ['append', 'append']);
    assert.equal(snaps[1].parent_id, snaps[0].snapshot_id);
    assert.equal(snaps[1].current, true);
    assert.equal(snaps[1].snapshot_id, t.body.current_snapshot_id);
    assert.equal(snaps[1].summary['total-records'], '31');

    const parts = (await call(app, 'GET', '/v1/tables/shop/orders/partitions')).body.partitions;
    assert.deepEqual(parts.map((p: any) => [p.values.day, p.rows]), [['2024-01-01', 11], ['2024-01-02', 10], ['2024-01-03', 10]]);
    assert.equal(parts.reduce((n: number, p: any) => n + p.files, 0), t.body.files);
    assert.equal(parts.reduce((n: number, p: any) => n + p.bytes, 0), t.body.bytes);

    const sample = await call(app, 'GET', '/v1/tables/shop/orders/sample?limit=5');
    assert.equal(sample.status, 200);
    assert.equal(sample.body.rows.length, 5);
    assert.deepEqual(sample.body.columns.map((c: any) => c.name), ['id', 'day', 'total']);
  });
});

test('unknown namespaces and tables are 404s naming them; a bad limit is a 400 naming it', async () => {
  await withApi({}, async (app, project) => {
    await project.catalog.createNamespace('shop');
    const noNs = await call(app, 'GET', '/v1/namespaces/nope/tables');
    assert.equal(noNs.status, 404);
    assert.equal(noNs.body.error.code, 'namespace_not_found');
    for (const tail of ['', '/schema-history', '/snapshots', '/partitions', '/sample']) {
      const r = await call(app, 'GET', `/v1/tables/shop/nope${tail}`);
      assert.equal(r.status, 404, tail);
      assert.equal(r.body.error.code, 'table_not_found', tail);
      assert.equal(r.body.error.details.table, 'shop.nope');
    }
    const other = await call(app, 'GET', '/v1/tables/nope/orders');
    assert.equal(other.status, 404);
    const bad = await call(app, 'GET', '/v1/tables/shop/nope/sample?limit=0');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.field, 'limit');
  });
});
