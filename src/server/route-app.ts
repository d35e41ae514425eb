import { OpenAPIHono } from '@hono/zod-openapi';
import { InvalidInput } from '../errors.js';
import { toHttpError } from '../errors-http.js';

/**
 * A hono app whose routes are declared with zod: a body, path or query that does not fit the
 * declaration is a 400 with the error model's JSON naming the field, never a handler's crash.
 * Every route module makes its routes on one of these; app.ts mounts them.
 */
export function routeApp(): OpenAPIHono {
  return new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : result.target;
      const e = new InvalidInput(`${where}: ${issue?.message ?? 'invalid'}`, { details: { field: where } });
      const { status, body } = toHttpError(e);
      return c.json(body, status as 400);
    },
  });
}
