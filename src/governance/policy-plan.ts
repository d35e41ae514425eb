/**
 * `silt plan` / `silt apply` for `policies:`: each declared filter, mask and workgroup against
 * what the metadata store holds. Apply checks every one (policy-check.ts) and replaces the stored
 * set in one transaction; a policy no longer declared is removed, as silt.yaml says who sees what.
 */
import type { Catalog } from '../catalog/index.js';
import type { ProjectConfig } from '../config/index.js';
import type { Engine } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { checkPolicies } from './policy-check.js';
import { policiesConfig } from './policies-config.js';
import { describePolicy, toStored } from './stored-policies.js';

export interface PolicyPlanItem {
  action: '+' | '-' | '!' | '=';
  table: string;
  detail: string;
}

export interface GovernedProject {
  readonly config: ProjectConfig;
  readonly catalog: Catalog;
  openEngine(): Promise<Engine>;
  secret(): string;
}

export async function planPolicies(project: GovernedProject, opts: { apply?: boolean } = {}): Promise<PolicyPlanItem[]> {
  const config = policiesConfig(project.config);
  const declared = toStored(config, Date.now());
  const stored = await project.catalog.governance.policies();
  const engine = await project.openEngine();
  let missing: Set<string>;
  try {
    missing = await checkPolicies(engine, project.catalog, config, () => project.secret());
  } catch (e) {
    if (!(e instanceof InvalidInput)) throw e;
    return [{ action: '!', table: 'policies', detail: e.message }];
  } finally {
    engine.close();
  }
  const items: PolicyPlanItem[] = [];
  const ids = new Set(stored.map((s) => s.policyId));
  for (const p of declared) {
    const { subject, detail } = describePolicy(p);
    const table = subject.split('.').slice(0, 2).join('.');
    const later = missing.has(table) && !opts.apply ? ' (checked on apply, once the table exists)' : '';
    if (missing.has(table) && opts.apply) {
      throw new InvalidInput(`apply: policies name table ${table}, which does not exist; declare it or fix the policy`, { details: { table } });
    }
    items.push({ action: ids.has(p.policyId) ? '=' : '+', table: subject, detail: detail + later });
  }
  const now = new Set(declared.map((p) => p.policyId));
  for (const s of stored.filter((s) => !now.has(s.policyId))) {
    const { subject, detail } = describePolicy(s);
    items.push({ action: '-', table: subject, detail: `${detail}${opts.apply ? ' (removed)' : ' (removed on apply)'}` });
  }
  if (opts.apply) await project.catalog.governance.replacePolicies(declared.map((p) => ({ ...p, declaredMs: stored.find((s) => s.policyId === p.policyId)?.declaredMs ?? p.declaredMs })));
  return items;
}
