import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertIcebergError, call, createNamespace as ns, sql, V1, withApi } from '../../testing/index.js';

const SCHEMA = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] };
const version = (sqlText: string, dialect = 'spark') => ({
  'version-id': 1,
  'schema-id': 0,
  'timestamp-ms': 1_700_000_000_000,
  summary: { 'engine-name': 'spark' },
  representations: [{ type: 'sql', sql: sqlText, dialect }],
  'default-namespace': ['shop'],
});

test('REST views: create, list, load, exists, replace with the spec\'s updates and requirement, rename, drop; Silt reads a view a client made', async () => {
  await withApi({}, async (app) => {
    await ns(app, 'shop');
    await sql(app, 'CREATE TABLE shop.orders AS SELECT range AS id FROM range(5)');
    const made = await call(app, 'POST', `${V1}/namespaces/shop/views`, { name: 'small', schema: SCHEMA, 'view-version': version('SELECT id FROM shop.orders WHERE id < 2') });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.match(made.body['metadata-location'], /\/warehouse\/shop\/small\/metadata\/00000-.*\.metadata\.json$/);
    assert.equal(made.body.metadata['format-version'], 1);
    assert.equal(made.body.metadata['current-version-id'], 1);
    const dialects = (metadata: any) => metadata.versions.find((v: any) => v['version-id'] === metadata['current-version-id']).representations.map((r: any) => r.dialect);
    assert.deepEqual(dialects(made.body.metadata), ['spark', 'trino'], "Spark's SQL is in Trino's core too: offered to Trino as written");
    // Silt runs the spark representation, as DuckDB parses it.
    assert.deepEqual(await sql(app, 'SELECT id FROM shop.small ORDER BY id'), [['0'], ['1']]);

    assert.deepEqual((await call(app, 'GET', `${V1}/namespaces/shop/views`)).body, { identifiers: [{ namespace: ['shop'], name: 'small' }] });
    assert.deepEqual((await call(app, 'GET', `${V1}/namespaces/shop/tables`)).body.identifiers.map((t: any) => t.name), ['orders']);
    assert.equal((await call(app, 'HEAD', `${V1}/namespaces/shop/views/small`)).status, 204);
    assert.equal((await call(app, 'HEAD', `${V1}/namespaces/shop/views/nope`)).status, 404);
    const loaded = await call(app, 'GET', `${V1}/namespaces/shop/views/small`);
    assert.equal(loaded.body['metadata-location'], made.body['metadata-location']);

    const uuid = made.body.metadata['view-uuid'];
    const replace = (requirements: unknown[]) =>
      call(app, 'POST', `${V1}/namespaces/shop/views/small`, {
        requirements,
        updates: [
          { action: 'add-schema', schema: SCHEMA },
          { action: 'add-view-version', 'view-version': { ...version('SELECT id FROM shop.orders WHERE id >= 3'), 'version-id': 2, 'schema-id': -1 } },
          { action: 'set-current-view-version', 'view-version-id': -1 },
          { action: 'set-properties', updates: { comment: 'the big ones' } },
        ],
      });
    assertIcebergError(await replace([{ type: 'assert-view-uuid', uuid: '00000000-0000-0000-0000-000000000000' }]), 409, 'CommitFailedException', 'assert-view-uuid');
    const replaced = await replace([{ type: 'assert-view-uuid', uuid }]);
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.equal(replaced.body.metadata['current-version-id'], 2);
    assert.equal(replaced.body.metadata.properties.comment, 'the big ones');
    assert.deepEqual(dialects(replaced.body.metadata), ['spark', 'trino']);
    assert.match(replaced.body['metadata-location'], /\/00001-.*\.metadata\.json$/);
    assert.deepEqual(await sql(app, 'SELECT id FROM shop.small ORDER BY id'), [['3'], ['4']]);

    assert.equal((await call(app, 'POST', `${V1}/views/rename`, { source: { namespace: ['shop'], name: 'small' }, destination: { namespace: ['shop'], name: 'big' } })).status, 204);
    assertIcebergError(await call(app, 'GET', `${V1}/namespaces/shop/views/small`), 404, 'NoSuchViewException', 'shop.small');
    assert.deepEqual(await sql(app, 'SELECT count(*) FROM shop.big'), [['2']]);
    assert.equal((await call(app, 'DELETE', `${V1}/namespaces/shop/views/big`)).status, 204);
    assertIcebergError(await call(app, 'DELETE', `${V1}/namespaces/shop/views/big`), 404, 'NoSuchViewException', 'shop.big');
  });
});

