import { createRoute, z } from '@hono/zod-openapi';
import type { ServerDeps } from '../deps.js';
import { routeApp } from '../route-app.js';

const Health = z.object({ status: z.literal('ok'), project: z.string(), version: z.string() }).openapi('Health');

const health = createRoute({
  method: 'get',
  path: '/health',
  summary: 'Whether the server answers, and for which project (no token needed)',
  security: [],
  responses: { 200: { description: 'The server is up', content: { 'application/json': { schema: Health } } } },
});

export function healthRoutes(deps: ServerDeps, version: string) {
  return routeApp().openapi(health, (c) => c.json({ status: 'ok' as const, project: deps.project.config.name, version }, 200));
}
