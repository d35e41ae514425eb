import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPrincipal, createToken, dropPrincipal, revokeToken } from '../governance/index.js';
import { call, withApi } from '../testing/index.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

test('every operation of the OpenAPI document but health and the OAuth2 token endpoint answers 401 without a token, in its API\'s error model', async () => {
  await withApi({}, async (app) => {
    const doc = await call(app, 'GET', '/openapi.json');
    assert.equal(doc.status, 200);
    assert.deepEqual(doc.body.security, [{ bearer: [] }]);
    const open: string[] = [];
    let refused = 0;
    for (const [template, item] of Object.entries(doc.body.paths as Record<string, Record<string, { security?: unknown[] }>>)) {
      const url = template.replace(/\{[^}]+\}/g, 'x');
      for (const method of METHODS) {
        const op = item[method];
        if (!op) continue;
        const res = await app.request(url, { method: method.toUpperCase(), headers: { authorization: '', 'content-type': 'application/json' }, ...(method === 'get' || method === 'delete' ? {} : { body: '{}' }) });
        if (op.security?.length === 0) {
          open.push(`${method.toUpperCase()} ${template}`);
          continue;
        }
        assert.equal(res.status, 401, `${method.toUpperCase()} ${template} answered ${res.status} without a token`);
        assert.ok((op as { responses: Record<string, unknown> }).responses['401'], `${method.toUpperCase()} ${template} declares its 401`);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="silt"');
        const body = (await res.json()) as { error: { code: string | number; message: string; type?: string } };
        if (template.startsWith('/iceberg/')) assert.deepEqual([body.error.type, body.error.code], ['NotAuthorizedException', 401]);
        else assert.equal(body.error.code, 'unauthenticated');
        assert.match(body.error.message, /needs `Authorization: Bearer <token>`/);
        refused++;
      }
    }
    assert.deepEqual(open.sort(), ['GET /v1/health', 'POST /iceberg/v1/oauth/tokens']);
    assert.ok(refused > 40, `walked ${refused} operations`);
    assert.equal((await app.request('/v1/health', { headers: { authorization: '' } })).status, 200);
  });
});

test('a token that is malformed, unknown, revoked or expired, or whose principal was dropped, is a 401 saying which', async () => {
  await withApi({}, async (app, project) => {
    const ask = async (authorization: string) => {
      const res = await app.request('/v1/runs', { headers: { authorization } });
      return { status: res.status, message: ((await res.json()) as { error: { message: string } }).error.message };
    };
    await createPrincipal(project.catalog, 'ana', 'user');
    const good = await createToken(project.catalog, 'ana');
    const stored = JSON.stringify(await project.catalog.access.tokens('ana'));
    assert.ok(stored.includes(good.row.tokenId) && !stored.includes(good.token.slice('silt_'.length + 17)), 'only a hash of the secret is kept');
    assert.equal((await app.request('/v1/runs', { headers: { authorization: `Bearer ${good.token}` } })).status, 200);
    assert.deepEqual(await ask('Basic abc'), { status: 401, message: 'auth: the Authorization header must be `Bearer <token>`' });
    assert.deepEqual(await ask('Bearer nonsense'), { status: 401, message: 'auth: the token is not a Silt token (silt_<id>_<secret>); `silt token create` makes one' });
    const forged = good.token.slice(0, -4) + (good.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assert.deepEqual(await ask(`Bearer ${forged}`), { status: 401, message: 'auth: unknown token; `silt token list` shows the tokens that exist' });
    await revokeToken(project.catalog, good.row.tokenId);
    assert.match((await ask(`Bearer ${good.token}`)).message, new RegExp(`^auth: token ${good.row.tokenId} was revoked at 20\\d\\d-.*; ask for a new one$`));
    const brief = await createToken(project.catalog, 'ana', { expiresInMs: 1 });
    await new Promise((r) => setTimeout(r, 5));
    assert.match((await ask(`Bearer ${brief.token}`)).message, new RegExp(`^auth: token ${brief.row.tokenId} expired at `));
    const kept = await createToken(project.catalog, 'ana');
    await dropPrincipal(project.catalog, 'ana');
    assert.deepEqual(await ask(`Bearer ${kept.token}`), { status: 401, message: 'auth: unknown token; `silt token list` shows the tokens that exist' });
    await assert.rejects(createToken(project.catalog, 'nobody'), /no user or service nobody|no principal nobody/);
  });
});
