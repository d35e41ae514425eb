import { createRoute, z } from '@hono/zod-openapi';
import type { AlertRecord } from '../../catalog/index.js';
import type { ServerDeps } from '../deps.js';
import { routeApp } from '../route-app.js';
import { errorResponses } from './common-schemas.js';

const Delivery = z
  .object({
    event: z.enum(['fired', 'resolved']),
    channel: z.string(),
    status: z.enum(['delivered', 'failed']),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    at: z.string(),
  })
  .openapi('AlertDelivery');

const Alert = z
  .object({
    id: z.string(),
    rule: z.string(),
    kind: z.string(),
    subject: z.string(),
    message: z.string(),
    status: z.enum(['firing', 'resolved']),
    fired_at: z.string(),
    resolved_at: z.string().nullable(),
    resolution: z.string().nullable(),
    deliveries: z.array(Delivery),
  })
  .openapi('Alert');

const firing = createRoute({
  method: 'get',
  path: '/alerts',
  summary: 'The alerts firing now, oldest first, with their deliveries',
  responses: { 200: { description: 'Firing alerts', content: { 'application/json': { schema: z.object({ alerts: z.array(Alert) }) } } } },
});

const history = createRoute({
  method: 'get',
  path: '/alerts/history',
  summary: 'Every alert fired, newest first, a page at a time',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: {
    200: {
      description: 'A page of alert history',
      content: { 'application/json': { schema: z.object({ alerts: z.array(Alert), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }) } },
    },
    ...errorResponses(400),
  },
});

function toJson(a: AlertRecord): z.infer<typeof Alert> {
  return {
    id: a.alertId,
    rule: a.rule,
    kind: a.kind,
    subject: a.subject,
    message: a.message,
    status: a.resolvedMs === null ? 'firing' : 'resolved',
    fired_at: new Date(a.firedMs).toISOString(),
    resolved_at: a.resolvedMs === null ? null : new Date(a.resolvedMs).toISOString(),
    resolution: a.resolution,
    deliveries: a.deliveries.map((d) => ({ event: d.event, channel: d.channel, status: d.status, attempts: d.attempts, last_error: d.lastError, at: new Date(d.atMs).toISOString() })),
  };
}

/** GET /v1/alerts (firing) and /v1/alerts/history (paged). */
export function alertsRoutes(deps: ServerDeps) {
  const log = deps.project.catalog.alertLog;
  return routeApp()
    .openapi(firing, async (c) => c.json({ alerts: (await log.firing()).map(toJson) }, 200))
    .openapi(history, async (c) => {
      const { limit, offset } = c.req.valid('query');
      const page = await log.history({ limit, offset });
      return c.json({ alerts: page.alerts.map(toJson), total: page.total, limit, offset }, 200);
    });
}
