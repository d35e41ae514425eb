import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, withApi } from '../testing/index.js';
import { readServerFile } from '../project/index.js';
import { startServer } from './serve.js';

test('health names the project; an unknown route is a 404 in the error model, never HTML', async () => {
  await withApi({}, async (app) => {
    const health = await call(app, 'GET', '/v1/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    assert.equal(health.body.project, 'pipeline_test');
    const missing = await call(app, 'GET', '/v1/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'route_not_found');
    assert.match(missing.body.error.message, /GET \/v1\/nope/);
  });
});

test('/openapi.json is an OpenAPI 3.1 document listing the routes', async () => {
  await withApi({}, async (app) => {
    const doc = await call(app, 'GET', '/openapi.json');
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    assert.ok(doc.body.paths['/v1/health']?.get, JSON.stringify(Object.keys(doc.body.paths)));
    for (const [path, method] of [
      ['/v1/namespaces', 'get'], ['/v1/namespaces/{ns}/tables', 'get'], ['/v1/tables/{ns}/{table}', 'get'],
      ['/v1/tables/{ns}/{table}/schema-history', 'get'], ['/v1/tables/{ns}/{table}/snapshots', 'get'],
      ['/v1/tables/{ns}/{table}/partitions', 'get'], ['/v1/tables/{ns}/{table}/sample', 'get'],
      ['/v1/queries', 'post'], ['/v1/queries', 'get'], ['/v1/queries/{id}', 'get'], ['/v1/queries/{id}/results', 'get'],
      ['/v1/queries/{id}/stream', 'get'], ['/v1/queries/{id}/cancel', 'post'], ['/v1/queries/{id}/download', 'get'],
      ['/v1/quality/expectations', 'get'], ['/v1/quarantine/{ns}/{table}', 'get'], ['/v1/quarantine/{ns}/{table}/replay', 'post'], ['/v1/landing', 'get'],
    ] as const) {
      const op = doc.body.paths[path]?.[method];
      assert.ok(op, `${method} ${path} is documented`);
      assert.ok(op.responses['200'] && op.responses['404' in op.responses ? '404' : '500'], `${method} ${path} declares its answers`);
    }
    assert.ok(doc.body.components.schemas.Error, 'the error model is a named schema');
  });
});

test('a listening server answers on loopback, names itself in the project, and stops gracefully', async () => {
  await withApi({}, async (_app, project, dir) => {
    const server = await startServer(project, { port: 0 });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(readServerFile(dir)?.url, server.url);
      const res = await fetch(`${server.url}/v1/health`);
      assert.equal(res.status, 200);
    } finally {
      await server.stop();
    }
    assert.equal(readServerFile(dir), undefined, 'the server file is gone once stopped');
    await assert.rejects(fetch(`${server.url}/v1/health`));
  });
});

test('every operation that takes parameters or a body documents the 400 its validation gives', async () => {
  await withApi({}, async (app) => {
    const doc = (await call(app, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: unknown[]; requestBody?: unknown; responses: Record<string, unknown> }>> };
    const missing: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if ((op.parameters?.length || op.requestBody) && !op.responses['400']) missing.push(`${method.toUpperCase()} ${p}`);
      }
    }
    assert.deepEqual(missing, [], 'a request the route refuses must be a documented 400');
  });
});
