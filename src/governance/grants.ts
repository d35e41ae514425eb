import type { Catalog, GrantRow } from '../catalog/index.js';
import { currentSchemaColumns } from './table-columns.js';
import { OWNER, PIPELINE, type Principal, type ReadGrant, type TableRef } from '../engine/index.js';
import { AccessDenied, NotFound } from '../errors.js';
import type { AccessChange } from './grant-sql.js';
import { principalRow } from './principals.js';
import { PRIVILEGES, reaches, securableKey, securableOfRow, securableText, type Privilege, type Securable, type TagsOf } from './privileges.js';

function isOwner(p: Principal): boolean {
  return p.name === OWNER.name && p.kind === OWNER.kind;
}

/**
 * What the pipeline holds without anyone granting it: every privilege on the catalog, since its
 * steps read sources in any namespace (crawled tables, other models) and write the layers and
 * system.audit. Listed by `silt grants` as implicit; no REVOKE removes them.
 */
export const PIPELINE_GRANTS: readonly GrantRow[] = PRIVILEGES.map((privilege) => ({
  grantee: PIPELINE.name, privilege, securable: 'catalog', namespace: '', table: '', column: '',
  grantOption: false, origin: 'implicit', grantedBy: OWNER.name, createdMs: 0,
}));

function isPipeline(p: Principal): boolean {
  return p.name === PIPELINE.name && p.kind === PIPELINE.kind;
}

/** What grants mean: who may read which columns, who may write, and who may grant. The owner may do everything. */
export class Grants {
  constructor(
    private readonly catalog: Catalog,
    private readonly tagsOf: TagsOf,
  ) {}

  /** The grants a principal holds, its own and its groups'. */
  async held(principal: Principal): Promise<GrantRow[]> {
    const rows = await this.catalog.access.grants([principal.name, ...(principal.groups ?? [])]);
    return isPipeline(principal) ? [...PIPELINE_GRANTS, ...rows] : rows;
  }

  async may(principal: Principal, privilege: Privilege, target: Securable, withGrantOption = false): Promise<boolean> {
    if (isOwner(principal)) return true;
    return (await this.held(principal)).some((g) => g.privilege === privilege && (!withGrantOption || g.grantOption) && reaches(securableOfRow(g), target, this.tagsOf));
  }

  /** AccessDenied naming the principal, the privilege, the securable and the GRANT that would allow it. */
  async require(principal: Principal, privilege: Privilege, target: Securable, withGrantOption = false): Promise<void> {
    if (await this.may(principal, privilege, target, withGrantOption)) return;
    const on = securableText(target);
    throw new AccessDenied(
      `access: ${principal.kind} ${principal.name} may not ${withGrantOption ? `grant ${privilege} on` : privilege} ${on}; ` +
        `the owner (or a holder WITH GRANT OPTION) can allow it: GRANT ${privilege} ON ${on.toUpperCase().startsWith('CATALOG') ? 'CATALOG' : on.replace(/^(\w+)/, (w) => w.toUpperCase())} TO ${principal.name}${withGrantOption ? ' WITH GRANT OPTION' : ''}`,
      { details: { key: principal.name, privilege } },
    );
  }

  /** The columns a principal may read of a table: all with SELECT on it (or above), else those granted by column or tag; none is no access. */
  async read(principal: Principal, table: TableRef): Promise<ReadGrant | undefined> {
    if (isOwner(principal)) return {};
    const selects = (await this.held(principal)).filter((g) => g.privilege === 'SELECT').map(securableOfRow);
    const whole: Securable = { kind: 'table', namespace: table.namespace, table: table.name };
    if (selects.some((s) => reaches(s, whole, this.tagsOf))) return {};
    const columns = table.columns.filter((column) => selects.some((s) => reaches(s, { kind: 'column', namespace: table.namespace, table: table.name, column }, this.tagsOf)));
    return columns.length > 0 ? { columns } : undefined;
  }

  /** Whether any grant the principal holds names this namespace, or the whole catalog (a listing shows it then). */
  async namesNamespace(principal: Principal, namespace: string): Promise<boolean> {
    if (isOwner(principal)) return true;
    return (await this.held(principal)).some((g) => g.securable === 'catalog' || g.namespace === namespace);
  }

  /** Makes a GRANT or REVOKE, as `grantor` (the owner, or a holder of each privilege WITH GRANT OPTION); the line to show. */
  async change(grantor: Principal, change: AccessChange, origin: GrantRow['origin'] = 'manual'): Promise<string> {
    for (const grantee of change.grantees) await principalRow(this.catalog, grantee);
    for (const on of change.on) await this.checkSecurable(on);
    for (const p of change.privileges) for (const on of change.on) await this.require(grantor, p, on, !isOwner(grantor));
    let count = 0;
    for (const grantee of change.grantees) {
      for (const privilege of change.privileges) {
        for (const on of change.on) {
          const key = { grantee, privilege, ...securableKey(on) };
          if (change.verb === 'grant') {
            await this.catalog.access.putGrant({ ...key, grantOption: change.grantOption, origin, grantedBy: grantor.name, createdMs: Date.now() });
            count++;
          } else if (change.grantOption) {
            const found = (await this.catalog.access.grants([grantee])).find((g) => sameKey(g, key));
            if (found?.grantOption) {
              await this.catalog.access.putGrant({ ...found, grantOption: false });
              count++;
            }
          } else if (await this.catalog.access.removeGrant(key)) count++;
        }
      }
    }
    const what = `${change.privileges.join(', ')} on ${change.on.map(securableText).join(', ')}`;
    if (change.verb === 'grant') return `granted ${what} to ${change.grantees.join(', ')}${change.grantOption ? ' with grant option' : ''}`;
    if (count === 0) return `nothing to revoke: ${change.grantees.join(', ')} held no ${change.grantOption ? 'grant option for ' : ''}${what}`;
    return `revoked ${change.grantOption ? 'grant option for ' : ''}${what} from ${change.grantees.join(', ')} (${count} grant${count === 1 ? '' : 's'})`;
  }

  /** A grant names something that exists: NotFound naming it otherwise. */
  async checkSecurable(on: Securable): Promise<void> {
    if (on.kind === 'catalog' || on.kind === 'tag') return;
    if (!(await this.catalog.namespaceExists(on.namespace))) {
      throw new NotFound(`access: no namespace ${on.namespace}; \`silt ns list\` shows them`, { code: 'namespace_not_found', details: { key: on.namespace } });
    }
    if (on.kind === 'namespace') return;
    const columns = await currentSchemaColumns(this.catalog, on.namespace, on.table);
    if (columns === undefined) {
      throw new NotFound(`access: no table ${on.namespace}.${on.table} to grant on; \`silt table list\` shows them`, { code: 'table_not_found', details: { table: `${on.namespace}.${on.table}` } });
    }
    if (on.kind === 'column' && !columns.includes(on.column)) {
      throw new NotFound(`access: table ${on.namespace}.${on.table} has no column ${on.column} (it has ${columns.join(', ')})`, { code: 'column_not_found', details: { table: `${on.namespace}.${on.table}`, key: on.column } });
    }
  }
}

function sameKey(g: GrantRow, k: Pick<GrantRow, 'grantee' | 'privilege' | 'securable' | 'namespace' | 'table' | 'column'>): boolean {
  return g.grantee === k.grantee && g.privilege === k.privilege && g.securable === k.securable && g.namespace === k.namespace && g.table === k.table && g.column === k.column;
}
