import { createRoute, z } from '@hono/zod-openapi';
import type { ServerDeps } from '../deps.js';
import { routeApp } from '../route-app.js';
import { errorResponses } from './common-schemas.js';

const Usage = z
  .object({ workgroup: z.string(), day: z.string(), queries: z.number().int(), refused: z.number().int(), bytes_scanned: z.number().int() })
  .openapi('WorkgroupUsage');

const usage = createRoute({
  method: 'get',
  path: '/workgroups/usage',
  summary: "Each workgroup's statements, refusals and bytes scanned per UTC day, newest day first",
  request: {
    query: z.object({
      workgroup: z.string().min(1).optional(),
      day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD').optional(),
    }),
  },
  responses: {
    200: { description: 'Usage per workgroup and day', content: { 'application/json': { schema: z.object({ usage: z.array(Usage) }) } } },
    ...errorResponses(400),
  },
});

/** GET /v1/workgroups/usage. */
export function workgroupsRoutes(deps: ServerDeps) {
  return routeApp().openapi(usage, async (c) => {
    const { workgroup, day } = c.req.valid('query');
    const rows = await deps.project.governance.workgroups.usage({ ...(workgroup ? { workgroup } : {}), ...(day ? { day } : {}) });
    return c.json({ usage: rows.map((r) => ({ workgroup: r.workgroup, day: r.day, queries: r.queries, refused: r.refused, bytes_scanned: r.bytesScanned })) }, 200);
  });
}
