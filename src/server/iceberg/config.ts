import { createRoute, z } from '@hono/zod-openapi';
import type { ServerDeps } from '../deps.js';
import { routeApp } from '../route-app.js';
import { icebergError, icebergErrors } from './errors.js';
import { json } from './wire.js';

/** What this server implements, as the spec's `endpoints` list (OAuth2 is not here yet). */
export const ENDPOINTS = [
  'GET /v1/{prefix}/namespaces',
  'POST /v1/{prefix}/namespaces',
  'GET /v1/{prefix}/namespaces/{namespace}',
  'HEAD /v1/{prefix}/namespaces/{namespace}',
  'DELETE /v1/{prefix}/namespaces/{namespace}',
  'POST /v1/{prefix}/namespaces/{namespace}/properties',
  'GET /v1/{prefix}/namespaces/{namespace}/tables',
  'POST /v1/{prefix}/namespaces/{namespace}/tables',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'POST /v1/{prefix}/namespaces/{namespace}/register',
  'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics',
  'POST /v1/{prefix}/tables/rename',
  'POST /v1/{prefix}/transactions/commit',
  'GET /v1/{prefix}/namespaces/{namespace}/views',
  'POST /v1/{prefix}/namespaces/{namespace}/views',
  'GET /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'HEAD /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'POST /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/views/{view}',
  'POST /v1/{prefix}/views/rename',
];

const config = createRoute({
  method: 'get',
  path: '/v1/config',
  summary: 'Iceberg REST: the catalog configuration a client merges with its own (no prefix; the warehouse)',
  request: { query: z.object({ warehouse: z.string().optional().openapi({ param: { name: 'warehouse', in: 'query' } }) }) },
  responses: {
    200: json(
      z.object({ defaults: z.record(z.string(), z.string()), overrides: z.record(z.string(), z.string()), endpoints: z.array(z.string()) }).openapi('IcebergCatalogConfig'),
      'Defaults, overrides and the endpoints served',
    ),
    ...icebergErrors(400),
  },
});

export function configRoutes(deps: ServerDeps) {
  const { catalog } = deps.project;
  return routeApp(icebergError).openapi(config, (c) =>
    c.json({ defaults: {}, overrides: { warehouse: catalog.pyicebergProperties().warehouse! }, endpoints: ENDPOINTS }, 200),
  );
}
