import assert from 'node:assert/strict';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { call } from './served.js';

export const V1 = '/iceberg/v1';

/** An error answer in the Iceberg REST spec's model: status, exception type, a message naming the thing. */
export function assertIcebergError(r: { status: number; body: any }, status: number, type: string, mentions?: string): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.deepEqual(Object.keys(r.body), ['error']);
  assert.equal(r.body.error.type, type);
  assert.equal(r.body.error.code, status);
  if (mentions) assert.ok(r.body.error.message.includes(mentions), r.body.error.message);
}

/** Runs a Silt SQL statement through the query API; its rows when it is a SELECT. */
export async function sql(app: OpenAPIHono, text: string): Promise<unknown[][]> {
  const r = await call(app, 'POST', '/v1/queries', { sql: text, wait_ms: 30_000 });
  assert.equal(r.body.status, 'succeeded', JSON.stringify(r.body));
  const page = await call(app, 'GET', `/v1/queries/${r.body.id}/results?limit=10000`);
  return page.status === 200 ? page.body.rows : [];
}

export async function createNamespace(app: OpenAPIHono, name: string): Promise<void> {
  assert.equal((await call(app, 'POST', `${V1}/namespaces`, { namespace: [name] })).status, 200);
}
