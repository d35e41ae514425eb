import { createRoute, z } from '@hono/zod-openapi';
import { LANDING_STATUSES, landingStatus } from '../../ingest/index.js';
import { pipelineConfig, sourceTable } from '../../pipeline/index.js';
import { isAdministrator } from '../../governance/index.js';
import type { ServerDeps } from '../deps.js';
import { mayRead } from '../governed-read.js';
import { routeApp } from '../route-app.js';
import { errorResponses } from './common-schemas.js';

const STATUSES = LANDING_STATUSES;

const LandingFile = z
  .object({ source: z.string().nullable(), path: z.string(), size: z.number(), status: z.enum(STATUSES), detail: z.string() })
  .openapi('LandingFile');

const landing = createRoute({
  method: 'get',
  path: '/landing',
  summary: 'What the landing zone holds and what became of each file (as `silt landing --all`)',
  request: { query: z.object({ status: z.enum(STATUSES).optional() }) },
  responses: {
    200: {
      description: 'Files per source, then those no source claims',
      content: { 'application/json': { schema: z.object({ files: z.array(LandingFile), counts: z.record(z.enum(STATUSES), z.number()) }) } },
    },
    ...errorResponses(400, 503),
  },
});

export function landingRoutes(deps: ServerDeps) {
  return routeApp().openapi(landing, async (c) => {
    const { status } = c.req.valid('query');
    const config = pipelineConfig(deps.project.config);
    const sources = config.sources;
    const all = await landingStatus(deps.project.catalog, sources);
    // A source's files are shown to whoever may read the bronze table they land in; files no source claims, to administrators.
    const readable = new Map<string, boolean>();
    const admin = isAdministrator(deps.principalOf(c));
    const entries: typeof all = [];
    for (const e of all) {
      if (!admin && !readable.has(e.source)) readable.set(e.source, e.source !== '' && (await mayRead(deps, c, sourceTable(config, e.source).toLowerCase())));
      if (admin || readable.get(e.source)) entries.push(e);
    }
    const counts = Object.fromEntries(STATUSES.map((s) => [s, entries.filter((e) => e.status === s).length])) as Record<(typeof STATUSES)[number], number>;
    const files = entries.filter((e) => !status || e.status === status).map((e) => ({ source: e.source || null, path: e.path, size: e.size, status: e.status, detail: e.detail }));
    return c.json({ files, counts }, 200);
  });
}
