import { createRoute, z } from '@hono/zod-openapi';
import { InvalidInput } from '../../errors.js';
import type { StoredView } from '../../catalog/index.js';
import { withPortableDialects } from '../../engine/index.js';
import { applyViewUpdates, versionUpdates, type Schema, type ViewRequirement, type ViewUpdate, type ViewVersion } from '../../table/index.js';
import type { ServerDeps } from '../deps.js';
import { routeApp } from '../route-app.js';
import { icebergError, icebergErrors } from './errors.js';
import { IcebergSchema, TableIdentifier } from './schemas.js';
import { json, NamespacePath, namespaceOf, oneLevel, page, PageQuery } from './wire.js';

const ViewPath = NamespacePath.extend({ view: z.string().min(1).openapi({ param: { name: 'view', in: 'path' } }) });
const Representation = z.object({ type: z.literal('sql'), sql: z.string(), dialect: z.string().min(1) }).openapi('IcebergSQLViewRepresentation');
const ViewVersionSchema = z
  .object({
    'version-id': z.number().int(),
    'schema-id': z.number().int(),
    'timestamp-ms': z.number().int(),
    summary: z.record(z.string(), z.string()),
    representations: z.array(Representation).min(1),
    'default-catalog': z.string().nullable().optional(),
    'default-namespace': z.array(z.string()),
  })
  .openapi('IcebergViewVersion');
const ViewMetadataSchema = z.record(z.string(), z.unknown()).openapi('IcebergViewMetadata', { description: 'The view metadata as the Iceberg view spec defines it' });
const LoadViewResult = z.object({ 'metadata-location': z.string(), metadata: ViewMetadataSchema, config: z.record(z.string(), z.string()).optional() }).openapi('IcebergLoadViewResult');
const ViewUpdateSchema = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('assign-uuid'), uuid: z.string() }),
    z.object({ action: z.literal('upgrade-format-version'), 'format-version': z.number().int() }),
    z.object({ action: z.literal('add-schema'), schema: IcebergSchema, 'last-column-id': z.number().int().optional() }),
    z.object({ action: z.literal('set-location'), location: z.string() }),
    z.object({ action: z.literal('set-properties'), updates: z.record(z.string(), z.string()) }),
    z.object({ action: z.literal('remove-properties'), removals: z.array(z.string()) }),
    z.object({ action: z.literal('add-view-version'), 'view-version': ViewVersionSchema }),
    z.object({ action: z.literal('set-current-view-version'), 'view-version-id': z.number().int() }),
  ])
  .openapi('IcebergViewUpdate');
const ViewRequirementSchema = z.object({ type: z.literal('assert-view-uuid'), uuid: z.string() }).openapi('IcebergViewRequirement');

const list = createRoute({
  method: 'get',
  path: '/v1/namespaces/{namespace}/views',
  summary: 'Iceberg REST: the views of a namespace',
  request: { params: NamespacePath, query: PageQuery },
  responses: {
    200: json(z.object({ identifiers: z.array(TableIdentifier), 'next-page-token': z.string().optional() }).openapi('IcebergListViewsResponse'), 'View identifiers'),
    ...icebergErrors(400, 404),
  },
});
const create = createRoute({
  method: 'post',
  path: '/v1/namespaces/{namespace}/views',
  summary: 'Iceberg REST: create a view (409 when a table or view has the name)',
  request: {
    params: NamespacePath,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ name: z.string().min(1), location: z.string().nullable().optional(), schema: IcebergSchema, 'view-version': ViewVersionSchema, properties: z.record(z.string(), z.string()).optional() })
            .openapi('IcebergCreateViewRequest'),
        },
      },
    },
  },
  responses: { 200: json(LoadViewResult, 'The view'), ...icebergErrors(400, 404, 409, 503) },
});
const load = createRoute({
  method: 'get',
  path: '/v1/namespaces/{namespace}/views/{view}',
  summary: 'Iceberg REST: a view\'s metadata (HEAD: whether it exists, 204 or 404)',
  request: { params: ViewPath },
  responses: { 200: json(LoadViewResult, 'The view'), ...icebergErrors(400, 404, 503) },
});
const replace = createRoute({
  method: 'post',
  path: '/v1/namespaces/{namespace}/views/{view}',
  summary: 'Iceberg REST: replace a view: its requirements (assert-view-uuid) checked, its updates applied (a requirement that no longer holds: 409)',
  request: {
    params: ViewPath,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ identifier: TableIdentifier.optional(), requirements: z.array(ViewRequirementSchema).optional(), updates: z.array(ViewUpdateSchema) }).openapi('IcebergCommitViewRequest'),
        },
      },
    },
  },
  responses: { 200: json(LoadViewResult, 'The view as committed'), ...icebergErrors(400, 404, 409, 503) },
});
const drop = createRoute({
  method: 'delete',
  path: '/v1/namespaces/{namespace}/views/{view}',
  summary: 'Iceberg REST: drop a view',
  request: { params: ViewPath },
  responses: { 204: { description: 'Dropped' }, ...icebergErrors(400, 404, 503) },
});
const rename = createRoute({
  method: 'post',
  path: '/v1/views/rename',
  summary: 'Iceberg REST: rename a view (409 when a table or view has the new name)',
  request: { body: { required: true, content: { 'application/json': { schema: z.object({ source: TableIdentifier, destination: TableIdentifier }).openapi('IcebergRenameViewRequest') } } } },
  responses: { 204: { description: 'Renamed' }, ...icebergErrors(400, 404, 409) },
});

