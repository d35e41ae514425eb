import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import { isAdministrator } from '../../governance/index.js';
import type { ServerDeps } from '../deps.js';
import { DOWNLOAD_TYPES } from '../query-download.js';
import { QueryService, type QueryServiceOptions } from '../query-service.js';
import { routeApp } from '../route-app.js';
import { ErrorSchema, errorResponses, Paging } from './common-schemas.js';

const Column = z.object({ name: z.string(), type: z.string() }).openapi('ResultColumn');
const Stats = z
  .object({ files_total: z.number(), files_scanned: z.number(), bytes_total: z.number(), bytes_scanned: z.number(), rows: z.number(), elapsed_ms: z.number() })
  .openapi('QueryStats');
const Status = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

const Query = z
  .object({
    id: z.string(),
    sql: z.string(),
    principal: z.string(),
    status: Status,
    started_at: z.string(),
    elapsed_ms: z.number(),
    columns: z.array(Column).nullable(),
    row_count: z.number(),
    bytes_scanned: z.number().nullable(),
    stats: Stats.nullable(),
    message: z.string().nullable().openapi({ description: 'What a write or DDL statement did' }),
    snapshot_id: z.string().nullable().openapi({ description: 'The snapshot a write committed' }),
    error: ErrorSchema.shape.error.nullable(),
    results_kept: z.boolean(),
  })
  .openapi('Query');

