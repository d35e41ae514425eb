import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { errorBody, InvalidInput } from '../../errors.js';
import { requireGrant } from '../auth.js';
import { toHttpError } from '../../errors-http.js';
import { PUSH_MEDIA_TYPES, type PushService } from '../../ingest/index.js';
import type { ServerDeps } from '../deps.js';
import { ErrorSchema } from '../error-schema.js';
import { routeApp } from '../route-app.js';

const PushAccepted = z
  .object({
    source: z.string(),
    file: z.string().openapi({ description: 'The landing file (store key) holding the records, durable' }),
    rows: z.number().int(),
    replayed: z.boolean().openapi({ description: 'A retry of a push taken before under the same Idempotency-Key: nothing new was written' }),
  })
  .openapi('PushAccepted');


const errorContent = (description: string) => ({ description, content: { 'application/json': { schema: ErrorSchema } } });

/** Statuses of the push's own error codes; the rest follow the error model (errors-http.ts). */
const STATUS_BY_CODE: Record<string, 413 | 415 | 422> = { payload_too_large: 413, unsupported_media_type: 415, idempotency_key_reused: 422 };

const push = createRoute({
  method: 'post',
  path: '/ingest/{source}',
  summary: 'Push records into a source: JSON (an object or an array of objects), NDJSON or CSV/TSV with a header',
  description:
    'Records are batched with other pushes to the source and put as one landing file, which the server ingests into bronze. ' +
    'The answer comes once that file is durable. A push retried with the same Idempotency-Key lands once.',
  request: {
    params: z.object({ source: z.string().openapi({ description: 'A source declared in silt.yaml' }) }),
    headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional().openapi({ description: 'Retries of one push carry the same key' }) }),
    body: {
      required: true,
      content: Object.fromEntries(
        PUSH_MEDIA_TYPES.map((t) => [
          t,
          { schema: t === 'application/json' ? { oneOf: [{ type: 'object' as const }, { type: 'array' as const, items: { type: 'object' as const } }] } : { type: 'string' as const } },
        ]),
      ),
    },
  },
  responses: {
    202: { description: 'The records are in a durable landing file', content: { 'application/json': { schema: PushAccepted } } },
    400: errorContent('Malformed or empty body (the message names the line), or a bad Idempotency-Key'),
    404: errorContent('No such source'),
    413: errorContent('The body is larger than the source takes (push.max_body)'),
    415: errorContent('A Content-Type the source does not take'),
    422: errorContent('An Idempotency-Key already used for another body'),
    503: errorContent('The batch file could not be written, or the server is stopping; nothing was written, retry'),
  },
});

export function ingestRoutes(deps: ServerDeps) {
  return routeApp().openapi(push, async (c) => {
    const { source } = c.req.valid('param');
    await requireGrant(deps, c, 'MODIFY', { kind: 'table', namespace: deps.project.config.layers.bronze, table: source });
    const key = c.req.valid('header')['idempotency-key'];
    try {
      const service = deps.push ?? noPush();
      const contentType = c.req.header('content-type');
      const body = await readBody(c, source, service.accept(source, contentType).maxBodyBytes);
      const answer = await service.push({ source, contentType, body, ...(key === undefined ? {} : { key }) });
      if (answer.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(answer, 202);
    } catch (e) {
      const status = e instanceof InvalidInput ? STATUS_BY_CODE[e.code] : undefined;
      if (status === 413) c.header('Connection', 'close');
      if (status) return c.json(errorBody(e) as z.infer<typeof ErrorSchema>, status);
      const { status: other, body } = toHttpError(e);
      if (other >= 500 && other !== 503) throw e;
      return c.json(body as z.infer<typeof ErrorSchema>, other as 400 | 404 | 503);
    }
  });
}

function noPush(): never {
  throw new InvalidInput('push: this server takes no pushes', { code: 'push_not_running' });
}

/** The body, refused (413) as soon as it is known to be over `limit`: by its Content-Length, or while it streams in. */
async function readBody(c: Context, source: string, limit: number): Promise<Uint8Array> {
  const tooLarge = (size?: number) =>
    new InvalidInput(`push: source ${source}: the body is ${size === undefined ? '' : `${size} bytes, `}over the ${limit} bytes it takes (push.max_body in silt.yaml); send smaller batches`, {
      code: 'payload_too_large',
      details: { key: source },
    });
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (declared > limit) throw tooLarge(declared);
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
