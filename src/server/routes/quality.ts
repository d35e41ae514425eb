import { createRoute, z } from '@hono/zod-openapi';
import { InvalidInput } from '../../errors.js';
import { browseQuarantine, expectationHistory, findQuarantine, pipelineConfig, replayQuarantine } from '../../pipeline/index.js';
import type { ServerDeps } from '../deps.js';
import { mayRead } from '../governed-read.js';
import { withUserSession } from '../query-session.js';
import { requireGrant } from '../auth.js';
import { routeApp } from '../route-app.js';
import { errorResponses, Paging } from './common-schemas.js';

const Expectation = z
  .object({
    run_id: z.string(),
    run_started_at: z.string(),
    trigger: z.string(),
    table: z.string(),
    step_status: z.string(),
    rule: z.string(),
    column: z.string().nullable(),
    policy: z.string(),
    failing_rows: z.number(),
    sample: z.array(z.string()),
  })
  .openapi('ExpectationResult');
const TablePath = z.object({
  ns: z.string().min(1).openapi({ param: { name: 'ns', in: 'path' } }),
  table: z.string().min(1).openapi({ param: { name: 'table', in: 'path' } }),
});
const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const expectations = createRoute({
  method: 'get',
  path: '/quality/expectations',
  summary: 'Expectation results per run over time, newest first (paged by run steps)',
  request: { query: Paging.extend({ table: z.string().min(1).optional().openapi({ example: 'silver.orders' }) }) },
  responses: { 200: json(z.object({ results: z.array(Expectation) }), 'Expectation results'), ...errorResponses(400) },
});
const quarantine = createRoute({
  method: 'get',
  path: '/quarantine/{ns}/{table}',
  summary: 'Rows a table set aside, with the reason for each: silver.<contract> (rule, reason, original) or a source\'s bronze rejects (file, line, raw, error)',
  request: {
    params: TablePath,
    query: Paging.extend({
      rule: z.string().min(1).optional(),
      reason: z.string().min(1).optional().openapi({ description: 'Only rows whose reason contains this text, any case' }),
    }),
  },
  responses: {
    200: json(
      z.object({
        table: z.string(),
        kind: z.enum(['silver', 'bronze']),
        total: z.number(),
        columns: z.array(z.object({ name: z.string(), type: z.string() })),
        rows: z.array(z.array(z.unknown())),
      }).openapi('QuarantineRows'),
      'A page of set-aside rows',
    ),
    ...errorResponses(400, 404, 503),
  },
});
const replay = createRoute({
  method: 'post',
  path: '/quarantine/{ns}/{table}/replay',
  summary: 'Run a silver table\'s quarantined rows through its (fixed) contract again; recorded as a run',
  request: {
    params: TablePath,
    body: { required: false, content: { 'application/json': { schema: z.object({ rule: z.string().min(1).optional() }).strict().openapi('ReplayRequest') } } },
  },
  responses: {
    200: json(
      z.object({ run_id: z.string(), table: z.string(), rows_in: z.number(), rows_written: z.number(), rows_quarantined: z.number(), rows_deduplicated: z.number() }).openapi('ReplayResult'),
      'What became of the replayed rows',
    ),
    ...errorResponses(400, 404, 409, 422, 503),
  },
});

/** Data quality: expectation results over time, quarantine browsing and replay. */
export function qualityRoutes(deps: ServerDeps) {
  const { project } = deps;
  return routeApp()
    .openapi(expectations, async (c) => {
      const { table, limit, offset } = c.req.valid('query');
      const all = await expectationHistory(project.catalog, { ...(table ? { table } : {}), limit, offset });
      // Only the tables the principal may read (a page may then hold fewer results than the limit).
      const readable = new Map<string, boolean>();
      for (const t of new Set(all.map((r) => r.step))) readable.set(t, await mayRead(deps, c, t));
      const records = all.filter((r) => readable.get(r.step));
      return c.json(
        {
          results: records.map((r) => ({
            run_id: r.runId,
            run_started_at: new Date(r.runStartedMs).toISOString(),
            trigger: r.trigger,
            table: r.step,
            step_status: r.stepStatus,
            rule: r.rule,
            column: r.column,
            policy: r.policy,
            failing_rows: r.failingRows,
            sample: r.sample,
          })),
        },
        200,
      );
    })
    .openapi(quarantine, async (c) => {
      const { ns, table } = c.req.valid('param');
      const filter = c.req.valid('query');
      const found = await withUserSession(project, deps.principalOf(c), (session) =>
        browseQuarantine(project.catalog, session, pipelineConfig(project.config), `${ns}.${table}`, filter),
      );
      return c.json(
        { table: found.quarantine.label, kind: found.quarantine.kind, total: found.total, columns: found.result?.columns ?? [], rows: found.result?.rows ?? [] },
        200,
      );
    })
    .openapi(replay, async (c) => {
      const { ns, table } = c.req.valid('param');
      const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
      const q = findQuarantine(pipelineConfig(project.config), `${ns}.${table}`);
      if (q.kind === 'bronze') {
        throw new InvalidInput(`quarantine: ${q.label} holds records ingest could not read, which no contract can replay; fix the file and drop it in landing again (changed content is a new file)`);
      }
      const name = q.label.slice(q.namespace.length + 1);
      await requireGrant(deps, c, 'MODIFY', { kind: 'table', namespace: q.namespace, table: name });
      const r = await replayQuarantine(project, name, body.rule ? { rule: body.rule } : {});
      return c.json(
        { run_id: r.runId, table: q.label, rows_in: r.rowsIn, rows_written: r.rowsWritten, rows_quarantined: r.rowsQuarantined, rows_deduplicated: r.rowsDeduplicated },
        200,
      );
    });
}
