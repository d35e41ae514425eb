/**
 * Governance as a project opens it: the row-filter and mask policy (set as the project's access
 * policy), the audit log, and the workgroups, joined into the governor every user session runs
 * under.
 */
import type { Catalog } from '../catalog/index.js';
import type { GovernedLimits, Principal, StatementEvent, StatementGovernor } from '../engine/index.js';
import { AuditLog } from './audit.js';
import { RowColumnPolicy } from './row-column-policy.js';
import { Workgroups } from './workgroups.js';

export class Governance implements StatementGovernor {
  readonly policy: RowColumnPolicy;
  readonly audit: AuditLog;
  readonly workgroups: Workgroups;

  constructor(catalog: Catalog, secret: () => string) {
    this.policy = new RowColumnPolicy(catalog.governance, secret);
    this.audit = new AuditLog(catalog);
    this.workgroups = new Workgroups(catalog.governance);
  }

  limitsFor(principal: Principal): Promise<GovernedLimits | undefined> {
    return this.workgroups.limitsFor(principal);
  }

  async ended(event: StatementEvent): Promise<void> {
    await this.audit.statement(event);
    await this.workgroups.ended(event);
  }
}
