/**
 * Who runs a statement, and what they may read. A statement's tables are bound through the
 * session's policy: a denied table is refused, a denied column is absent from the relation the
 * statement reads, a row filter becomes that relation's WHERE, and a mask replaces a column's
 * value. The default policy allows everything.
 */
import { AccessDenied, InvalidInput } from '../../errors.js';
import { quoteIdent } from './sql-text.js';

export interface Principal {
  name: string;
  kind: 'user' | 'service';
  /** Groups the principal belongs to; grants, filters and masks may name a group. */
  groups?: readonly string[];
  attributes?: Record<string, string>;
}

/** The project's owner: who runs SQL when no one else is named. */
export const OWNER: Principal = { name: 'owner', kind: 'user' };

/** The pipeline's own reads and writes. */
export const PIPELINE: Principal = { name: 'pipeline', kind: 'service' };

export interface TableRef {
  namespace: string;
  name: string;
  /** The table's columns, in order. */
  columns: readonly string[];
}

export interface ReadGrant {
  /** Columns the principal may read; all when absent. */
  columns?: readonly string[];
  /** A SQL predicate over the table's columns; only rows where it is true are seen. */
  rowFilter?: string;
  /** Column → SQL expression over the table's columns, seen in place of the column's value. */
  masks?: Readonly<Record<string, string>>;
}

/** What a write needs: MODIFY to change rows, CREATE to make a table, ALTER to change one, DROP to drop it. */
export type WritePrivilege = 'MODIFY' | 'CREATE' | 'ALTER' | 'DROP';

export interface AccessPolicy {
  /** The grant for reading `table`, or undefined when the principal may not read it at all. */
  read(principal: Principal, table: TableRef): ReadGrant | undefined | Promise<ReadGrant | undefined>;
  /** Refuses (AccessDenied) a write the principal may not make; absent, every write is allowed. */
  checkWrite?(principal: Principal, privilege: WritePrivilege, table: { namespace: string; name: string }): void | Promise<void>;
}

export const ALLOW_ALL: AccessPolicy = { read: () => ({}) };

/**
 * Several policies as one, each narrowing the others: a table is readable only when every policy
 * allows it; columns are those all allow; row filters are ANDed; a column masked by two policies
 * is refused (no order of masks is obviously right), so that case must be settled by its authors.
 */
export function combinePolicies(...policies: readonly AccessPolicy[]): AccessPolicy {
  if (policies.length === 1) return policies[0]!;
  return {
    async checkWrite(principal, privilege, table) {
      for (const p of policies) await p.checkWrite?.(principal, privilege, table);
    },
    async read(principal, table) {
      const grants: ReadGrant[] = [];
      for (const p of policies) {
        const g = await p.read(principal, table);
        if (!g) return undefined;
        grants.push(g);
      }
      return mergeGrants(grants, table);
    },
  };
}

function mergeGrants(grants: readonly ReadGrant[], table: TableRef): ReadGrant {
  const out: { columns?: string[]; rowFilter?: string; masks?: Record<string, string> } = {};
  for (const g of grants) {
    if (g.columns) out.columns = (out.columns ?? [...table.columns]).filter((c) => g.columns!.includes(c));
    if (g.rowFilter) out.rowFilter = out.rowFilter ? `(${out.rowFilter}) AND (${g.rowFilter})` : g.rowFilter;
    for (const [column, mask] of Object.entries(g.masks ?? {})) {
      if (out.masks?.[column] !== undefined) {
        throw new InvalidInput(`query: column ${column} of ${table.namespace}.${table.name} has two masks for one principal; keep one`);
      }
      (out.masks ??= {})[column] = mask;
    }
  }
  return out;
}

/** A principal and the policy that decides what it reads. */
export interface ReadAccess {
  principal: Principal;
  policy: AccessPolicy;
}

export const OWNER_ACCESS: ReadAccess = { principal: OWNER, policy: ALLOW_ALL };

/** The grant for one table, refused with a message naming the principal when there is none. */
export async function grantFor(access: ReadAccess, table: TableRef): Promise<ReadGrant> {
  const grant = await access.policy.read(access.principal, table);
  if (!grant) throw new AccessDenied(`query: ${access.principal.kind} ${access.principal.name} may not read table ${table.namespace}.${table.name}`, { details: { table: `${table.namespace}.${table.name}` } });
  return grant;
}

/** True when the grant changes nothing: the table is read as it is. */
export function isWholeGrant(grant: ReadGrant, columns: readonly string[]): boolean {
  return !grant.rowFilter && Object.keys(grant.masks ?? {}).length === 0 && (!grant.columns || columns.every((c) => grant.columns!.includes(c)));
}

/**
 * `scan` (SQL reading the table's columns) narrowed by the grant: allowed columns only, masks in
 * place of values, rows the filter keeps. Policy text is the policy author's SQL, trusted as such.
 */
export function applyGrant(scan: string, grant: ReadGrant, columns: readonly string[]): string {
  if (isWholeGrant(grant, columns)) return scan;
  const allowed = columns.filter((c) => !grant.columns || grant.columns.includes(c));
  const select = allowed.map((c) => {
    const mask = grant.masks?.[c];
    return mask === undefined ? quoteIdent(c) : `(${mask}) AS ${quoteIdent(c)}`;
  });
  const where = grant.rowFilter ? ` WHERE (${grant.rowFilter})` : '';
  return `SELECT ${select.length > 0 ? select.join(', ') : 'NULL AS __no_column'} FROM (${scan}) AS __granted${where}`;
}
