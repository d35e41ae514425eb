/**
 * Several principals and a group with different grants ask the same things through the query API,
 * the session the local CLI uses, and the Iceberg REST catalog: each gets what its grants allow.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { SqlSession } from '../engine/index.js';
import { addMember, createPrincipal, createToken, principalOf } from '../governance/index.js';
import type { Project } from '../project/index.js';
import { assertIcebergError, call, sql, V1, withApi } from '../testing/index.js';

const YAML = 'access:\n  tags:\n    pii: [shop.items.email]\n';

interface Answer {
  status: number;
  body: any;
}

async function as(app: OpenAPIHono, token: string, method: string, url: string, body?: unknown): Promise<Answer> {
  const res = await app.request(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A statement through the query API as the token's principal: its columns and rows, or its error. */
async function query(app: OpenAPIHono, token: string, text: string): Promise<{ columns?: string[]; rows?: unknown[][]; error?: { status: number; code: string; message: string }; message?: string }> {
  const r = await as(app, token, 'POST', '/v1/queries', { sql: text, wait_ms: 30_000 });
  if (r.status >= 400) return { error: { status: r.status, code: r.body.error.code, message: r.body.error.message } };
  assert.equal(r.body.status, 'succeeded', JSON.stringify(r.body));
  const page = await as(app, token, 'GET', `/v1/queries/${r.body.id}/results?limit=1000`);
  return { columns: (r.body.columns ?? []).map((c: { name: string }) => c.name), rows: page.body.rows, message: r.body.message ?? undefined };
}

async function setUp(app: OpenAPIHono, project: Project): Promise<Record<string, string>> {
  await sql(app, 'CREATE TABLE shop.items (id INTEGER, name VARCHAR, email VARCHAR, price DOUBLE)');
  await sql(app, "INSERT INTO shop.items VALUES (1, 'ann', 'ann@x.io', 10.0), (2, 'bo', 'bo@y.io', 20.0)");
  await sql(app, 'CREATE TABLE hr.salaries (id INTEGER, amount DOUBLE)');
  await sql(app, 'INSERT INTO hr.salaries VALUES (1, 100.0)');
  const { catalog } = project;
  for (const name of ['alice', 'bob', 'carol', 'dave']) await createPrincipal(catalog, name, 'user');
  await createPrincipal(catalog, 'spark', 'service');
  await createPrincipal(catalog, 'analysts', 'group');
  await addMember(catalog, 'analysts', 'alice');
  await sql(app, 'GRANT SELECT ON NAMESPACE shop TO GROUP analysts');
  await sql(app, 'GRANT SELECT (id, name) ON TABLE shop.items TO bob');
  await sql(app, 'GRANT SELECT ON TAG pii TO carol');
  await sql(app, 'GRANT SELECT, INSERT ON TABLE shop.items TO spark');
  const tokens: Record<string, string> = {};
  for (const name of ['alice', 'bob', 'carol', 'dave', 'spark']) tokens[name] = (await createToken(catalog, name)).token;
  return tokens;
}

test('reads: each principal sees the columns its grants (own, group, column, tag) allow, through the API and the local session; no grant is a 403 naming the table', async () => {
  await withApi({ yaml: YAML }, async (app, project) => {
    const t = await setUp(app, project);
    const all = 'SELECT * FROM shop.items ORDER BY id';
    assert.deepEqual(await query(app, t['alice']!, all), { columns: ['id', 'name', 'email', 'price'], rows: [[1, 'ann', 'ann@x.io', 10], [2, 'bo', 'bo@y.io', 20]], message: undefined });
    assert.deepEqual((await query(app, t['bob']!, all)).rows, [[1, 'ann'], [2, 'bo']]);
    assert.deepEqual((await query(app, t['bob']!, all)).columns, ['id', 'name']);
    assert.deepEqual((await query(app, t['carol']!, 'SELECT * FROM shop.items ORDER BY 1')).rows, [['ann@x.io'], ['bo@y.io']]);
    assert.equal((await query(app, t['carol']!, all)).error?.status, 400, 'carol cannot order by a column she cannot see');
    const denied = await query(app, t['dave']!, all);
    assert.deepEqual([denied.error?.status, denied.error?.code], [403, 'access_denied']);
    assert.match(denied.error!.message, /user dave may not read table shop\.items/);
    assert.match((await query(app, t['alice']!, 'SELECT * FROM hr.salaries')).error!.message, /user alice may not read table hr\.salaries/);
    // A hidden column cannot be named: it is not in the relation bob reads.
    assert.equal((await query(app, t['bob']!, "SELECT id FROM shop.items WHERE email LIKE 'ann%'")).error?.status, 400);

    // The local CLI's session, with the same project policy, as bob.
    const engine = await project.openUserSqlEngine();
    try {
      const session = new SqlSession(engine, project.catalog, { policy: project.accessPolicy });
      const r = await session.execute(all, { principal: await principalOf(project.catalog, 'bob') });
      assert.deepEqual([r.columns.map((c) => c.name), r.rows], [['id', 'name'], [[1, 'ann'], [2, 'bo']]]);
    } finally {
      engine.close();
    }
  });
});

