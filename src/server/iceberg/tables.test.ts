import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { assertIcebergError, call, createNamespace as ns, sql, V1, withApi } from '../../testing/index.js';

const SCHEMA = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'day', required: false, type: 'date' },
    { id: 3, name: 'tags', required: false, type: { type: 'list', 'element-id': 4, element: 'string', 'element-required': false } },
  ],
};

test('create a table (partitioned, sorted), list it with paging, load it; a taken name, a missing namespace and a bad schema are the spec\'s errors', async () => {
  await withApi({}, async (app) => {
    await ns(app, 'shop');
    const made = await call(app, 'POST', `${V1}/namespaces/shop/tables`, {
      name: 'orders',
      schema: SCHEMA,
      'partition-spec': { fields: [{ 'source-id': 2, name: 'day_month', transform: 'month' }] },
      'write-order': { 'order-id': 1, fields: [{ 'source-id': 1, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }] },
      properties: { owner: 'ana' },
    });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.match(made.body['metadata-location'], /^file:\/\/.*\/warehouse\/shop\/orders\/metadata\/.*\.metadata\.json$/);
    const m = made.body.metadata;
    assert.deepEqual(m.schemas[0].fields.map((f: any) => f.name), ['id', 'day', 'tags']);
    assert.equal(m['last-column-id'], 4);
    assert.deepEqual(m['partition-specs'][0].fields, [{ 'source-id': 2, 'field-id': 1000, name: 'day_month', transform: 'month' }]);
    assert.equal(m['default-sort-order-id'], 1);
    assert.equal(m.properties.owner, 'ana');

    await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'payments', schema: SCHEMA });
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'orders', schema: SCHEMA }), 409, 'AlreadyExistsException', 'shop.orders');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/nope/tables`, { name: 'x', schema: SCHEMA }), 404, 'NoSuchNamespaceException', 'nope');
    assertIcebergError(
      await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'x', schema: SCHEMA, 'partition-spec': { fields: [{ 'source-id': 9, name: 'p', transform: 'identity' }] } }),
      400, 'BadRequestException', 'id 9',
    );
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'x', schema: SCHEMA, location: 's3://elsewhere/x' }), 400, 'BadRequestException', 'location');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'x', schema: { type: 'struct' } }), 400, 'BadRequestException', 'schema.fields');

    assert.deepEqual((await call(app, 'GET', `${V1}/namespaces/shop/tables`)).body, { identifiers: [{ namespace: ['shop'], name: 'orders' }, { namespace: ['shop'], name: 'payments' }] });
    const p1 = await call(app, 'GET', `${V1}/namespaces/shop/tables?pageSize=1`);
    assert.deepEqual(p1.body.identifiers, [{ namespace: ['shop'], name: 'orders' }]);
    const p2 = await call(app, 'GET', `${V1}/namespaces/shop/tables?pageSize=1&pageToken=${p1.body['next-page-token']}`);
    assert.deepEqual(p2.body, { identifiers: [{ namespace: ['shop'], name: 'payments' }] });
    assertIcebergError(await call(app, 'GET', `${V1}/namespaces/nope/tables`), 404, 'NoSuchNamespaceException');

    const loaded = await call(app, 'GET', `${V1}/namespaces/shop/tables/orders`);
    assert.equal(loaded.body['metadata-location'], made.body['metadata-location']);
    assertIcebergError(await call(app, 'GET', `${V1}/namespaces/shop/tables/ordrs`), 404, 'NoSuchTableException', 'did you mean shop.orders');
  });
});

test('a load answers an ETag; If-None-Match with it is a 304 until the table changes; HEAD says whether it exists', async () => {
  await withApi({}, async (app) => {
    await ns(app, 'shop');
    await sql(app, 'CREATE TABLE shop.t AS SELECT range AS id FROM range(3)');
    const first = await app.request(`${V1}/namespaces/shop/tables/t`);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    const body = await first.text();
    // Snapshot ids are int64: written exactly, as in the metadata file.
    const id = /"current-snapshot-id":(\d+)/.exec(body)![1]!;
    assert.ok(body.includes(`"snapshot-id":${id}`));
    assert.equal((await app.request(`${V1}/namespaces/shop/tables/t`, { headers: { 'if-none-match': etag } })).status, 304);
    await sql(app, 'INSERT INTO shop.t VALUES (9)');
    const after = await app.request(`${V1}/namespaces/shop/tables/t`, { headers: { 'if-none-match': etag } });
    assert.equal(after.status, 200);
    assert.notEqual(after.headers.get('etag'), etag);
    const all = await call(app, 'GET', `${V1}/namespaces/shop/tables/t?snapshots=all`);
    const refs = await call(app, 'GET', `${V1}/namespaces/shop/tables/t?snapshots=refs`);
    assert.deepEqual([all.body.metadata.snapshots.length, refs.body.metadata.snapshots.length], [2, 1]);
    const refsTag = (await app.request(`${V1}/namespaces/shop/tables/t?snapshots=refs`)).headers.get('etag')!;
    assert.equal((await app.request(`${V1}/namespaces/shop/tables/t?snapshots=all`, { headers: { 'if-none-match': refsTag } })).status, 200, 'a refs-only copy is not the whole table');
    assert.equal((await app.request(`${V1}/namespaces/shop/tables/t`, { method: 'HEAD' })).status, 204);
    assert.equal((await app.request(`${V1}/namespaces/shop/tables/nope`, { method: 'HEAD' })).status, 404);
  });
});

test('rename keeps the rows; drop without purge keeps the files, register brings the table back, drop with purge removes them', async () => {
  await withApi({}, async (app) => {
    await ns(app, 'shop');
    await ns(app, 'archive');
    await sql(app, 'CREATE TABLE shop.t AS SELECT range AS id FROM range(5)');
    await sql(app, 'CREATE TABLE shop.other AS SELECT 1 AS id');
    const rename = (source: string[], destination: string[]) =>
      call(app, 'POST', `${V1}/tables/rename`, { source: { namespace: [source[0]], name: source[1] }, destination: { namespace: [destination[0]], name: destination[1] } });
    assert.equal((await rename(['shop', 't'], ['archive', 't2'])).status, 204);
    assertIcebergError(await call(app, 'GET', `${V1}/namespaces/shop/tables/t`), 404, 'NoSuchTableException');
    assert.deepEqual(await sql(app, 'SELECT count(*)::INTEGER AS n FROM archive.t2'), [[5]]);
    assertIcebergError(await rename(['shop', 'other'], ['archive', 't2']), 409, 'AlreadyExistsException', 'archive.t2');
    assertIcebergError(await rename(['shop', 'missing'], ['archive', 'x']), 404, 'NoSuchTableException', 'shop.missing');
    assertIcebergError(await rename(['shop', 'other'], ['nope', 'x']), 404, 'NoSuchNamespaceException', 'nope');

    const location = (await call(app, 'GET', `${V1}/namespaces/archive/tables/t2`)).body['metadata-location'];
    assert.equal((await call(app, 'DELETE', `${V1}/namespaces/archive/tables/t2`)).status, 204);
    assert.ok(existsSync(fileURLToPath(location)), 'a drop without purge keeps the files');
    const back = await call(app, 'POST', `${V1}/namespaces/shop/register`, { name: 'back', 'metadata-location': location });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.deepEqual(await sql(app, 'SELECT count(*)::INTEGER AS n FROM shop.back'), [[5]]);
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/register`, { name: 'back', 'metadata-location': location }), 409, 'AlreadyExistsException', 'shop.back');
    // Overwrite points the table back at an older metadata file of its own: its rows as they were then.
    await sql(app, 'INSERT INTO shop.back VALUES (99)');
    assert.deepEqual(await sql(app, 'SELECT count(*)::INTEGER AS n FROM shop.back'), [[6]]);
    const over = await call(app, 'POST', `${V1}/namespaces/shop/register`, { name: 'back', 'metadata-location': location, overwrite: true });
    assert.equal(over.status, 200, JSON.stringify(over.body));
    assert.deepEqual(await sql(app, 'SELECT count(*)::INTEGER AS n FROM shop.back'), [[5]]);
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/register`, { name: 'other', 'metadata-location': location, overwrite: true }), 409, 'AlreadyExistsException', 'shop.back');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/nope/register`, { name: 'x', 'metadata-location': location }), 404, 'NoSuchNamespaceException', 'nope');

    assert.equal((await call(app, 'DELETE', `${V1}/namespaces/shop/tables/back?purgeRequested=true`)).status, 204);
    assert.equal(existsSync(fileURLToPath(location)), false, 'a purge removes the files');
    assertIcebergError(await call(app, 'DELETE', `${V1}/namespaces/shop/tables/back`), 404, 'NoSuchTableException', 'shop.back');
  });
});

