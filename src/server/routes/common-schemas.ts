import { z } from '@hono/zod-openapi';
import { ErrorSchema } from '../error-schema.js';

export { ErrorSchema };

const WHAT: Record<number, string> = {
  400: 'Invalid input: a malformed body, path or query (naming the field), or a refused statement',
  404: 'Not found: an unknown namespace, table, query or source',
  409: 'A conflict: already exists, or another commit won',
  422: 'A run stopped by a fail rule',
  503: 'A fault of the machine or of the files under Silt',
};

/** The error responses a route declares, besides the 500 every route may give. */
export function errorResponses<S extends number>(...statuses: S[]) {
  const out = {} as Record<S | 500, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }>;
  for (const s of [...statuses, 500 as const]) out[s] = { description: WHAT[s] ?? 'A bug in Silt', content: { 'application/json': { schema: ErrorSchema } } };
  return out;
}

/** `?limit&offset` of a list. */
export const Paging = z.object({
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  offset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
});
