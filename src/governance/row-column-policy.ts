/**
 * Row filters and column masks as an AccessPolicy: for a principal and a table, the filters that
 * name the principal (ANDed) and the masks that do (one per column), with the principal
 * functions replaced by literals. The policies are read from the metadata store at each bind, so
 * `silt apply` takes effect on the next statement of every session.
 *
 * A silver table's quarantine (`<t>_quarantine`) holds the original values of rows its contract
 * set aside: under a mask of `<t>`, its `original` JSON shows each masked or hidden column as
 * "***" and its `reason` is withheld; under a row filter of `<t>` its rows are not seen at all, as
 * the filter cannot be judged on them. A bronze table's rejects (`<t>_rejects`, raw lines) are
 * not seen under any filter or mask of `<t>`.
 */
import type { GovernanceStore } from '../catalog/index.js';
import { type AccessPolicy, type Principal, quoteIdent, quoteLiteral, type ReadGrant, type TableRef } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { maskSql } from '../transform/index.js';
import { bindPrincipal } from './principal-functions.js';
import { isAdministrator, names } from './principal-match.js';
import { AUDIT_TABLE } from './audit.js';
import type { MaskDecl } from './policies-config.js';
import { fromStored, type Policies } from './stored-policies.js';

export class RowColumnPolicy implements AccessPolicy {
  constructor(
    private readonly store: GovernanceStore,
    /** The project secret that salts `hash` masks. */
    private readonly secret: () => string,
    /** A table's current columns, or undefined when there is no such table. */
    private readonly columnsOf: (namespace: string, name: string) => Promise<readonly string[] | undefined> = async () => undefined,
  ) {}

  async read(principal: Principal, table: TableRef): Promise<ReadGrant | undefined> {
    if (table.namespace.toLowerCase() === AUDIT_TABLE.namespace && table.name.toLowerCase() === AUDIT_TABLE.name) {
      return isAdministrator(principal) ? {} : undefined;
    }
    const policies = fromStored(await this.store.policies());
    const own = grantOf(policies, principal, table, this.secret);
    if (own) return own;
    const derived = /^(.+)_(quarantine|rejects)$/i.exec(table.name);
    if (!derived) return {};
    const base = { namespace: table.namespace, name: derived[1]! };
    const filtered = applicable(policies.rowFilters, principal, base).length > 0;
    const masks = applicable(policies.masks, principal, base);
    if (!filtered && masks.length === 0) return {};
    if (filtered || derived[2]!.toLowerCase() === 'rejects') return { rowFilter: 'FALSE' };
    // `original` is keyed by the source's names, which a contract may rename: only keys that are
    // unmasked columns of the table keep their values.
    const masked = new Set(masks.map((m) => m.column.toLowerCase()));
    const shown = ((await this.columnsOf(base.namespace, base.name)) ?? []).map((c) => c.toLowerCase()).filter((c) => !masked.has(c));
    return {
      masks: {
        ...(table.columns.includes('original') ? { original: maskedOriginal(shown) } : {}),
        ...(table.columns.includes('reason') ? { reason: 'CAST(NULL AS VARCHAR)' } : {}),
      },
    };
  }
}

/** The grant of `table`'s own filters and masks for `principal`, or undefined when none names it. */
function grantOf(policies: Policies, principal: Principal, table: TableRef, secret: () => string): ReadGrant | undefined {
  const filters = applicable(policies.rowFilters, principal, table);
  const masks = applicable(policies.masks, principal, table);
  if (filters.length === 0 && masks.length === 0) return undefined;
  const label = `${table.namespace}.${table.name}`;
  const grant: { rowFilter?: string; masks?: Record<string, string> } = {};
  if (filters.length > 0) {
    grant.rowFilter = filters.map((f) => `(${bindPrincipal(f.filter, principal, `policies: row filter of ${label}`)})`).join(' AND ');
  }
  for (const m of masks) {
    const column = table.columns.find((c) => c === m.column) ?? table.columns.find((c) => c.toLowerCase() === m.column.toLowerCase());
    // A mask whose column is gone (renamed, dropped) must not silently stop masking.
    if (column === undefined) {
      throw new InvalidInput(`query: a mask of ${label}.${m.column} applies to ${principal.kind} ${principal.name}, but ${label} has no column ${m.column} now; fix policies: in silt.yaml and run silt apply`);
    }
    if (grant.masks?.[column] !== undefined) {
      throw new InvalidInput(`query: column ${column} of ${label} has two masks for ${principal.kind} ${principal.name}; keep one in policies: of silt.yaml`);
    }
    (grant.masks ??= {})[column] = maskExpression(m, column, principal, secret);
  }
  return grant;
}

/** The SQL a mask shows in place of `column`. */
export function maskExpression(m: MaskDecl, column: string, principal: Principal, secret: () => string): string {
  if (m.expression !== undefined) return bindPrincipal(m.expression, principal, `policies: mask of ${m.table}.${m.column}`);
  return maskSql(quoteIdent(column), { mask: m.mask, pii: m.pii }, m.mask === 'hash' ? secret() : '');
}

function applicable<T extends { table: string; to: string[] }>(list: readonly T[], principal: Principal, table: { namespace: string; name: string }): T[] {
  const name = `${table.namespace}.${table.name}`.toLowerCase();
  return list.filter((p) => p.table.toLowerCase() === name && names(p.to, principal));
}

/** The quarantine's `original` JSON with each value but those of the `shown` columns as "***". */
function maskedOriginal(shown: readonly string[]): string {
  const list = shown.length ? shown.map(quoteLiteral).join(', ') : 'NULL';
  const value = `CASE WHEN lower(__silt_k) IN (${list}) THEN json_extract("original", '$."' || replace(__silt_k, '"', '\\"') || '"') ELSE '"***"'::JSON END`;
  return `CAST(to_json(map_from_entries(list_transform(json_keys("original"), lambda __silt_k: struct_pack(k := __silt_k, v := ${value})))) AS VARCHAR)`;
}
