import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { grantFor, quoteQualified } from '../../engine/index.js';
import { AccessDenied } from '../../errors.js';
import { partitionSummary, schemaHistory, snapshotList, tableOverview } from '../../table/index.js';
import type { ServerDeps } from '../deps.js';
import { withUserSession } from '../query-session.js';
import { grantedColumns, requireUngoverned, visibleTable } from '../governed-read.js';
import { routeApp } from '../route-app.js';
import { errorResponses } from './common-schemas.js';

const Column = z.object({ id: z.number(), name: z.string(), type: z.string(), required: z.boolean(), doc: z.string().optional() }).openapi('Column');
const Table = z
  .object({
    namespace: z.string(),
    name: z.string(),
    location: z.string(),
    format_version: z.number(),
    schema_id: z.number(),
    columns: z.array(Column),
    current_snapshot_id: z.string().nullable(),
    properties: z.record(z.string(), z.string()),
    partition_spec: z.array(z.object({ name: z.string(), transform: z.string(), source: z.string() })),
    rows: z.number(),
    files: z.number(),
    bytes: z.number(),
    last_updated_at: z.string(),
  })
  .openapi('Table');
const SchemaVersion = z
  .object({
    schema_id: z.number(),
    current: z.boolean(),
    columns: z.array(Column),
    added: z.array(z.string()),
    dropped: z.array(z.string()),
    changed: z.array(z.object({ id: z.number(), from: Column, to: Column })),
  })
  .openapi('SchemaVersion');
const Snapshot = z
  .object({
    snapshot_id: z.string(),
    parent_id: z.string().nullable(),
    committed_at: z.string(),
    operation: z.string(),
    summary: z.record(z.string(), z.string()),
    current: z.boolean(),
  })
  .openapi('Snapshot');
const Partition = z
  .object({ values: z.record(z.string(), z.string()), spec_id: z.number(), files: z.number(), rows: z.number(), bytes: z.number() })
  .openapi('Partition');

const Ns = z.object({ ns: z.string().min(1).openapi({ param: { name: 'ns', in: 'path' } }) });
const TablePath = Ns.extend({ table: z.string().min(1).openapi({ param: { name: 'table', in: 'path' } }) });
const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });
const get = <P extends string, R extends object, S extends z.ZodTypeAny>(path: P, summary: string, request: R, schema: S) =>
  createRoute({ method: 'get', path, summary, request, responses: { 200: json(schema, summary), ...errorResponses(400, 404, 503) } });

const namespaces = get('/namespaces', 'Namespaces and their properties', {}, z.object({ namespaces: z.array(z.object({ name: z.string(), properties: z.record(z.string(), z.string()) })) }));
const tables = get(
  '/namespaces/{ns}/tables',
  'Tables of a namespace (crawled ones marked external) and its views (kind view)',
  { params: Ns },
  z.object({ namespace: z.string(), tables: z.array(z.object({ name: z.string(), kind: z.enum(['iceberg', 'external', 'view']) })) }),
);
const table = get('/tables/{ns}/{table}', 'A table: schema, current snapshot, properties, partition spec, rows, files, bytes', { params: TablePath }, Table);
const history = get('/tables/{ns}/{table}/schema-history', 'Each schema of a table, with the columns it added, dropped and changed', { params: TablePath }, z.object({ schemas: z.array(SchemaVersion) }));
const snapshots = get('/tables/{ns}/{table}/snapshots', 'A table\'s snapshots, oldest first', { params: TablePath }, z.object({ snapshots: z.array(Snapshot) }));
const partitions = get('/tables/{ns}/{table}/partitions', 'The current snapshot\'s partitions with their files, rows and bytes', { params: TablePath }, z.object({ partitions: z.array(Partition) }));
const sample = get(
  '/tables/{ns}/{table}/sample',
  'The first rows of a table, read as the request\'s principal may see them',
  { params: TablePath, query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(20) }) },
  z.object({ columns: z.array(z.object({ name: z.string(), type: z.string() })), rows: z.array(z.array(z.unknown())) }),
);

