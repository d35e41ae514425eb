/**
 * Policies as the metadata store keeps them: each declared row filter, mask and workgroup as a
 * JSON body under an id made of its kind, its subject and a digest of the body (so a changed
 * policy is a new id, and `silt plan` shows it as one removed and one added).
 */
import { createHash } from 'node:crypto';
import type { StoredPolicy } from '../catalog/index.js';
import type { MaskDecl, PoliciesConfig, RowFilterDecl, WorkgroupDecl } from './policies-config.js';

export interface Policies {
  rowFilters: RowFilterDecl[];
  masks: MaskDecl[];
  workgroups: WorkgroupDecl[];
}

export function toStored(config: PoliciesConfig, now: number): StoredPolicy[] {
  const out: StoredPolicy[] = [];
  const add = (kind: string, subject: string, body: object) => {
    const json = JSON.stringify(body);
    const digest = createHash('sha256').update(json).digest('hex').slice(0, 12);
    out.push({ policyId: `${kind}:${subject}:${digest}`, kind, body: json, declaredMs: now });
  };
  for (const f of config.row_filters) add('row_filter', f.table.toLowerCase(), f);
  for (const m of config.masks) add('mask', `${m.table}.${m.column}`.toLowerCase(), m);
  for (const w of config.workgroups) add('workgroup', w.name, w);
  return out;
}

export function fromStored(stored: readonly StoredPolicy[]): Policies {
  const p: Policies = { rowFilters: [], masks: [], workgroups: [] };
  for (const s of stored) {
    if (s.kind === 'row_filter') p.rowFilters.push(JSON.parse(s.body) as RowFilterDecl);
    else if (s.kind === 'mask') p.masks.push(JSON.parse(s.body) as MaskDecl);
    else if (s.kind === 'workgroup') p.workgroups.push(JSON.parse(s.body) as WorkgroupDecl);
  }
  return p;
}

/** One line per policy, for `silt plan` and errors. */
export function describePolicy(s: StoredPolicy): { subject: string; detail: string } {
  const body = JSON.parse(s.body) as Record<string, unknown>;
  const to = `to ${(body['to'] as string[] | undefined ?? body['members'] as string[]).join(', ')}`;
  if (s.kind === 'row_filter') return { subject: String(body['table']), detail: `row filter ${String(body['filter'])} ${to}` };
  if (s.kind === 'mask') {
    const how = body['expression'] !== undefined ? `expression ${String(body['expression'])}` : `${String(body['mask'])}${body['pii'] ? ` (${String(body['pii'])})` : ''}`;
    return { subject: `${String(body['table'])}.${String(body['column'])}`, detail: `mask ${how} ${to}` };
  }
  const limits = ['bytes_scanned_per_query', 'bytes_scanned_per_day', 'result_rows'].filter((k) => body[k] !== undefined).map((k) => `${k} ${String(body[k])}`);
  return { subject: `workgroup ${String(body['name'])}`, detail: `members ${to.slice(3)}${limits.length ? `; ${limits.join(', ')}` : ''}` };
}
