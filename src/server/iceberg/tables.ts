import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AlreadyExists, InvalidInput } from '../../errors.js';
import type { Catalog, TableDefinition } from '../../catalog/index.js';
import { indexById, LAST_ADDED, type PartitionField, type Schema, type SortOrder, type Table, type TableMetadata } from '../../table/index.js';
import type { ServerDeps } from '../deps.js';
import { restAccess } from './access.js';
import { routeApp } from '../route-app.js';
import { icebergError, icebergErrors } from './errors.js';
import { IcebergPartitionSpec, IcebergSchema, IcebergSortOrder, LoadTableResult, TableIdentifier } from './schemas.js';
import { exactJson, json, NamespacePath, namespaceOf, namespaceOfTable, oneLevel, page, PageQuery, TablePath } from './wire.js';

const CreateTableRequest = z
  .object({
    name: z.string().min(1),
    location: z.string().nullable().optional(),
    schema: IcebergSchema,
    'partition-spec': IcebergPartitionSpec.nullable().optional(),
    'write-order': IcebergSortOrder.nullable().optional(),
    'stage-create': z.boolean().optional(),
    properties: z.record(z.string(), z.string()).optional(),
  })
  .openapi('IcebergCreateTableRequest');

const list = createRoute({
  method: 'get',
  path: '/v1/namespaces/{namespace}/tables',
  summary: 'Iceberg REST: the tables of a namespace',
  request: { params: NamespacePath, query: PageQuery },
  responses: {
    200: json(z.object({ identifiers: z.array(TableIdentifier), 'next-page-token': z.string().optional() }).openapi('IcebergListTablesResponse'), 'Table identifiers'),
    ...icebergErrors(400, 404),
  },
});
const create = createRoute({
  method: 'post',
  path: '/v1/namespaces/{namespace}/tables',
  summary: 'Iceberg REST: create a table (with `stage-create`, only its first metadata, committed later with assert-create)',
  request: { params: NamespacePath, body: { required: true, content: { 'application/json': { schema: CreateTableRequest } } } },
  responses: { 200: json(LoadTableResult, 'The table'), ...icebergErrors(400, 404, 409, 503) },
});
const load = createRoute({
  method: 'get',
  path: '/v1/namespaces/{namespace}/tables/{table}',
  summary: 'Iceberg REST: a table\'s metadata (`snapshots=refs`: only the snapshots a ref points at; ETag; If-None-Match answers 304 while unchanged; HEAD: whether it exists, 204 or 404)',
  request: {
    params: TablePath,
    query: z.object({ snapshots: z.enum(['all', 'refs']).optional().openapi({ param: { name: 'snapshots', in: 'query' } }) }),
  },
  responses: { 200: json(LoadTableResult, 'The table'), 304: { description: 'Not modified since the ETag given' }, ...icebergErrors(400, 404, 503) },
});
const drop = createRoute({
  method: 'delete',
  path: '/v1/namespaces/{namespace}/tables/{table}',
  summary: 'Iceberg REST: drop a table (its files too with purgeRequested=true)',
  request: { params: TablePath, query: z.object({ purgeRequested: z.enum(['true', 'false']).optional().openapi({ param: { name: 'purgeRequested', in: 'query' } }) }) },
  responses: { 204: { description: 'Dropped' }, ...icebergErrors(400, 404, 503) },
});
const register = createRoute({
  method: 'post',
  path: '/v1/namespaces/{namespace}/register',
  summary: 'Iceberg REST: register a metadata file under this project\'s storage as a table',
  request: {
    params: NamespacePath,
    body: { required: true, content: { 'application/json': { schema: z.object({ name: z.string().min(1), 'metadata-location': z.string().min(1), overwrite: z.boolean().optional() }).openapi('IcebergRegisterTableRequest') } } },
  },
  responses: { 200: json(LoadTableResult, 'The table'), ...icebergErrors(400, 404, 409, 503) },
});
const rename = createRoute({
  method: 'post',
  path: '/v1/tables/rename',
  summary: 'Iceberg REST: rename a table (its files stay where they are)',
  request: { body: { required: true, content: { 'application/json': { schema: z.object({ source: TableIdentifier, destination: TableIdentifier }).openapi('IcebergRenameTableRequest') } } } },
  responses: { 204: { description: 'Renamed' }, ...icebergErrors(400, 404, 409) },
});
const metrics = createRoute({
  method: 'post',
  path: '/v1/namespaces/{namespace}/tables/{table}/metrics',
  summary: 'Iceberg REST: a client\'s scan or commit report (accepted, not kept yet)',
  request: { params: TablePath, body: { required: true, content: { 'application/json': { schema: z.object({ 'report-type': z.string() }).passthrough().openapi('IcebergReportMetricsRequest') } } } },
  responses: { 204: { description: 'Accepted' }, ...icebergErrors(400, 404) },
});

/** The spec's LoadTableResult of a metadata file (absent location: a staged table). */
export function loadResult(metadata: TableMetadata, location?: string) {
  return { ...(location ? { 'metadata-location': location } : {}), metadata, config: {} };
}

/** A weak validator of what a load answers: the metadata file it read. */
const etagOf = (location: string) => `W/"${createHash('sha256').update(location).digest('hex').slice(0, 32)}"`;

function answerTable(c: Context, table: Table): never {
  return exactJson(c, loadResult(table.metadata, table.metadataLocation), 200, { etag: etagOf(table.metadataLocation) });
}

