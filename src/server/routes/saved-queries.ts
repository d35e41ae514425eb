import { createRoute, z } from '@hono/zod-openapi';
import type { SavedQuery } from '../../catalog/index.js';
import type { Principal } from '../../engine/index.js';
import { AlreadyExists, NotFound } from '../../errors.js';
import { isAdministrator } from '../../governance/index.js';
import type { ServerDeps } from '../deps.js';
import { routeApp } from '../route-app.js';
import { errorResponses } from './common-schemas.js';

const Saved = z
  .object({ name: z.string(), sql: z.string(), principal: z.string(), created_at: z.string(), updated_at: z.string() })
  .openapi('SavedQuery');
const Name = z.object({
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/\S/, 'a name with something other than spaces')
    .openapi({ param: { name: 'name', in: 'path' }, example: 'revenue by day' }),
});
const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const list = createRoute({
  method: 'get',
  path: '/saved-queries',
  summary: "Saved queries, by name: the principal's own, or everyone's for an administrator",
  responses: { 200: json(z.object({ queries: z.array(Saved) }), 'Saved queries'), ...errorResponses(503) },
});
const save = createRoute({
  method: 'put',
  path: '/saved-queries/{name}',
  summary: 'Save a statement under a name (replacing what the name held)',
  request: { params: Name, body: { required: true, content: { 'application/json': { schema: z.object({ sql: z.string().min(1).max(1_000_000) }).strict().openapi('SavedQueryBody') } } } },
  responses: { 200: json(Saved, 'The saved query'), ...errorResponses(400, 409, 503) },
});
const remove = createRoute({
  method: 'delete',
  path: '/saved-queries/{name}',
  summary: 'Forget a saved query',
  request: { params: Name },
  responses: { 200: json(z.object({ deleted: z.string() }), 'The name forgotten'), ...errorResponses(400, 404, 503) },
});

const wire = (q: SavedQuery) => ({ name: q.name, sql: q.sql, principal: q.principal, created_at: new Date(q.createdMs).toISOString(), updated_at: new Date(q.updatedMs).toISOString() });

/** Saved queries: named statements the console keeps beside its history. */
export function savedQueriesRoutes(deps: ServerDeps) {
  const saved = deps.project.catalog.savedQueries;
  /** A name another principal saved is theirs: only they or an administrator may replace it. */
  const refuseOthers = async (name: string, principal: Principal) => {
    const [found] = await saved.list(name);
    if (found && found.principal !== principal.name && !isAdministrator(principal)) {
      throw new AlreadyExists(`saved query ${JSON.stringify(name)} is taken by another principal; save it under another name`, { code: 'saved_query_taken', details: { key: name } });
    }
  };
  return routeApp()
    .openapi(list, async (c) => {
      // Each principal sees the statements it saved; administrators (the owner, the admins group) everyone's.
      const principal = deps.principalOf(c);
      const mine = (await saved.list()).filter((q) => isAdministrator(principal) || q.principal === principal.name);
      return c.json({ queries: mine.map(wire) }, 200);
    })
    .openapi(save, async (c) => {
      const { name } = c.req.valid('param');
      const { sql } = c.req.valid('json');
      const principal = deps.principalOf(c);
      await refuseOthers(name, principal);
      return c.json(wire(await saved.save(name, sql, principal.name)), 200);
    })
    .openapi(remove, async (c) => {
      const { name } = c.req.valid('param');
      const principal = deps.principalOf(c);
      // Another's saved query is as unknown to a non-administrator as a missing one.
      const [found] = await saved.list(name);
      if (found && found.principal !== principal.name && !isAdministrator(principal)) throw new NotFound(`saved query ${JSON.stringify(name)} does not exist; GET /v1/saved-queries lists them`, { code: 'saved_query_not_found' });
      await saved.remove(name);
      return c.json({ deleted: name }, 200);
    });
}
