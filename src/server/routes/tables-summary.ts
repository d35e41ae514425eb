import { createRoute, z } from '@hono/zod-openapi';
import { tableOverview } from '../../table/index.js';
import type { ServerDeps } from '../deps.js';
import { grantedColumns, readGrantOf } from '../governed-read.js';
import { routeApp } from '../route-app.js';
import { errorResponses } from './common-schemas.js';

const TableSummary = z
  .object({
    namespace: z.string(),
    name: z.string(),
    rows: z.number(),
    files: z.number(),
    bytes: z.number(),
    columns: z.array(z.object({ name: z.string(), type: z.string() })),
    last_updated_at: z.string(),
    layer: z.enum(['bronze', 'silver', 'gold']).nullable().openapi({ description: 'The layer its namespace is (`layers:` in silt.yaml names them), or null' }),
    error: z.string().nullable().openapi({ description: 'Why the table could not be read (its figures are then 0)' }),
  })
  .openapi('TableSummary');

const list = createRoute({
  method: 'get',
  path: '/tables',
  summary: 'Every Iceberg table the principal may read, with its rows, files, bytes, columns and last update: the lakehouse in one request',
  responses: { 200: { description: 'All tables', content: { 'application/json': { schema: z.object({ tables: z.array(TableSummary) }) } } }, ...errorResponses(503) },
});

/** All tables at once, for an overview and for autocomplete, rather than a request per table. */
export function tablesSummaryRoutes(deps: ServerDeps) {
  const { catalog } = deps.project;
  return routeApp().openapi(list, async (c) => {
    const idents = await catalog.listTables();
    const tables = await Promise.all(
      idents.map(async ({ namespace, name }) => {
        const layer = deps.project.config.layers.roleOf(namespace) ?? null;
        try {
          const o = tableOverview((await catalog.loadTable(namespace, name)).metadata);
          const grant = await readGrantOf(deps, c, namespace, name, o.columns.map((col) => col.name));
          if (!grant) return undefined;
          const columns = grantedColumns(o.columns, grant).map((col) => ({ name: col.name, type: col.type }));
          const updated = new Date(o.lastUpdatedMs).toISOString();
          // Counts would tell what a row filter hides (as GET /v1/tables/{ns}/{table} refuses them).
          if (grant.rowFilter) return { namespace, name, rows: 0, files: 0, bytes: 0, columns, last_updated_at: updated, layer, error: `${namespace}.${name}: its figures are not shown under a row filter of policies:` };
          return { namespace, name, rows: o.rows, files: o.files, bytes: o.bytes, columns, last_updated_at: updated, layer, error: null };
        } catch (e) {
          if (!(await readGrantOf(deps, c, namespace, name, []))) return undefined;
          const error = `${namespace}.${name} could not be read: ${(e as Error).message}`;
          return { namespace, name, rows: 0, files: 0, bytes: 0, columns: [], last_updated_at: new Date(0).toISOString(), layer, error };
        }
      }),
    );
    return c.json({ tables: tables.filter((t) => t !== undefined) }, 200);
  });
}
