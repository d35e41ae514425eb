import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertIcebergError, call, V1, withApi } from '../../testing/index.js';

test('config names the warehouse and the endpoints served, and no prefix', async () => {
  await withApi({}, async (app) => {
    const r = await call(app, 'GET', `${V1}/config?warehouse=anything`);
    assert.equal(r.status, 200);
    assert.match(r.body.overrides.warehouse, /^file:\/\/.*\/warehouse$/);
    assert.equal(r.body.overrides.prefix, undefined);
    assert.ok(r.body.endpoints.includes('POST /v1/{prefix}/namespaces/{namespace}/tables/{table}'));
    assert.ok(r.body.endpoints.includes('POST /v1/{prefix}/transactions/commit'));
  });
});

test('namespaces: create, list with paging and parent, load, exists, properties, drop', async () => {
  await withApi({}, async (app) => {
    for (const ns of ['alpha', 'beta', 'gamma']) {
      const made = await call(app, 'POST', `${V1}/namespaces`, { namespace: [ns], properties: ns === 'alpha' ? { owner: 'ana' } : undefined });
      assert.equal(made.status, 200, JSON.stringify(made.body));
      assert.deepEqual(made.body.namespace, [ns]);
    }
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces`, { namespace: ['alpha'] }), 409, 'AlreadyExistsException', 'alpha');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces`, { namespace: ['Bad Name'] }), 400, 'BadRequestException', 'Bad Name');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces`, { namespace: ['a', 'b'] }), 400, 'BadRequestException', 'one level');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces`, { namespace: 'alpha' }), 400, 'BadRequestException', 'namespace');

    const all = await call(app, 'GET', `${V1}/namespaces`);
    assert.deepEqual(all.body, { namespaces: [['alpha'], ['beta'], ['gamma']] });
    const p1 = await call(app, 'GET', `${V1}/namespaces?pageSize=2`);
    assert.deepEqual(p1.body.namespaces, [['alpha'], ['beta']]);
    const p2 = await call(app, 'GET', `${V1}/namespaces?pageSize=2&pageToken=${p1.body['next-page-token']}`);
    assert.deepEqual(p2.body, { namespaces: [['gamma']] });
    assertIcebergError(await call(app, 'GET', `${V1}/namespaces?pageToken=zz`), 400, 'BadRequestException', 'pageToken');
    assert.deepEqual((await call(app, 'GET', `${V1}/namespaces?parent=alpha`)).body, { namespaces: [] });
    assertIcebergError(await call(app, 'GET', `${V1}/namespaces?parent=nope`), 404, 'NoSuchNamespaceException', 'nope');

    const alpha = (await call(app, 'GET', `${V1}/namespaces/alpha`)).body;
    assert.match(alpha.properties.location, /^file:\/\/.*\/warehouse\/alpha$/, "the folder of the namespace's tables");
    assert.deepEqual(alpha, { namespace: ['alpha'], properties: { owner: 'ana', location: alpha.properties.location } });
    assertIcebergError(await call(app, 'GET', `${V1}/namespaces/nope`), 404, 'NoSuchNamespaceException', 'nope');
    assertIcebergError(await call(app, 'GET', `${V1}/namespaces/alpha%1Fchild`), 404, 'NoSuchNamespaceException', 'alpha.child');
    assert.equal((await app.request(`${V1}/namespaces/alpha`, { method: 'HEAD' })).status, 204);
    assert.equal((await app.request(`${V1}/namespaces/nope`, { method: 'HEAD' })).status, 404);

    const up = await call(app, 'POST', `${V1}/namespaces/alpha/properties`, { updates: { team: 'core', owner: 'bo' }, removals: ['gone'] });
    assert.deepEqual(up.body, { updated: ['team', 'owner'], removed: [], missing: ['gone'] });
    const down = await call(app, 'POST', `${V1}/namespaces/alpha/properties`, { removals: ['team', 'owner'] });
    assert.deepEqual(down.body, { updated: [], removed: ['team', 'owner'], missing: [] });
    assert.deepEqual(Object.keys((await call(app, 'GET', `${V1}/namespaces/alpha`)).body.properties), ['location']);
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/alpha/properties`, { updates: { a: '1' }, removals: ['a'] }), 400, 'BadRequestException', 'a');
    assertIcebergError(await call(app, 'POST', `${V1}/namespaces/nope/properties`, { updates: { a: '1' } }), 404, 'NoSuchNamespaceException');

    const table = await call(app, 'POST', `${V1}/namespaces/beta/tables`, { name: 't', schema: { type: 'struct', fields: [{ id: 1, name: 'x', required: false, type: 'long' }] } });
    assert.equal(table.status, 200, JSON.stringify(table.body));
    assertIcebergError(await call(app, 'DELETE', `${V1}/namespaces/beta`), 409, 'NamespaceNotEmptyException', 't');
    assert.equal((await call(app, 'DELETE', `${V1}/namespaces/alpha`)).status, 204);
    assertIcebergError(await call(app, 'DELETE', `${V1}/namespaces/alpha`), 404, 'NoSuchNamespaceException', 'alpha');
  });
});

test('a body that is not JSON, and a route the catalog does not serve, answer in the spec\'s error model', async () => {
  await withApi({}, async (app) => {
    const res = await app.request(`${V1}/namespaces`, { method: 'POST', body: '{"namespace": [', headers: { 'content-type': 'application/json' } });
    assertIcebergError({ status: res.status, body: await res.json() }, 400, 'BadRequestException');
    assertIcebergError(await call(app, 'GET', `${V1}/oauth/tokens`), 404, 'NoSuchEndpointException', 'oauth/tokens');
  });
});