const Submit = z
  .object({
    sql: z.string().min(1).max(1_000_000).openapi({ example: 'SELECT count(*) FROM silver.orders' }),
    limits: z
      .object({
        rows: z.number().int().positive().optional(),
        bytes_scanned: z.number().int().nonnegative().optional(),
        wall_ms: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    wait_ms: z.number().int().min(0).max(60_000).default(1000).openapi({ description: 'How long the request waits for the statement to end before answering 202' }),
  })
  .strict()
  .openapi('QuerySubmit');

const HistoryEntry = z
  .object({
    id: z.string(),
    sql: z.string(),
    principal: z.string(),
    status: Status,
    started_at: z.string(),
    elapsed_ms: z.number().nullable(),
    rows: z.number().nullable(),
    bytes_scanned: z.number().nullable(),
    error: ErrorSchema.shape.error.nullable(),
  })
  .openapi('QueryHistoryEntry');

const Id = z.object({ id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' } }) });
const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const submit = createRoute({
  method: 'post',
  path: '/queries',
  summary: 'Run a SQL statement as the request\'s principal',
  request: { body: { required: true, content: { 'application/json': { schema: Submit } } } },
  responses: {
    200: json(Query, 'The statement ended within wait_ms'),
    202: json(Query, 'The statement is still queued or running: GET /v1/queries/{id}'),
    ...errorResponses(400, 404, 409, 422, 503),
  },
});
const list = createRoute({
  method: 'get',
  path: '/queries',
  summary: "Query history, newest first: the principal's own statements, or everyone's for an administrator",
  request: { query: Paging },
  responses: { 200: json(z.object({ queries: z.array(HistoryEntry) }), 'Past and running queries'), ...errorResponses(400) },
});
const status = createRoute({
  method: 'get',
  path: '/queries/{id}',
  summary: 'A query\'s status, columns, rows, bytes scanned and error',
  request: { params: Id },
  responses: { 200: json(Query, 'The query'), ...errorResponses(400, 404) },
});
const results = createRoute({
  method: 'get',
  path: '/queries/{id}/results',
  summary: 'A page of a query\'s rows (what it has returned so far while it runs)',
  request: { params: Id, query: Paging },
  responses: {
    200: json(
      z.object({ id: z.string(), status: Status, columns: z.array(Column).nullable(), offset: z.number(), rows: z.array(z.array(z.unknown())), row_count: z.number(), complete: z.boolean() }).openapi('QueryResults'),
      'Rows as JSON arrays, in column order',
    ),
    ...errorResponses(400, 404, 409, 422, 503),
  },
});
const stream = createRoute({
  method: 'get',
  path: '/queries/{id}/stream',
  summary: 'A query\'s rows as NDJSON while they arrive: {"columns":[…]}, one array per row, then {"status":…} or an error',
  request: { params: Id },
  responses: { 200: { description: 'NDJSON lines', content: { 'application/x-ndjson': { schema: z.string() } } }, ...errorResponses(400, 404) },
});
const cancel = createRoute({
  method: 'post',
  path: '/queries/{id}/cancel',
  summary: 'Stop a queued or running query (within a second); nothing it would write is committed',
  request: { params: Id },
  responses: { 200: json(Query, 'The query, as it ended'), ...errorResponses(400, 404) },
});
const download = createRoute({
  method: 'get',
  path: '/queries/{id}/download',
  summary: 'A finished query\'s whole result as CSV, Parquet or NDJSON',
  request: {
    params: Id,
    query: z.object({ format: z.enum(['csv', 'parquet', 'json']).default('csv') }),
  },
  responses: {
    200: {
      description: 'The file',
      content: {
        'text/csv': { schema: z.string() },
        'application/vnd.apache.parquet': { schema: z.string().openapi({ format: 'binary' }) },
        'application/x-ndjson': { schema: z.string() },
      },
    },
    ...errorResponses(400, 404, 409, 422, 503),
  },
});

/** Queries: submit, status, paged and streamed results, cancel, download, history. */
export function queriesRoutes(deps: ServerDeps, opts: QueryServiceOptions = {}) {
  let service: QueryService | undefined = deps.queries;
  const queries = () => (service ??= new QueryService(deps.project, opts));
  return routeApp()
    .openapi(submit, async (c) => {
      const body = c.req.valid('json');
      const limits = {
        ...(body.limits?.rows !== undefined ? { rows: body.limits.rows } : {}),
        ...(body.limits?.bytes_scanned !== undefined ? { bytesScanned: body.limits.bytes_scanned } : {}),
        ...(body.limits?.wall_ms !== undefined ? { wallMs: body.limits.wall_ms } : {}),
      };
      const view = await queries().submit(body.sql, deps.principalOf(c), limits, body.wait_ms);
      return view.status === 'queued' || view.status === 'running' ? c.json(view, 202) : c.json(view, 200);
    })
    .openapi(list, async (c) => {
      const { limit, offset } = c.req.valid('query');
      // Each principal sees its own statements; administrators (the owner, the admins group) everyone's.
      const principal = deps.principalOf(c);
      const records = await queries().history(limit, offset, isAdministrator(principal) ? undefined : principal.name);
      return c.json(
        {
          queries: records.map((r) => ({
            id: r.queryId,
            sql: r.sql,
            principal: r.principal,
            status: r.status,
            started_at: new Date(r.startedMs).toISOString(),
            elapsed_ms: r.finishedMs === null ? null : r.finishedMs - r.startedMs,
            rows: r.rows,
            bytes_scanned: r.bytesScanned,
            error: r.error ? (JSON.parse(r.error) as { error: z.infer<typeof ErrorSchema>['error'] }).error : null,
          })),
        },
        200,
      );
    })
    .openapi(status, async (c) => c.json(await queries().status(c.req.valid('param').id, deps.principalOf(c)), 200))
    .openapi(results, async (c) => {
      const { id } = c.req.valid('param');
      const { offset, limit } = c.req.valid('query');
      const { view, rows } = await queries().page(id, offset, limit, deps.principalOf(c));
      return c.json({ id, status: view.status, columns: view.columns, offset, rows, row_count: view.row_count, complete: view.status === 'succeeded' }, 200);
    })
    .openapi(stream, async (c) => {
      const lines = queries().stream(c.req.valid('param').id, deps.principalOf(c));
      // The first line is awaited here, so an unknown id is a 404, not a broken stream.
      const first = await lines.next();
      const utf8 = new TextEncoder();
      const body = Readable.toWeb(Readable.from((async function* () {
        if (!first.done) yield utf8.encode(first.value);
        for await (const text of lines) yield utf8.encode(text);
      })())) as ReadableStream;
      return c.body(body, 200, { 'content-type': 'application/x-ndjson' }) as never;
    })
    .openapi(cancel, async (c) => c.json(await queries().cancel(c.req.valid('param').id, deps.principalOf(c)), 200))
    .openapi(download, async (c) => {
      const { id } = c.req.valid('param');
      const { format } = c.req.valid('query');
      const file = await queries().download(id, format, deps.principalOf(c));
      const input = createReadStream(file);
      input.once('close', () => void rm(file, { force: true }));
      const ext = format === 'json' ? 'ndjson' : format;
      return c.body(Readable.toWeb(input) as ReadableStream, 200, {
        'content-type': DOWNLOAD_TYPES[format],
        'content-disposition': `attachment; filename="query-${id}.${ext}"`,
      }) as never;
    });
}