/** Tables of the Iceberg REST catalog (commits are in commits.ts). */
export function tableRoutes(deps: ServerDeps) {
  const { catalog } = deps.project;
  return routeApp(icebergError)
    .openapi(list, async (c) => {
      const ns = oneLevel(c.req.valid('param').namespace);
      const access = restAccess(deps, c);
      const seen = [];
      for (const t of await catalog.listTables(ns)) if (await access.seesTable(t.namespace, t.name)) seen.push(t);
      const { items, next } = page(seen, c.req.valid('query'));
      return c.json({ identifiers: items.map((t) => ({ namespace: [t.namespace], name: t.name })), ...(next ? { 'next-page-token': next } : {}) }, 200);
    })
    .openapi(create, async (c) => {
      const ns = oneLevel(c.req.valid('param').namespace);
      const body = c.req.valid('json');
      const def = definitionOf(body);
      const location = body.location ?? undefined;
      await restAccess(deps, c).requireWrite('CREATE', ns, body.name);
      if (body['stage-create']) return exactJson(c, loadResult(await catalog.stageTable(ns, body.name, def, { location })));
      await catalog.requireNamespace(ns);
      const table = location === undefined ? await catalog.createTable(ns, body.name, def) : await createAt(catalog, ns, body.name, def, location);
      const order = body['write-order'];
      if (order && order.fields.length > 0) {
        await table.commitChange({
          requirements: [],
          updates: [{ action: 'add-sort-order', 'sort-order': order as SortOrder }, { action: 'set-default-sort-order', 'sort-order-id': LAST_ADDED }],
        });
      }
      return answerTable(c, table);
    })
    .openapi(load, async (c) => {
      const { namespace, table: name } = c.req.valid('param');
      const table = await catalog.loadTable(namespaceOfTable(namespace, name), name);
      const access = restAccess(deps, c);
      if (c.req.method === 'HEAD') {
        if (!(await access.seesTable(namespace, name))) await access.requireWholeRead(namespace, name, table);
        return c.body(null, 204) as never;
      }
      await access.requireWholeRead(namespace, name, table);
      const mode = c.req.valid('query').snapshots ?? 'all';
      // The answer depends on the metadata file and on which snapshots were asked for.
      const etag = etagOf(mode === 'all' ? table.metadataLocation : `${table.metadataLocation}#${mode}`);
      const asked = c.req.header('if-none-match');
      if (asked && asked.split(',').some((t) => t.trim() === etag || t.trim() === '*')) return c.body(null, 304, { etag }) as never;
      if (mode === 'all') return answerTable(c, table);
      const referenced = new Set(Object.values(table.metadata.refs).map((r) => r['snapshot-id']));
      const metadata = { ...table.metadata, snapshots: table.metadata.snapshots.filter((s) => referenced.has(s['snapshot-id'])) };
      return exactJson(c, loadResult(metadata, table.metadataLocation), 200, { etag });
    })
    .openapi(drop, async (c) => {
      const { namespace, table: name } = c.req.valid('param');
      if (await catalog.tableExists(namespaceOfTable(namespace, name), name)) await restAccess(deps, c).requireWrite('DROP', namespace, name);
      await catalog.dropTable(namespaceOfTable(namespace, name), name, { purge: c.req.valid('query').purgeRequested === 'true' });
      return c.body(null, 204);
    })
    .openapi(register, async (c) => {
      const ns = oneLevel(c.req.valid('param').namespace);
      const body = c.req.valid('json');
      await catalog.requireNamespace(ns);
      await restAccess(deps, c).requireWrite('CREATE', ns, body.name);
      return answerTable(c, await catalog.registerTable(ns, body.name, body['metadata-location'], { overwrite: body.overwrite ?? false }));
    })
    .openapi(rename, async (c) => {
      const { source, destination } = c.req.valid('json');
      const access = restAccess(deps, c);
      const from = oneLevel(namespaceOf(source.namespace, 'source.namespace'));
      if (await catalog.tableExists(from, source.name)) {
        await access.requireWrite('ALTER', from, source.name);
        await access.requireWrite('CREATE', namespaceOf(destination.namespace, 'destination.namespace'), destination.name);
      }
      await catalog.renameTable(
        { namespace: oneLevel(namespaceOf(source.namespace, 'source.namespace')), name: source.name },
        { namespace: namespaceOf(destination.namespace, 'destination.namespace'), name: destination.name },
      );
      return c.body(null, 204);
    })
    .openapi(metrics, async (c) => {
      const { namespace, table } = c.req.valid('param');
      if (!(await catalog.tableExists(namespaceOfTable(namespace, table), table))) await catalog.loadTable(namespace, table); // the 404
      return c.body(null, 204);
    });
}

/** A table created in the folder its client chose (a free one under the namespace's folder). */
async function createAt(catalog: Catalog, ns: string, name: string, def: TableDefinition, location: string): Promise<Table> {
  await catalog.requireFreeFolder(ns, location);
  const made = await catalog.createTableWith(ns, name, def, async () => undefined, { location });
  if (!made) throw new AlreadyExists(`catalog: table ${ns}.${name} already exists`, { code: 'table_exists', details: { table: `${ns}.${name}` } });
  return made.table;
}

/** A table definition from a create request: the client's field ids kept, spec field ids from 1000. */
export function definitionOf(body: { schema: z.infer<typeof IcebergSchema>; 'partition-spec'?: z.infer<typeof IcebergPartitionSpec> | null; properties?: Record<string, string> }): TableDefinition {
  const schema = { ...body.schema, 'schema-id': 0 } as unknown as Schema;
  let ids: number[];
  try {
    ids = [...indexById(schema).keys()];
  } catch (e) {
    throw new InvalidInput(`schema: ${(e as Error).message}`, { details: { field: 'schema' } });
  }
  const partitionFields: PartitionField[] = (body['partition-spec']?.fields ?? []).map((f, i) => ({ ...f, 'field-id': f['field-id'] ?? 1000 + i }));
  return { schema, lastColumnId: Math.max(0, ...ids), partitionFields, properties: body.properties ?? {} };
}

