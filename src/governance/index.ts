export { AUDIT_TABLE, AuditLog, type AuditEvent, elideSecrets, publishAudit } from './audit.js';
export { Governance } from './governance.js';
export { bindPrincipal } from './principal-functions.js';
export { policiesConfig, policiesSectionSchema, type PoliciesConfig } from './policies-config.js';
export { planPolicies, type GovernedProject, type PolicyPlanItem } from './policy-plan.js';
export { RowColumnPolicy } from './row-column-policy.js';
export { utcDay, Workgroups } from './workgroups.js';
