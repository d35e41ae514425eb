import type { Context } from 'hono';
import { isWholeGrant, type ReadGrant, type WritePrivilege } from '../../engine/index.js';
import { AccessDenied } from '../../errors.js';
import { AUDIT_TABLE, projectGrants, type Privilege } from '../../governance/index.js';
import { currentSchema, type Table } from '../../table/index.js';
import type { ServerDeps } from '../deps.js';

/**
 * What a REST catalog request may do, as the principal its token names. The catalog hands out a
 * table's metadata, and so the paths of all its files: only a principal who may read all of the
 * table, unfiltered and unmasked, gets it; anyone else could read around their policy.
 */
export function restAccess(deps: ServerDeps, c: Context) {
  const principal = deps.principalOf(c);
  const { project } = deps;
  const grants = projectGrants(project.catalog, project.config);
  const readOf = async (namespace: string, name: string, columns: readonly string[]) => project.accessPolicy.read(principal, { namespace, name, columns });
  const columnsOf = async (namespace: string, name: string): Promise<string[]> => currentSchema((await project.catalog.loadTable(namespace, name)).metadata).fields.map((f) => f.name);
  const seesTable = async (namespace: string, name: string): Promise<boolean> => {
    // The audit table goes to administrators only, whatever the grants say: list it to no one its load refuses.
    if (namespace.toLowerCase() === AUDIT_TABLE.namespace && name.toLowerCase() === AUDIT_TABLE.name) return (await readOf(namespace, name, [])) !== undefined;
    if (await grants.may(principal, 'SELECT', { kind: 'table', namespace, table: name })) return true;
    for (const p of ['MODIFY', 'ALTER', 'DROP'] as const) if (await grants.may(principal, p, { kind: 'table', namespace, table: name })) return true;
    return (await readOf(namespace, name, await columnsOf(namespace, name))) !== undefined;
  };
  return {
    principal,
    /** The table's metadata may go to this principal: else a 403 naming the policy that narrows its reads. */
    async requireWholeRead(namespace: string, table: string, loaded: Table): Promise<void> {
      const columns = currentSchema(loaded.metadata).fields.map((f) => f.name);
      const grant = await readOf(namespace, table, columns);
      const name = `${namespace}.${table}`;
      if (!grant) throw new AccessDenied(`iceberg: ${principal.kind} ${principal.name} may not read table ${name} (no SELECT grant reaches it)`, { details: { table: name } });
      if (!isWholeGrant(grant, columns)) {
        throw new AccessDenied(
          `iceberg: table ${name} is served only to principals who may read all of it unfiltered and unmasked; the access policy for ${principal.kind} ${principal.name} ${narrowing(grant, columns)}; query it through Silt (POST /v1/queries) instead`,
          { details: { table: name } },
        );
      }
    },
    /** A write through the catalog: the policy's check for a table, the grants' for a namespace or the catalog. */
    async requireWrite(privilege: WritePrivilege, namespace: string, table?: string): Promise<void> {
      if (table !== undefined && project.accessPolicy.checkWrite) await project.accessPolicy.checkWrite(principal, privilege, { namespace, name: table });
      else await grants.require(principal, privilege, { kind: 'namespace', namespace });
    },
    async requireOnCatalog(privilege: Privilege): Promise<void> {
      await grants.require(principal, privilege, { kind: 'catalog' });
    },
    seesTable,
    /** A namespace shows when a grant names it (or the catalog) or a table in it shows. */
    async seesNamespace(namespace: string): Promise<boolean> {
      if (await grants.namesNamespace(principal, namespace)) return true;
      for (const t of await project.catalog.listTables(namespace)) if (await seesTable(namespace, t.name)) return true;
      return false;
    },
  };
}

export type RestAccess = ReturnType<typeof restAccess>;

/** What in a grant keeps a principal from the whole table, in words: the policy named. */
function narrowing(grant: ReadGrant, columns: readonly string[]): string {
  const parts: string[] = [];
  const hidden = grant.columns ? columns.filter((c) => !grant.columns!.includes(c)) : [];
  if (hidden.length) parts.push(`grants only some columns (not ${hidden.join(', ')})`);
  if (grant.rowFilter) parts.push('filters its rows');
  const masked = Object.keys(grant.masks ?? {});
  if (masked.length) parts.push(`masks ${masked.join(', ')}`);
  return parts.join(', ');
}


/** A namespace the principal cannot see is refused as a 403, not listed or described. */
export async function requireSeen(access: RestAccess, namespace: string): Promise<void> {
  if (!(await access.seesNamespace(namespace))) {
    throw new AccessDenied(`iceberg: ${access.principal.kind} ${access.principal.name} has no grant on namespace ${namespace} or anything in it`, { details: { key: namespace } });
  }
}
