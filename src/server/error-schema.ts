import { z } from '@hono/zod-openapi';

/** The error model's JSON (see errors.ts `errorBody`), as routes declare their 4xx/5xx answers. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'table_not_found' }),
      message: z.string(),
      details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).optional()),
    }),
  })
  .openapi('Error');

const json = { 'application/json': { schema: ErrorSchema } };

/** Declared error answers for a route: `errors(400, 404)`. */
export function errors(...statuses: (400 | 404 | 409 | 422 | 503)[]) {
  const words: Record<number, string> = { 400: 'Malformed request', 404: 'Unknown id', 409: 'Conflict', 422: 'The run failed a rule', 503: 'The server cannot do it now' };
  return Object.fromEntries(statuses.map((s) => [s, { description: words[s]!, content: json }])) as Record<number, { description: string; content: typeof json }>;
}
