/** What the console lists for a principal: only the tables, columns, statements and saved queries it may see. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createPrincipal, createToken } from '../governance/index.js';
import { call, sql, withApi } from '../testing/index.js';

async function as(app: OpenAPIHono, token: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await app.request(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

test('tables, namespaces, a table and its schema history, query history and saved queries show a principal only what it may see; administrators see all', async () => {
  await withApi({}, async (app, project) => {
    await sql(app, 'CREATE TABLE shop.items (id INTEGER, name VARCHAR, email VARCHAR)');
    await sql(app, 'ALTER TABLE shop.items ADD COLUMN price DOUBLE');
    await sql(app, 'CREATE TABLE hr.salaries (id INTEGER, amount DOUBLE)');
    for (const name of ['bob', 'dave']) await createPrincipal(project.catalog, name, 'user');
    await sql(app, 'GRANT SELECT (id, name) ON TABLE shop.items TO bob');
    const bob = (await createToken(project.catalog, 'bob')).token;
    const dave = (await createToken(project.catalog, 'dave')).token;

    const tables = await as(app, bob, 'GET', '/v1/tables');
    assert.deepEqual(tables.body.tables.map((t: { namespace: string; name: string; columns: { name: string }[] }) => [`${t.namespace}.${t.name}`, t.columns.map((c) => c.name)]), [['shop.items', ['id', 'name']]]);
    assert.equal((await call(app, 'GET', '/v1/tables')).body.tables.length, 2, 'the owner sees both');
    const namespaces = (await as(app, bob, 'GET', '/v1/namespaces')).body.namespaces.map((n: { name: string }) => n.name);
    assert.ok(namespaces.includes('shop') && !namespaces.includes('hr'), namespaces.join());
    assert.deepEqual((await as(app, bob, 'GET', '/v1/namespaces/hr/tables')).body.tables, []);
    assert.deepEqual((await as(app, dave, 'GET', '/v1/tables')).body.tables, []);

    assert.deepEqual((await as(app, bob, 'GET', '/v1/tables/shop/items')).body.columns.map((c: { name: string }) => c.name), ['id', 'name']);
    const history = await as(app, bob, 'GET', '/v1/tables/shop/items/schema-history');
    assert.deepEqual(history.body.schemas.map((s: { columns: { name: string }[]; added: string[] }) => [s.columns.map((c) => c.name), s.added]), [[['id', 'name'], ['id', 'name']], [['id', 'name'], []]]);
    const refused = await as(app, dave, 'GET', '/v1/tables/shop/items/schema-history');
    assert.equal(refused.status, 403);
    assert.match(refused.body.error.message, /user dave may not read table shop\.items/);

    const bobs = (await as(app, bob, 'POST', '/v1/queries', { sql: 'SELECT id FROM shop.items', wait_ms: 30_000 })).body.id;
    const owners = (await call(app, 'POST', '/v1/queries', { sql: 'SELECT amount FROM hr.salaries', wait_ms: 30_000 })).body.id;
    // Another's statement, its rows, stream, download and cancel are as unknown as a missing id; one's own and an administrator's are not.
    for (const suffix of ['', '/results', '/stream', '/download', '/cancel']) {
      const method = suffix === '/cancel' ? 'POST' : 'GET';
      const res = await app.request(`/v1/queries/${owners}${suffix}`, { method, headers: { authorization: `Bearer ${bob}` } });
      assert.equal(res.status, 404, `bob ${method} ${suffix || 'status'}`);
      assert.match(((await res.json()) as { error: { message: string } }).error.message, new RegExp(`query ${owners} does not exist`));
    }
    assert.deepEqual((await as(app, bob, 'GET', `/v1/queries/${bobs}/results`)).body.rows, [], 'his own (no rows yet in the table)');
    assert.equal((await call(app, 'GET', `/v1/queries/${bobs}`)).status, 200, 'the owner sees anyone\'s');
    assert.deepEqual((await as(app, bob, 'GET', '/v1/queries')).body.queries.map((q: { sql: string }) => q.sql), ['SELECT id FROM shop.items']);
    const everyone = (await call(app, 'GET', '/v1/queries')).body.queries.map((q: { sql: string }) => q.sql);
    assert.ok(everyone.includes('SELECT amount FROM hr.salaries') && everyone.includes('SELECT id FROM shop.items'), everyone.join(' | '));

    await call(app, 'PUT', '/v1/saved-queries/payroll', { sql: 'SELECT * FROM hr.salaries' });
    await as(app, bob, 'PUT', '/v1/saved-queries/names', { sql: 'SELECT name FROM shop.items' });
    assert.deepEqual((await as(app, bob, 'GET', '/v1/saved-queries')).body.queries.map((q: { name: string }) => q.name), ['names']);
    const taken = await as(app, bob, 'PUT', '/v1/saved-queries/payroll', { sql: 'SELECT 1' });
    assert.deepEqual([taken.status, taken.body.error.message], [409, 'saved query "payroll" is taken by another principal; save it under another name']);
    assert.equal((await as(app, bob, 'DELETE', '/v1/saved-queries/payroll')).status, 404, "another's saved query is unknown to him");
    assert.equal((await call(app, 'GET', '/v1/saved-queries')).body.queries.find((q: { name: string }) => q.name === 'payroll').sql, 'SELECT * FROM hr.salaries', 'left as the owner saved it');
    assert.deepEqual((await call(app, 'GET', '/v1/saved-queries')).body.queries.map((q: { name: string }) => q.name).sort(), ['names', 'payroll']);
  });
});