/** The catalog: namespaces, tables, schema history, snapshots, partitions, sample rows. */
export function catalogRoutes(deps: ServerDeps) {
  const { catalog } = deps.project;
  const load = (ns: string, name: string) => catalog.loadTable(ns, name);
  // Listings show only the tables the request's principal may read.
  const visibleOf = async (c: Context, ns: string, names: string[]) => (await Promise.all(names.map(async (n) => ((await visibleTable(deps, c, ns, n)) ? n : undefined)))).filter((n) => n !== undefined);
  const seesSome = async (c: Context, ns: string) => {
    const names = (await catalog.listTables(ns)).map((t) => t.name);
    return names.length === 0 || (await visibleOf(c, ns, names)).length > 0 || (await catalog.views.list(ns)).length > 0 || (await catalog.externalTables.list(ns)).length > 0;
  };
  return routeApp()
    .openapi(namespaces, async (c) => {
      const names = await catalog.listNamespaces();
      const all = await Promise.all(names.map(async (name) => ({ name, properties: await catalog.namespaceProperties(name), seen: await seesSome(c, name) })));
      return c.json({ namespaces: all.filter((n) => n.seen).map(({ name, properties }) => ({ name, properties })) }, 200);
    })
    .openapi(tables, async (c) => {
      const { ns } = c.req.valid('param');
      const iceberg = (await visibleOf(c, ns, (await catalog.listTables(ns)).map((t) => t.name))).map((name) => ({ name, kind: 'iceberg' as const }));
      const external = (await catalog.externalTables.list(ns)).map((t) => ({ name: t.name, kind: 'external' as const }));
      const views = (await catalog.views.list(ns)).map((t) => ({ name: t.name, kind: 'view' as const }));
      return c.json({ namespace: ns, tables: [...iceberg, ...external, ...views].sort((a, b) => a.name.localeCompare(b.name)) }, 200);
    })
    .openapi(table, async (c) => {
      const { ns, table: name } = c.req.valid('param');
      const t = await load(ns, name);
      await requireUngoverned(deps, c, t, ns, name, 'the row, file and byte counts', true);
      const o = tableOverview(t.metadata);
      const grant = await grantFor({ principal: deps.principalOf(c), policy: deps.project.accessPolicy }, { namespace: ns, name, columns: o.columns.map((col) => col.name) });
      return c.json(
        {
          namespace: ns,
          name,
          location: o.location,
          format_version: o.formatVersion,
          schema_id: o.schemaId,
          columns: grantedColumns(o.columns, grant),
          current_snapshot_id: o.currentSnapshotId,
          properties: o.properties,
          partition_spec: o.partitionSpec,
          rows: o.rows,
          files: o.files,
          bytes: o.bytes,
          last_updated_at: new Date(o.lastUpdatedMs).toISOString(),
        },
        200,
      );
    })
    .openapi(history, async (c) => {
      const { ns, table: name } = c.req.valid('param');
      const seen = await visibleTable(deps, c, ns, name);
      if (!seen) throw new AccessDenied(`catalog: ${deps.principalOf(c).kind} ${deps.principalOf(c).name} may not read table ${ns}.${name}`, { details: { table: `${ns}.${name}` } });
      // Under a column grant only its columns show (by their current names); otherwise every column of every schema.
      const shown = (n: string) => !seen.grant.columns || seen.columns.includes(n);
      const schemas = schemaHistory((await load(ns, name)).metadata).map((s) => ({
        schema_id: s.schemaId,
        current: s.current,
        columns: s.columns.filter((col) => shown(col.name)),
        added: s.added.filter(shown),
        dropped: s.dropped.filter(shown),
        changed: s.changed.filter((ch) => shown(ch.to.name)),
      }));
      return c.json({ schemas }, 200);
    })
    .openapi(snapshots, async (c) => {
      const { ns, table: name } = c.req.valid('param');
      const t = await load(ns, name);
      await requireUngoverned(deps, c, t, ns, name, "the snapshots' record counts", true);
      const list = snapshotList(t.metadata).map((s) => ({
        snapshot_id: s.snapshotId,
        parent_id: s.parentId,
        committed_at: new Date(s.timestampMs).toISOString(),
        operation: s.operation,
        summary: s.summary,
        current: s.current,
      }));
      return c.json({ snapshots: list }, 200);
    })
    .openapi(partitions, async (c) => {
      const { ns, table: name } = c.req.valid('param');
      const t = await load(ns, name);
      await requireUngoverned(deps, c, t, ns, name, 'the partition values and counts');
      const parts = partitionSummary(t.metadata, await t.liveEntries()).map((p) => ({ values: p.values, spec_id: p.specId, files: p.files, rows: p.rows, bytes: p.bytes }));
      return c.json({ partitions: parts }, 200);
    })
    .openapi(sample, async (c) => {
      const { ns, table: name } = c.req.valid('param');
      const { limit } = c.req.valid('query');
      if (!(await catalog.tableExists(ns, name)) && !(await catalog.externalTables.get(ns, name))) await load(ns, name);
      const r = await withUserSession(deps.project, deps.principalOf(c), (sql) => sql.execute(`SELECT * FROM ${quoteQualified(ns, name)} LIMIT ${limit}`, { maxRows: limit }));
      return c.json({ columns: r.columns, rows: r.rows }, 200);
    });
}
