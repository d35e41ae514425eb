/**
 * Governance as a project opens it: the row-filter and mask policy (set as the project's access
 * policy), the audit log, and the workgroups, joined into the governor every user session runs
 * under.
 */
import type { Catalog } from '../catalog/index.js';
import { type GovernedLimits, PIPELINE, type Principal, type StatementEvent, type StatementGovernor } from '../engine/index.js';
import { AccessDenied } from '../errors.js';
import { currentSchema } from '../table/index.js';
import { AUDIT_TABLE, AuditLog } from './audit.js';
import { RowColumnPolicy } from './row-column-policy.js';
import { Workgroups } from './workgroups.js';

export class Governance implements StatementGovernor {
  readonly policy: RowColumnPolicy;
  readonly audit: AuditLog;
  readonly workgroups: Workgroups;

  constructor(catalog: Catalog, secret: () => string) {
    this.policy = new RowColumnPolicy(catalog.governance, secret, async (namespace, name) =>
      (await catalog.tableExists(namespace, name)) ? currentSchema((await catalog.loadTable(namespace, name)).metadata).fields.map((f) => f.name) : undefined,
    );
    this.audit = new AuditLog(catalog);
    this.workgroups = new Workgroups(catalog.governance);
  }

  limitsFor(principal: Principal): Promise<GovernedLimits | undefined> {
    return this.workgroups.limitsFor(principal);
  }

  /** `system.audit` is append-only: only Silt's own publisher (the pipeline) writes it. */
  async mayChange(principal: Principal, table: { namespace: string; name: string }): Promise<void> {
    if (table.namespace.toLowerCase() !== AUDIT_TABLE.namespace || table.name.toLowerCase() !== AUDIT_TABLE.name) return;
    if (principal.name === PIPELINE.name && principal.kind === PIPELINE.kind) return;
    throw new AccessDenied(`query: ${AUDIT_TABLE.namespace}.${AUDIT_TABLE.name} is append-only: only Silt adds to it (silt audit publish); ${principal.kind} ${principal.name} may not change it`, {
      details: { table: `${AUDIT_TABLE.namespace}.${AUDIT_TABLE.name}` },
    });
  }

  async ended(event: StatementEvent): Promise<void> {
    await this.audit.statement(event);
    await this.workgroups.ended(event);
  }
}
