import { createRoute, z } from '@hono/zod-openapi';
import { triggerStatus } from '../../pipeline/index.js';
import type { ServerDeps } from '../deps.js';
import { routeApp } from '../route-app.js';
import { errorResponses } from './common-schemas.js';

const LastStarted = z
  .object({ jobId: z.string(), status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']), runId: z.string().nullable(), createdMs: z.number() })
  .nullable()
  .openapi('TriggerLastStarted');

const ScheduleStatus = z
  .object({
    name: z.string(),
    cron: z.string(),
    timezone: z.string().nullable(),
    asks: z.string().openapi({ description: 'What each tick asks for, in words: `run orders+`, `vacuum every table`' }),
    declaredAt: z.string().openapi({ description: 'Where silt.yaml declares it: `schedules.nightly`, `sources.orders.schedule`' }),
    nextMs: z.number().nullable(),
    lastFiredMs: z.number().nullable(),
    last: LastStarted,
  })
  .openapi('ScheduleStatus');

const SourceTriggers = z
  .object({
    source: z.string(),
    landing: z.string().openapi({ description: 'The folder whose arriving files start a run' }),
    push: z.string().openapi({ description: 'The endpoint records are pushed to; they land as files in that folder' }),
    last: LastStarted,
  })
  .openapi('SourceTriggers');

const triggers = createRoute({
  method: 'get',
  path: '/triggers',
  summary: "What starts runs: silt.yaml's schedules with their next fire time, each source's landing folder and push endpoint, and what each last started",
  responses: {
    200: { description: 'Schedules and sources', content: { 'application/json': { schema: z.object({ schedules: z.array(ScheduleStatus), sources: z.array(SourceTriggers) }) } } },
    ...errorResponses(400, 503),
  },
});

export function triggersRoutes(deps: ServerDeps) {
  return routeApp().openapi(triggers, async (c) => c.json(await triggerStatus(deps.project.catalog, deps.project.config), 200));
}