test('writes need MODIFY, CREATE, ALTER or DROP; GRANT needs the grant option; the owner may do everything', async () => {
  await withApi({ yaml: YAML }, async (app, project) => {
    const t = await setUp(app, project);
    const insert = "INSERT INTO shop.items VALUES (3, 'cy', 'cy@z.io', 30.0)";
    const refused = await query(app, t['alice']!, insert);
    assert.equal(refused.error?.status, 403);
    assert.match(refused.error!.message, /user alice may not MODIFY table shop\.items; .*GRANT MODIFY ON TABLE shop\.items TO alice/);
    assert.equal((await query(app, t['spark']!, insert)).message, 'inserted 1 row into shop.items');
    assert.match((await query(app, t['spark']!, 'DELETE FROM shop.items WHERE id = 3')).message!, /deleted 1 row/);
    assert.match((await query(app, t['spark']!, 'DROP TABLE shop.items')).error!.message, /service spark may not DROP table shop\.items/);
    assert.match((await query(app, t['alice']!, 'CREATE TABLE shop.notes (a INTEGER)')).error!.message, /user alice may not CREATE namespace shop/);
    await sql(app, 'GRANT CREATE ON NAMESPACE shop TO analysts');
    assert.match((await query(app, t['alice']!, 'CREATE TABLE shop.notes (a INTEGER)')).message!, /created table shop\.notes/);
    assert.match((await query(app, t['alice']!, 'ALTER TABLE shop.items ADD COLUMN note VARCHAR')).error!.message, /may not ALTER table shop\.items/);

    // Granting: alice holds SELECT on shop through her group, but no grant option.
    const noOption = await query(app, t['alice']!, 'GRANT SELECT ON TABLE shop.items TO dave');
    assert.match(noOption.error!.message, /user alice may not grant SELECT on table shop\.items/);
    await sql(app, 'GRANT SELECT ON TABLE hr.salaries TO alice WITH GRANT OPTION');
    assert.equal((await query(app, t['alice']!, 'GRANT SELECT ON TABLE hr.salaries TO dave')).message, 'granted SELECT on table hr.salaries to dave');
    assert.deepEqual((await query(app, t['dave']!, 'SELECT amount FROM hr.salaries')).rows, [[100]]);
    assert.equal((await query(app, t['alice']!, 'REVOKE SELECT ON TABLE hr.salaries FROM dave')).message, 'revoked SELECT on table hr.salaries from dave (1 grant)');
    assert.equal((await query(app, t['dave']!, 'SELECT amount FROM hr.salaries')).error?.status, 403);

    // The API's own writes: a run writes every layer, a push its source's bronze table.
    const run = await as(app, t['spark']!, 'POST', '/v1/runs', { trigger: 'manual' });
    assert.deepEqual([run.status, run.body.error.code], [403, 'access_denied']);
    assert.match(run.body.error.message, /service spark may not MODIFY catalog/);
    const pushed = await app.request('/v1/ingest/orders', { method: 'POST', headers: { authorization: `Bearer ${t['spark']!}`, 'content-type': 'application/x-ndjson' }, body: '{"a":1}\n' });
    assert.equal(pushed.status, 403);
    assert.match(((await pushed.json()) as { error: { message: string } }).error.message, /may not MODIFY table bronze\.orders/);
  });
});