function loadViewResult(view: StoredView) {
  return { 'metadata-location': view.metadataLocation, metadata: view.metadata as unknown as Record<string, unknown>, config: {} };
}

/** A client's view SQL offered to the other engines too, where it is in their common core (see withPortableDialects). */
async function portableDialects(deps: ServerDeps, representations: ViewVersion['representations']): Promise<ViewVersion['representations']> {
  const engine = await deps.project.openEngine();
  try {
    return await withPortableDialects(engine, representations);
  } finally {
    engine.close();
  }
}

/** Views of the Iceberg REST catalog: the same views `CREATE VIEW` makes in `silt query`. */
export function viewRoutes(deps: ServerDeps) {
  const { catalog } = deps.project;
  return routeApp(icebergError)
    .openapi(list, async (c) => {
      const ns = oneLevel(c.req.valid('param').namespace);
      const { items, next } = page(await catalog.views.list(ns), c.req.valid('query'));
      return c.json({ identifiers: items.map((v) => ({ namespace: [v.namespace], name: v.name })), ...(next ? { 'next-page-token': next } : {}) }, 200);
    })
    .openapi(create, async (c) => {
      const ns = oneLevel(c.req.valid('param').namespace);
      const body = c.req.valid('json');
      const { 'version-id': _id, 'schema-id': _schema, ...version } = body['view-version'] as ViewVersion;
      version.representations = await portableDialects(deps, version.representations);
      const view = await catalog.views.create(ns, body.name, versionUpdates(body.schema as unknown as Schema, version), body.properties ?? {}, body.location ?? undefined);
      return c.json(loadViewResult(view), 200);
    })
    .openapi(load, async (c) => {
      const { namespace, view: name } = c.req.valid('param');
      const view = await catalog.views.load(oneLevel(namespace), name);
      if (c.req.method === 'HEAD') return c.body(null, 204) as never;
      return c.json(loadViewResult(view), 200);
    })
    .openapi(replace, async (c) => {
      const { namespace, view: name } = c.req.valid('param');
      const body = c.req.valid('json');
      const requirements = (body.requirements ?? []) as ViewRequirement[];
      const updates = await Promise.all(
        (body.updates as ViewUpdate[]).map(async (u) =>
          u.action === 'add-view-version' ? { ...u, 'view-version': { ...u['view-version'], representations: await portableDialects(deps, u['view-version'].representations) } } : u,
        ),
      );
      const view = await catalog.views.commit(oneLevel(namespace), name, (base) => applyViewUpdates(base, requirements, updates));
      return c.json(loadViewResult(view), 200);
    })
    .openapi(drop, async (c) => {
      const { namespace, view: name } = c.req.valid('param');
      await catalog.views.drop(oneLevel(namespace), name);
      return c.body(null, 204);
    })
    .openapi(rename, async (c) => {
      const { source, destination } = c.req.valid('json');
      await catalog.views.rename(
        { namespace: oneLevel(namespaceOf(source.namespace, 'source.namespace')), name: source.name },
        { namespace: namespaceOf(destination.namespace, 'destination.namespace'), name: destination.name },
      );
      return c.body(null, 204);
    });
}
