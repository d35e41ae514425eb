import { createRoute, z } from '@hono/zod-openapi';
import { maintainTables, MAINTENANCE_ACTIONS, type MaintenanceAction } from '../../pipeline/index.js';
import { requireGrant } from '../auth.js';
import type { ServerDeps } from '../deps.js';
import { routeApp } from '../route-app.js';
import { errorResponses } from './common-schemas.js';

const TablePath = z.object({
  ns: z.string().min(1).max(300).openapi({ param: { name: 'ns', in: 'path' } }),
  table: z.string().min(1).max(300).openapi({ param: { name: 'table', in: 'path' } }),
});

const Body = z
  .object({
    action: z.enum(['policy', ...MAINTENANCE_ACTIONS] as [string, ...string[]]).default('policy').openapi({
      description: 'One action with the table\'s settings from silt.yaml `maintenance:` (or the defaults), or `policy`: what that section asks for',
    }),
    dry_run: z.boolean().default(false).openapi({ description: 'Say what would change, change nothing' }),
  })
  .strict()
  .openapi('MaintenanceRequest');

const Result = z
  .object({
    table: z.string(),
    dry_run: z.boolean(),
    compact: z.unknown().optional(),
    retention: z.unknown().optional(),
    rewrite_manifests: z.object({ replaced: z.number(), created: z.number(), kept: z.number() }).optional(),
    expire: z
      .object({ snapshots_expired: z.number(), refs_removed: z.array(z.string()), files_removed: z.number(), bytes_removed: z.number(), removed: z.array(z.string()) })
      .optional(),
    skipped: z.array(z.string()).optional(),
  })
  .openapi('MaintenanceResult');

const maintain = createRoute({
  method: 'post',
  path: '/tables/{ns}/{table}/maintenance',
  summary: 'Maintains one table now (expire snapshots, rewrite manifests, compact, or its whole policy) and says what changed',
  request: { params: TablePath, body: { required: true, content: { 'application/json': { schema: Body } } } },
  responses: { 200: { description: 'What changed (or would, for a dry run)', content: { 'application/json': { schema: Result } } }, ...errorResponses(400, 404, 409, 503) },
});

/** Table maintenance over HTTP, as `silt maintain` / `silt expire` / `silt rewrite-manifests` do it. */
export function maintenanceRoutes(deps: ServerDeps) {
  return routeApp().openapi(maintain, async (c) => {
    const { ns, table } = c.req.valid('param');
    const body = c.req.valid('json');
    await requireGrant(deps, c, 'MODIFY', { kind: 'table', namespace: ns, table });
    const ident = { namespace: ns, name: table };
    await deps.project.catalog.loadTable(ns, table); // an unknown table is a 404 naming it
    const [t] = await maintainTables(deps.project, {
      tables: [ident],
      dryRun: body.dry_run,
      ...(body.action === 'policy' ? {} : { actions: [body.action as MaintenanceAction] }),
      ...(deps.compact ? { compact: deps.compact } : {}),
    });
    const e = t!.expire;
    return c.json(
      {
        table: t!.table,
        dry_run: body.dry_run,
        ...(t!.compact === undefined ? {} : { compact: t!.compact }),
        ...(t!.retention === undefined ? {} : { retention: t!.retention }),
        ...(t!.rewriteManifests ? { rewrite_manifests: t!.rewriteManifests } : {}),
        ...(e ? { expire: { snapshots_expired: e.snapshotsExpired, refs_removed: e.refsRemoved, files_removed: e.filesRemoved, bytes_removed: e.bytesRemoved, removed: e.removed } } : {}),
        ...(t!.skipped ? { skipped: t!.skipped } : {}),
      },
      200,
    );
  });
}