test('metrics reports are accepted for a table that exists', async () => {
  await withApi({}, async (app) => {
    await ns(app, 'shop');
    await sql(app, 'CREATE TABLE shop.t AS SELECT 1 AS id');
    const report = { 'report-type': 'scan-report', 'table-name': 'shop.t', 'snapshot-id': 1, filter: true, 'schema-id': 0, 'projected-field-ids': [1], 'projected-field-names': ['id'], metrics: {} };
    assert.equal((await call(app, 'POST', `${V1}/namespaces/shop/tables/t/metrics`, report)).status, 204);
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/tables/nope/metrics`, report), 404, 'NoSuchTableException');
  });
});

test("a namespace names its tables' folder as its location; a create may choose a free folder there (Trino does), staged or not, and any other folder is refused", async () => {
  await withApi({}, async (app) => {
    await ns(app, 'shop');
    const nsLoc = (await call(app, 'GET', `${V1}/namespaces/shop`)).body.properties.location as string;
    assert.match(nsLoc, /^file:\/\/.*\/warehouse\/shop$/);
    const made = await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'orders', schema: SCHEMA, location: `${nsLoc}/orders-1a2b` });
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal(made.body.metadata.location, `${nsLoc}/orders-1a2b`);
    assert.ok(made.body['metadata-location'].startsWith(`${nsLoc}/orders-1a2b/metadata/`));
    const staged = await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'later', schema: SCHEMA, 'stage-create': true, location: `${nsLoc}/later-9f` });
    assert.equal(staged.status, 200, JSON.stringify(staged.body));
    assert.equal(staged.body.metadata.location, `${nsLoc}/later-9f`);
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'again', schema: SCHEMA, location: `${nsLoc}/orders-1a2b` }), 400, 'BadRequestException', 'not a free folder');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'away', schema: SCHEMA, 'stage-create': true, location: 'file:///elsewhere/away' }), 400, 'BadRequestException', 'location');
  });
});

test('a table under a nested namespace is not found as a table (Spark then reads `ns.t.files` as the metadata table of ns.t)', async () => {
  await withApi({}, async (app) => {
    await ns(app, 'shop');
    await call(app, 'POST', `${V1}/namespaces/shop/tables`, { name: 'orders', schema: SCHEMA });
    assertIcebergError(await call(app, 'GET', `${V1}/namespaces/shop%1Forders/tables/files`), 404, 'NoSuchTableException', 'shop.orders.files');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/shop%1Forders/tables/files`, { requirements: [], updates: [] }), 404, 'NoSuchTableException', 'shop.orders.files');
  });
});
