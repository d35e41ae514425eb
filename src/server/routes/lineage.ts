import { createRoute, z } from '@hono/zod-openapi';
import { projectLineage } from '../../lineage/index.js';
import { AccessDenied } from '../../errors.js';
import type { ServerDeps } from '../deps.js';
import { mayRead } from '../governed-read.js';
import { ErrorSchema } from '../error-schema.js';
import { routeApp } from '../route-app.js';

const Name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a name of letters, digits and _');

const LineageNode: z.ZodType<LineageNodeShape> = z
  .object({
    table: z.string().openapi({ description: '`ns.table`, or a landing prefix `landing/orders/`' }),
    column: z.string().optional(),
    kind: z.enum(['direct', 'transformation', 'aggregation']).optional().openapi({ description: 'how the column above is made from this one (upstream), or this one from the one above (downstream)' }),
    how: z.array(z.string()).optional(),
    get children() {
      return z.array(LineageNode);
    },
  })
  .openapi('LineageNode');

interface LineageNodeShape {
  table: string;
  column?: string | undefined;
  kind?: 'direct' | 'transformation' | 'aggregation' | undefined;
  how?: string[] | undefined;
  children: LineageNodeShape[];
}

const Lineage = z
  .object({
    table: z.string(),
    column: z.string().optional(),
    upstream: z.array(LineageNode).optional(),
    downstream: z.array(LineageNode).optional(),
    warnings: z.array(z.string()),
  })
  .openapi('Lineage');


const lineage = createRoute({
  method: 'get',
  path: '/lineage/{ns}/{table}',
  summary: 'Where a table or column comes from (upstream) and what it feeds (downstream)',
  request: {
    params: z.object({ ns: Name, table: Name }),
    query: z.object({
      column: z.string().min(1).optional(),
      direction: z.enum(['up', 'down', 'both']).default('both'),
    }),
  },
  responses: {
    200: { description: 'The lineage trees', content: { 'application/json': { schema: Lineage } } },
    400: { description: 'A malformed name or direction', content: { 'application/json': { schema: ErrorSchema } } },
    403: { description: 'The principal may not read the table', content: { 'application/json': { schema: ErrorSchema } } },
    404: { description: 'No such table in the declared lakehouse, or no such column', content: { 'application/json': { schema: ErrorSchema } } },
  },
});

export function lineageRoutes(deps: ServerDeps) {
  return routeApp().openapi(lineage, async (c) => {
    const { ns, table } = c.req.valid('param');
    const { column, direction } = c.req.valid('query');
    const qualified = `${ns}.${table}`.toLowerCase();
    if (!(await mayRead(deps, c, qualified))) throw new AccessDenied(`lineage: ${deps.principalOf(c).kind} ${deps.principalOf(c).name} may not read table ${qualified}`, { details: { table: qualified } });
    const found = await projectLineage(deps.project, qualified, column, direction);
    // A table the principal may not read is left out of the graph, with what it leads to.
    const prune = async (nodes: LineageNodeShape[]): Promise<LineageNodeShape[]> =>
      (await Promise.all(nodes.map(async (n) => ((await mayRead(deps, c, n.table)) ? { ...n, children: await prune(n.children) } : undefined)))).filter((n) => n !== undefined);
    return c.json(
      { ...found, ...(found.upstream ? { upstream: await prune(found.upstream) } : {}), ...(found.downstream ? { downstream: await prune(found.downstream) } : {}) },
      200,
    );
  });
}