test("REST views: a client's three-part names are read when they name the catalog silt or the view's default-catalog, refused otherwise", async () => {
  await withApi({}, async (app) => {
    await ns(app, 'shop');
    await sql(app, 'CREATE TABLE shop.orders AS SELECT range AS id FROM range(5)');
    const make = (name: string, text: string, defaultCatalog?: string) =>
      call(app, 'POST', `${V1}/namespaces/shop/views`, { name, schema: SCHEMA, 'view-version': { ...version(text), ...(defaultCatalog ? { 'default-catalog': defaultCatalog } : {}) } });
    assert.equal((await make('by_silt', 'SELECT id FROM silt.shop.orders WHERE id < 2')).status, 200);
    assert.equal((await make('by_own', 'SELECT o.id FROM lake.shop.orders AS o WHERE o.id >= 3', 'lake')).status, 200);
    assert.equal((await make('by_other', 'SELECT id FROM elsewhere.shop.orders')).status, 200);
    assert.deepEqual(await sql(app, 'SELECT id FROM shop.by_silt ORDER BY id'), [['0'], ['1']]);
    assert.deepEqual(await sql(app, 'SELECT id FROM shop.by_own ORDER BY id'), [['3'], ['4']]);
    await assert.rejects(sql(app, 'SELECT * FROM shop.by_other'), /elsewhere\.shop\.orders: name tables as namespace\.table/);
  });
});

test('REST views: a view/table name clash is 409, a missing namespace 404, a bad version 400; a view with no SQL Silt can run says so', async () => {
  await withApi({}, async (app) => {
    await ns(app, 'shop');
    await sql(app, 'CREATE TABLE shop.orders AS SELECT 1 AS id');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/views`, { name: 'orders', schema: SCHEMA, 'view-version': version('SELECT 1') }), 409, 'AlreadyExistsException', 'shop.orders');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/nope/views`, { name: 'v', schema: SCHEMA, 'view-version': version('SELECT 1') }), 404, 'NoSuchNamespaceException', 'nope');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/views`, { name: 'v', schema: SCHEMA, 'view-version': { ...version('SELECT 1'), representations: [] } }), 400, 'BadRequestException');
    assert.equal((await call(app, 'POST', `${V1}/namespaces/shop/views`, { name: 'v', schema: SCHEMA, 'view-version': version('SELECT 1 AS id') })).status, 200);
    // Trino sends the location it would choose (the namespace's folder and the view's name): kept when it is a free folder there.
    const where = (made: any) => made.body['metadata-location'].replace(/\/metadata\/[^/]*$/, '');
    const table = await call(app, 'GET', `${V1}/namespaces/shop/tables/orders`);
    const nsFolder = table.body.metadata.location.replace(/\/orders[^/]*$/, '');
    const placed = await call(app, 'POST', `${V1}/namespaces/shop/views`, { name: 'placed', location: `${nsFolder}/placed_here`, schema: SCHEMA, 'view-version': version('SELECT 1 AS id') });
    assert.equal(placed.status, 200, JSON.stringify(placed.body));
    assert.equal(where(placed), `${nsFolder}/placed_here`);
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/views`, { name: 'astray', location: 'file:///elsewhere/astray', schema: SCHEMA, 'view-version': version('SELECT 1 AS id') }), 400, 'BadRequestException', 'is not a free folder under');
    const trinoOnly = await call(app, 'POST', `${V1}/namespaces/shop/views`, { name: 'distinct_ids', schema: SCHEMA, 'view-version': version('SELECT approx_distinct(id) AS id FROM shop.orders', 'trino') });
    assert.deepEqual(trinoOnly.body.metadata.versions[0].representations.map((r: any) => r.dialect), ['trino'], 'Spark has no approx_distinct: not offered to Spark');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'v', schema: SCHEMA }), 409, 'AlreadyExistsException', 'shop.v');
    assertIcebergError(await call(app, 'GET', `${V1}/namespaces/shop/tables/v`), 404, 'NoSuchTableException', 'shop.v is a view');
    assertIcebergError(await call(app, 'POST', `${V1}/views/rename`, { source: { namespace: ['shop'], name: 'v' }, destination: { namespace: ['shop'], name: 'orders' } }), 409, 'AlreadyExistsException', 'shop.orders');

    await call(app, 'POST', `${V1}/namespaces/shop/views`, { name: 'hive', schema: SCHEMA, 'view-version': version('SELECT id FROM shop.orders', 'hive') });
    await call(app, 'POST', `${V1}/namespaces/shop/views`, { name: 'broken', schema: SCHEMA, 'view-version': version('SELEKT id FROM shop.orders', 'trino') });
    for (const [view, why] of [['hive', /view shop\.hive has no SQL Silt can run: its representations are hive;/], ['broken', /view shop\.broken has no SQL Silt can run: its representations are trino \(trino: view shop\.broken must be a single SELECT\)/]] as const) {
      const r = await call(app, 'POST', '/v1/queries', { sql: `SELECT * FROM shop.${view}`, wait_ms: 30_000 });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.error.message, why);
    }
  });
});
