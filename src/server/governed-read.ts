import type { Context } from 'hono';
import { grantFor, isWholeGrant, type ReadGrant } from '../engine/index.js';
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

/** The request's principal's grant on a table (whose columns are `columns`), or undefined when they may not read it at all. */
export async function readGrantOf(deps: ServerDeps, c: Context, namespace: string, name: string, columns: readonly string[]): Promise<ReadGrant | undefined> {
  return deps.project.accessPolicy.read(deps.principalOf(c), { namespace, name, columns });
}

/** The columns of `columns` a grant lets its holder read. */
export function grantedColumns<T extends { name: string }>(columns: readonly T[], grant: ReadGrant): T[] {
  return grant.columns ? columns.filter((col) => grant.columns!.includes(col.name)) : [...columns];
}

/**
 * A table as the request's principal may know it: the grant and the columns it shows, or
 * undefined when they may not read it (a listing then leaves it out). A table whose metadata
 * cannot be read is judged on its name alone.
 */
export async function visibleTable(deps: ServerDeps, c: Context, namespace: string, name: string): Promise<{ grant: ReadGrant; columns: string[] } | undefined> {
  let columns: string[] = [];
  try {
    columns = currentSchema((await deps.project.catalog.loadTable(namespace, name)).metadata).fields.map((f) => f.name);
  } catch {
    // judged on its name
  }
  const grant = await readGrantOf(deps, c, namespace, name, columns);
  return grant && { grant, columns: grantedColumns(columns.map((n) => ({ name: n })), grant).map((col) => col.name) };
}

/** Whether the request's principal may read `ns.table` (a lineage node, an expectation's table). */
export async function mayRead(deps: ServerDeps, c: Context, qualified: string): Promise<boolean> {
  const [namespace, name] = qualified.split('.');
  if (!namespace || !name) return true;
  return (await visibleTable(deps, c, namespace, name)) !== undefined;
}
