/**
 * Who runs a statement, and what they may read. A statement's tables are bound through the
 * session's policy: a denied table is refused, a denied column is absent from the relation the
 * statement reads, a row filter becomes that relation's WHERE, and a mask replaces a column's
 * value. The default policy allows everything.
 */
import { InvalidInput } from '../../errors.js';
import { quoteIdent } from './sql-text.js';

export interface Principal {
  name: string;
  kind: 'user' | 'service';
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

export interface AccessPolicy {
  /** The grant for reading `table`, or undefined when the principal may not read it at all. */
  read(principal: Principal, table: TableRef): ReadGrant | undefined | Promise<ReadGrant | undefined>;
}

export const ALLOW_ALL: AccessPolicy = { read: () => ({}) };

/** A principal and the policy that decides what it reads. */
export interface ReadAccess {
  principal: Principal;
  policy: AccessPolicy;
}

export const OWNER_ACCESS: ReadAccess = { principal: OWNER, policy: ALLOW_ALL };

/** The grant for one table, refused with a message naming the principal when there is none. */
export async function grantFor(access: ReadAccess, table: TableRef): Promise<ReadGrant> {
  const grant = await access.policy.read(access.principal, table);
  if (!grant) throw new InvalidInput(`query: ${access.principal.kind} ${access.principal.name} may not read table ${table.namespace}.${table.name}`);
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
