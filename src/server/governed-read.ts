import type { Context } from 'hono';
import { grantFor, isWholeGrant } from '../engine/index.js';
import { AccessDenied } from '../errors.js';
import { currentSchema, type Table } from '../table/index.js';
import type { ServerDeps } from './deps.js';

/**
 * Refuses `what` of a table (its partition values and counts, its metadata and so its files) to a
 * principal who reads the table through a row filter or mask, as that would show what they hide;
 * `rowsOnly` refuses only under a row filter (counts, which masks do not change).
 */
export async function requireUngoverned(deps: ServerDeps, c: Context, table: Table, namespace: string, name: string, what: string, rowsOnly = false): Promise<void> {
  const principal = deps.principalOf(c);
  const columns = currentSchema(table.metadata).fields.map((f) => f.name);
  const grant = await grantFor({ principal, policy: deps.project.accessPolicy }, { namespace, name, columns });
  if (rowsOnly ? !grant.rowFilter : isWholeGrant(grant, columns)) return;
  throw new AccessDenied(
    `${what} of ${namespace}.${name} would show what a row filter or column mask of policies: hides from ${principal.kind} ${principal.name}; read the table with SQL (POST /v1/queries), which applies them`,
    { details: { table: `${namespace}.${name}` } },
  );
}
