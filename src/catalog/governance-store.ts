/**
 * What governance keeps in the metadata store: the policies silt.yaml declares (row filters,
 * column masks, workgroups; each a JSON body the governance service reads), the audit log (each
 * event kept at once, then published in batches to the `system.audit` table), and each
 * workgroup's usage per UTC day.
 */
import type { Kysely } from 'kysely';

export interface StoredPolicy {
  policyId: string;
  kind: string;
  /** JSON, as the governance service wrote it. */
  body: string;
  declaredMs: number;
}

export interface AuditRecord {
  auditId: string;
  atMs: number;
  principal: string;
  /** query, commit, refused, grant, token, … */
  action: string;
  statement: string | null;
  tables: readonly string[];
  columns: readonly string[];
  bytesScanned: number | null;
  /** ok, failed, refused, limited. */
  outcome: string;
  detail: string | null;
}

export interface WorkgroupUsage {
  workgroup: string;
  day: string;
  queries: number;
  refused: number;
  bytesScanned: number;
}

interface GovernanceDb {
  silt_policies: { policy_id: string; kind: string; body: string; declared_ms: number };
  silt_audit: {
    audit_id: string;
    at_ms: number;
    principal: string;
    action: string;
    statement: string | null;
    tables: string;
    columns: string;
    bytes_scanned: number | null;
    outcome: string;
    detail: string | null;
    published: number;
  };
  silt_workgroup_usage: { workgroup: string; day: string; queries: number; refused: number; bytes_scanned: number };
}

export class GovernanceStore {
  private readonly db: Kysely<GovernanceDb>;

  constructor(db: Kysely<unknown>) {
    this.db = db as Kysely<GovernanceDb>;
  }

  async policies(): Promise<StoredPolicy[]> {
    const rows = await this.db.selectFrom('silt_policies').selectAll().orderBy('policy_id').execute();
    return rows.map((r) => ({ policyId: r.policy_id, kind: r.kind, body: r.body, declaredMs: Number(r.declared_ms) }));
  }

  /** Replaces every policy with `policies`, in one transaction: readers see the old set or the new. */
  async replacePolicies(policies: readonly StoredPolicy[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('silt_policies').execute();
      for (const p of policies) {
        await tx.insertInto('silt_policies').values({ policy_id: p.policyId, kind: p.kind, body: p.body, declared_ms: p.declaredMs }).execute();
      }
    });
  }

  async audit(r: AuditRecord): Promise<void> {
    await this.db
      .insertInto('silt_audit')
      .values({
        audit_id: r.auditId,
        at_ms: r.atMs,
        principal: r.principal,
        action: r.action,
        statement: r.statement,
        tables: JSON.stringify(r.tables),
        columns: JSON.stringify(r.columns),
        bytes_scanned: r.bytesScanned,
        outcome: r.outcome,
        detail: r.detail,
        published: 0,
      })
      .execute();
  }

  /** Statements (queries and commits) that ended at or after `sinceMs`, oldest first. */
  async statementsSince(sinceMs: number): Promise<AuditRecord[]> {
    const rows = await this.db
      .selectFrom('silt_audit')
      .selectAll()
      .where('action', 'in', ['query', 'commit'])
      .where('at_ms', '>=', sinceMs)
      .orderBy('at_ms')
      .orderBy('audit_id')
      .execute();
    return rows.map(toAudit);
  }

  /** Events not yet in `system.audit`, oldest first. */
  async unpublished(limit: number): Promise<AuditRecord[]> {
    const rows = await this.db.selectFrom('silt_audit').selectAll().where('published', '=', 0).orderBy('at_ms').orderBy('audit_id').limit(limit).execute();
    return rows.map(toAudit);
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      await this.db.updateTable('silt_audit').set({ published: 1 }).where('audit_id', 'in', ids.slice(i, i + 500)).execute();
    }
  }

  /** Adds one statement's bytes (or one refusal) to a workgroup's day. */
  async addUsage(workgroup: string, day: string, add: { queries: number; refused: number; bytesScanned: number }): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const row = await tx.selectFrom('silt_workgroup_usage').selectAll().where('workgroup', '=', workgroup).where('day', '=', day).executeTakeFirst();
      if (!row) {
        await tx.insertInto('silt_workgroup_usage').values({ workgroup, day, queries: add.queries, refused: add.refused, bytes_scanned: add.bytesScanned }).execute();
        return;
      }
      await tx
        .updateTable('silt_workgroup_usage')
        .set({ queries: Number(row.queries) + add.queries, refused: Number(row.refused) + add.refused, bytes_scanned: Number(row.bytes_scanned) + add.bytesScanned })
        .where('workgroup', '=', workgroup)
        .where('day', '=', day)
        .execute();
    });
  }

  async usage(opts: { workgroup?: string; day?: string } = {}): Promise<WorkgroupUsage[]> {
    let q = this.db.selectFrom('silt_workgroup_usage').selectAll();
    if (opts.workgroup !== undefined) q = q.where('workgroup', '=', opts.workgroup);
    if (opts.day !== undefined) q = q.where('day', '=', opts.day);
    const rows = await q.orderBy('day', 'desc').orderBy('workgroup').execute();
    return rows.map((r) => ({ workgroup: r.workgroup, day: r.day, queries: Number(r.queries), refused: Number(r.refused), bytesScanned: Number(r.bytes_scanned) }));
  }
}

function toAudit(r: GovernanceDb['silt_audit']): AuditRecord {
  return {
    auditId: r.audit_id,
    atMs: Number(r.at_ms),
    principal: r.principal,
    action: r.action,
    statement: r.statement,
    tables: JSON.parse(r.tables) as string[],
    columns: JSON.parse(r.columns) as string[],
    bytesScanned: r.bytes_scanned === null ? null : Number(r.bytes_scanned),
    outcome: r.outcome,
    detail: r.detail,
  };
}
