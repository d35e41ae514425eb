/**
 * What queries scanned: every statement the audit log holds for the period (each user session's
 * statement ends there with its bytes scanned, from the CLI and the API alike), grouped by the
 * workgroup its principal belongs to now.
 */
import type { AuditRecord, Catalog } from '../catalog/index.js';
import type { Principal } from '../engine/index.js';
import { principalOf, type Workgroups } from '../governance/index.js';

export interface WorkgroupScan {
  /** `-` for principals in no workgroup. */
  workgroup: string;
  queries: number;
  bytesScanned: number;
  /** Σ max(bytes scanned, the per-query minimum): what Athena bills. */
  billedBytes: number;
}

export interface QueryUsage {
  workgroups: WorkgroupScan[];
  /** The statements themselves: pruning and compaction savings need their tables. */
  statements: AuditRecord[];
}

/** Statements that ran to the end (failed and refused ones scan nothing Athena bills), by workgroup. */
export async function queryUsage(catalog: Catalog, workgroups: Workgroups, sinceMs: number, minBytes: number): Promise<QueryUsage> {
  const statements = (await catalog.governance.statementsSince(sinceMs)).filter((s) => s.outcome === 'ok' && s.bytesScanned !== null);
  const groupOf = new Map<string, string>();
  const by = new Map<string, WorkgroupScan>();
  for (const s of statements) {
    if (!groupOf.has(s.principal)) groupOf.set(s.principal, (await workgroups.of(await principal(catalog, s.principal)))?.name ?? '-');
    const workgroup = groupOf.get(s.principal)!;
    const w = by.get(workgroup) ?? { workgroup, queries: 0, bytesScanned: 0, billedBytes: 0 };
    w.queries += 1;
    w.bytesScanned += s.bytesScanned!;
    w.billedBytes += Math.max(s.bytesScanned!, minBytes);
    by.set(workgroup, w);
  }
  return { workgroups: [...by.values()].sort((a, b) => (a.workgroup < b.workgroup ? -1 : 1)), statements };
}

/** The audit log's `kind:name` as a principal with its groups (one since dropped: its name alone). */
async function principal(catalog: Catalog, text: string): Promise<Principal> {
  const colon = text.indexOf(':');
  const name = text.slice(colon + 1);
  const kind = text.slice(0, colon) === 'service' ? 'service' : 'user';
  return principalOf(catalog, name).catch(() => ({ name, kind }));
}