test('GRANT and REVOKE name what is wrong: a missing table, column or principal, a privilege a column cannot have, bad syntax', async () => {
  await withApi({ yaml: YAML }, async (app, project) => {
    await setUp(app, project);
    const owner = (text: string) => call(app, 'POST', '/v1/queries', { sql: text, wait_ms: 30_000 });
    const missingTable = await owner('GRANT SELECT ON TABLE shop.nope TO bob');
    assert.deepEqual([missingTable.status, missingTable.body.error.code], [404, 'table_not_found']);
    assert.match(missingTable.body.error.message, /no table shop\.nope to grant on/);
    assert.match((await owner('GRANT SELECT (id, nope) ON TABLE shop.items TO bob')).body.error.message, /table shop\.items has no column nope \(it has id, name, email, price\)/);
    const nobody = await owner('GRANT SELECT ON TABLE shop.items TO bobby');
    assert.deepEqual([nobody.status, nobody.body.error.code], [404, 'principal_not_found']);
    assert.match(nobody.body.error.message, /no principal or group bobby \(did you mean bob\?\)/);
    assert.match((await owner('GRANT MODIFY ON TAG pii TO bob')).body.error.message, /only SELECT is granted on a tag/);
    assert.match((await owner('GRANT SELECT ON TABLE shop.items')).body.error.message, /expected TO at the end of the statement/);
    assert.match((await owner('GRANT FLY ON TABLE shop.items TO bob')).body.error.message, /unknown privilege "FLY"/);
    assert.equal((await owner('REVOKE SELECT ON TABLE hr.salaries FROM bob')).body.message, 'nothing to revoke: bob held no SELECT on table hr.salaries');
  });
});

test('the REST catalog: listings show what a principal may see; a table loads only for a principal who may read all of it; OAuth2 client credentials give a token', async () => {
  await withApi({ yaml: YAML }, async (app, project) => {
    const t = await setUp(app, project);
    const namespaces = async (token: string) => (await as(app, token, 'GET', `${V1}/namespaces`)).body.namespaces;
    assert.deepEqual(await namespaces(t['bob']!), [['shop']]);
    assert.deepEqual(await namespaces(t['dave']!), []);
    assert.deepEqual((await as(app, t['carol']!, 'GET', `${V1}/namespaces/shop/tables`)).body.identifiers, [{ namespace: ['shop'], name: 'items' }]);
    assert.deepEqual((await as(app, t['dave']!, 'GET', `${V1}/namespaces/shop/tables`)).body.identifiers, []);
    assertIcebergError(await as(app, t['dave']!, 'GET', `${V1}/namespaces/hr`), 403, 'ForbiddenException', 'no grant on namespace hr');

    assert.equal((await as(app, t['alice']!, 'GET', `${V1}/namespaces/shop/tables/items`)).status, 200);
    assertIcebergError(await as(app, t['bob']!, 'GET', `${V1}/namespaces/shop/tables/items`), 403, 'ForbiddenException', 'the access policy for user bob grants only some columns (not email, price)');
    assertIcebergError(await as(app, t['dave']!, 'GET', `${V1}/namespaces/shop/tables/items`), 403, 'ForbiddenException', 'user dave may not read table shop.items');
    assertIcebergError(await as(app, t['bob']!, 'POST', `${V1}/namespaces/shop/tables/items`, { requirements: [], updates: [] }), 403, 'ForbiddenException', 'shop.items');
    assertIcebergError(await as(app, t['alice']!, 'DELETE', `${V1}/namespaces/shop/tables/items`), 403, 'ForbiddenException', 'may not DROP table shop.items');
    assertIcebergError(await as(app, t['alice']!, 'POST', `${V1}/namespaces`, { namespace: ['more'] }), 403, 'ForbiddenException', 'may not CREATE catalog');

    const form = (fields: Record<string, string>) => app.request(`${V1}/oauth/tokens`, { method: 'POST', headers: { authorization: '', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    const issued = await form({ grant_type: 'client_credentials', client_id: 'spark', client_secret: t['spark']!, scope: 'catalog' });
    assert.equal(issued.status, 200);
    const body = (await issued.json()) as { access_token: string; token_type: string; expires_in: number };
    assert.deepEqual([body.token_type, body.expires_in], ['bearer', 3600]);
    assert.equal((await as(app, body.access_token, 'GET', `${V1}/namespaces/shop/tables/items`)).status, 200);
    const wrong = await form({ grant_type: 'client_credentials', client_id: 'bob', client_secret: t['spark']! });
    assert.equal(wrong.status, 401);
    assert.deepEqual(await wrong.json(), { error: 'invalid_client', error_description: 'auth: the client secret is not a token of bob' });
    assert.equal((await form({ grant_type: 'password', client_id: 'spark', client_secret: t['spark']! })).status, 400);
    // As DuckDB sends them: HTTP Basic, each part form-urlencoded (RFC 6749 §2.3.1).
    const basic = (id: string, secret: string) =>
      app.request(`${V1}/oauth/tokens`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
    const viaBasic = await basic('spark', t['spark']!);
    assert.equal(viaBasic.status, 200);
    assert.equal((await as(app, ((await viaBasic.json()) as { access_token: string }).access_token, 'GET', `${V1}/namespaces/shop/tables/items`)).status, 200);
    assert.equal((await basic('bob', t['spark']!)).status, 401);
  });
});
