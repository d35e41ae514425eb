import { OpenAPIHono } from '@hono/zod-openapi';
import { InvalidInput } from '../errors.js';
import { toHttpError } from '../errors-http.js';

/**
 * A hono app whose routes are declared with zod: a body, path or query that does not fit the
 * declaration is a 400 with the error model's JSON naming the field, never a handler's crash.
 * Every route module makes its routes on one of these; app.ts mounts them. `answer` turns the
 * error into status and body (the Iceberg REST routes answer in that spec's error model).
 */
export function routeApp(answer: (e: unknown) => { status: number; body: unknown } = toHttpError): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : result.target;
      const e = new InvalidInput(`${where}: ${issue?.message ?? 'invalid'}`, { details: { field: where } });
      const { status, body } = answer(e);
      return c.json(body, status as 400);
    },
  });
}
