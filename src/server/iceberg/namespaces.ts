import { createRoute, z } from '@hono/zod-openapi';
import type { ServerDeps } from '../deps.js';
import { requireSeen, restAccess } from './access.js';
import { routeApp } from '../route-app.js';
import { icebergError, icebergErrors } from './errors.js';
import { json, NamespacePath, namespaceOf, oneLevel, page, PageQuery } from './wire.js';

const Namespace = z.array(z.string()).openapi('IcebergNamespace');
const Properties = z.record(z.string(), z.string());
const NamespaceResult = z.object({ namespace: Namespace, properties: Properties }).openapi('IcebergNamespaceResult');

const list = createRoute({
  method: 'get',
  path: '/v1/namespaces',
  summary: 'Iceberg REST: namespaces (under `parent`; Silt\'s have one level, so a parent has none)',
  request: { query: PageQuery.extend({ parent: z.string().min(1).optional().openapi({ param: { name: 'parent', in: 'query' } }) }) },
  responses: {
    200: json(z.object({ namespaces: z.array(Namespace), 'next-page-token': z.string().optional() }).openapi('IcebergListNamespacesResponse'), 'Namespaces'),
    ...icebergErrors(400, 404),
  },
});
const create = createRoute({
  method: 'post',
  path: '/v1/namespaces',
  summary: 'Iceberg REST: create a namespace',
  request: { body: { required: true, content: { 'application/json': { schema: z.object({ namespace: Namespace, properties: Properties.optional() }).openapi('IcebergCreateNamespaceRequest') } } } },
  responses: { 200: json(NamespaceResult, 'The namespace made'), ...icebergErrors(400, 409) },
});
const load = createRoute({
  method: 'get',
  path: '/v1/namespaces/{namespace}',
  summary: 'Iceberg REST: a namespace and its properties (HEAD: whether it exists, 204 or 404)',
  request: { params: NamespacePath },
  responses: { 200: json(NamespaceResult, 'The namespace'), ...icebergErrors(400, 404) },
});
const drop = createRoute({
  method: 'delete',
  path: '/v1/namespaces/{namespace}',
  summary: 'Iceberg REST: drop an empty namespace',
  request: { params: NamespacePath },
  responses: { 204: { description: 'Dropped' }, ...icebergErrors(400, 404, 409) },
});
const properties = createRoute({
  method: 'post',
  path: '/v1/namespaces/{namespace}/properties',
  summary: 'Iceberg REST: set and remove namespace properties',
  request: {
    params: NamespacePath,
    body: {
      required: true,
      content: { 'application/json': { schema: z.object({ removals: z.array(z.string()).optional(), updates: Properties.optional() }).openapi('IcebergUpdateNamespacePropertiesRequest') } },
    },
  },
  responses: {
    200: json(z.object({ updated: z.array(z.string()), removed: z.array(z.string()), missing: z.array(z.string()) }).openapi('IcebergUpdateNamespacePropertiesResponse'), 'What changed'),
    ...icebergErrors(400, 404),
  },
});

/** Namespaces of the Iceberg REST catalog. */
export function namespaceRoutes(deps: ServerDeps) {
  const { catalog } = deps.project;
  return routeApp(icebergError)
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const access = restAccess(deps, c);
      const names: string[] = [];
      for (const n of await catalog.listNamespaces()) if (await access.seesNamespace(n)) names.push(n);
      let all = names.map((n) => [n]);
      if (q.parent !== undefined) {
        await catalog.namespaceProperties(oneLevel(q.parent)); // 404 when the parent is unknown
        all = [];
      }
      const { items, next } = page(all, q);
      return c.json({ namespaces: items, ...(next ? { 'next-page-token': next } : {}) }, 200);
    })
    .openapi(create, async (c) => {
      const body = c.req.valid('json');
      const ns = namespaceOf(body.namespace);
      await restAccess(deps, c).requireOnCatalog('CREATE');
      await catalog.createNamespace(ns, body.properties ?? {});
      return c.json({ namespace: [ns], properties: await catalog.namespaceProperties(ns) }, 200);
    })
    .openapi(load, async (c) => {
      const ns = oneLevel(c.req.valid('param').namespace);
      const props = await catalog.namespaceProperties(ns);
      await requireSeen(restAccess(deps, c), ns);
      if (c.req.method === 'HEAD') return c.body(null, 204) as never;
      // The folder of its tables: clients that choose a table's location (Trino) need it.
      return c.json({ namespace: [ns], properties: { location: catalog.namespaceLocation(ns), ...props } }, 200);
    })
    .openapi(drop, async (c) => {
      const ns = oneLevel(c.req.valid('param').namespace);
      await restAccess(deps, c).requireWrite('DROP', ns);
      await catalog.dropNamespace(ns);
      return c.body(null, 204);
    })
    .openapi(properties, async (c) => {
      const ns = oneLevel(c.req.valid('param').namespace);
      const body = c.req.valid('json');
      await restAccess(deps, c).requireWrite('ALTER', ns);
      return c.json(await catalog.updateNamespaceProperties(ns, body.updates ?? {}, body.removals ?? []), 200);
    });
}
