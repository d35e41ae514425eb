import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, withApi } from '../../testing/index.js';

test('saved queries: saved by name, listed by name, saved again to replace, forgotten; a bad name or an unknown one says so', async () => {
  await withApi({}, async (app) => {
    assert.deepEqual((await call(app, 'GET', '/v1/saved-queries')).body, { queries: [] });
    const first = await call(app, 'PUT', `/v1/saved-queries/${encodeURIComponent('revenue by day')}`, { sql: 'SELECT 1' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.name, 'revenue by day');
    assert.equal(first.body.principal, 'owner');
    await call(app, 'PUT', '/v1/saved-queries/alpha', { sql: 'SELECT 2' });
    const again = await call(app, 'PUT', `/v1/saved-queries/${encodeURIComponent('revenue by day')}`, { sql: 'SELECT 3' });
    assert.equal(again.body.sql, 'SELECT 3');
    assert.equal(again.body.created_at, first.body.created_at);

    const listed = (await call(app, 'GET', '/v1/saved-queries')).body.queries;
    assert.deepEqual(listed.map((q: any) => [q.name, q.sql]), [['alpha', 'SELECT 2'], ['revenue by day', 'SELECT 3']]);

    assert.deepEqual((await call(app, 'DELETE', '/v1/saved-queries/alpha')).body, { deleted: 'alpha' });
    const missing = await call(app, 'DELETE', '/v1/saved-queries/alpha');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'saved_query_not_found');
    assert.match(missing.body.error.message, /saved query "alpha" does not exist; GET \/v1\/saved-queries lists them/);

    const blank = await call(app, 'PUT', `/v1/saved-queries/${encodeURIComponent('   ')}`, { sql: 'SELECT 1' });
    assert.equal(blank.status, 400);
    assert.match(blank.body.error.message, /name: a name with something other than spaces/);
    const noSql = await call(app, 'PUT', '/v1/saved-queries/x', { sql: '' });
    assert.equal(noSql.status, 400);
    assert.match(noSql.body.error.message, /^sql: /);
    assert.deepEqual((await call(app, 'GET', '/v1/saved-queries')).body.queries.map((q: any) => q.name), ['revenue by day']);
  });
});
