import { createRoute, z } from '@hono/zod-openapi';
import { metricsText, METRICS_CONTENT_TYPE } from '../../observe/index.js';
import type { ServerDeps } from '../deps.js';
import { routeApp } from '../route-app.js';

const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  summary: "Prometheus metrics: runs, steps, rows, expectation failures, ingest lag, each table's freshness, queries",
  responses: {
    200: { description: 'The Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } },
  },
});

/** GET /metrics, mounted at the root where Prometheus looks for it. */
export function metricsRoutes(deps: ServerDeps) {
  return routeApp().openapi(metrics, async (c) => {
    const text = await metricsText(deps.project.catalog);
    return c.text(text, 200, { 'content-type': METRICS_CONTENT_TYPE });
  });
}
