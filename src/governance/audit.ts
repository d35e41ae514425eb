/**
 * The audit log: every statement a governed session runs (query, commit, refusal), and the events
 * other parts report (grant changes, token use), each kept in the metadata store at once, so an
 * event is durable before the caller goes on. `publishAudit` moves them in batches into the
 * Iceberg table `system.audit` (one commit per batch; an event already there is not added again),
 * which only administrators may read.
 */
import { randomUUID } from 'node:crypto';
import type { AuditRecord, Catalog } from '../catalog/index.js';
import { type Engine, PIPELINE, type Principal, quoteLiteral, SqlSession, type StatementEvent } from '../engine/index.js';
import { Cancelled, LimitExceeded, SiltError } from '../errors.js';

export const AUDIT_TABLE = { namespace: 'system', name: 'audit' } as const;

export interface AuditEvent {
  principal: Principal;
  /** query, commit, refused, grant, revoke, token, … */
  action: string;
  statement?: string;
  tables?: readonly string[];
  columns?: readonly string[];
  bytesScanned?: number;
  outcome: 'ok' | 'failed' | 'refused' | 'limited' | 'cancelled';
  detail?: string;
}

export class AuditLog {
  constructor(private readonly catalog: Catalog) {}

  /** Keeps one event; the interface the grants and tokens code reports through. */
  async record(e: AuditEvent): Promise<void> {
    const row: AuditRecord = {
      auditId: randomUUID(),
      atMs: Date.now(),
      principal: `${e.principal.kind}:${e.principal.name}`,
      action: e.action,
      statement: e.statement === undefined ? null : elideSecrets(e.statement),
      tables: e.tables ?? [],
      columns: e.columns ?? [],
      bytesScanned: e.bytesScanned ?? null,
      outcome: e.outcome,
      detail: e.detail === undefined ? null : elideSecrets(e.detail),
    };
    await this.catalog.governance.audit(row);
  }

  /** A statement's end, as the session tells it. */
  statement(e: StatementEvent): Promise<void> {
    const outcome = outcomeOf(e.error);
    return this.record({
      principal: e.principal,
      action: outcome === 'refused' ? 'refused' : e.snapshotId !== undefined ? 'commit' : 'query',
      statement: e.sql,
      tables: e.tables,
      columns: e.columns,
      bytesScanned: e.bytesScanned,
      outcome,
      ...(e.error !== undefined ? { detail: e.error instanceof Error ? e.error.message : String(e.error) } : {}),
      ...(e.snapshotId !== undefined ? { detail: `snapshot ${e.snapshotId}` } : {}),
    });
  }
}

function outcomeOf(error: unknown): AuditEvent['outcome'] {
  if (error === undefined) return 'ok';
  if (error instanceof LimitExceeded) return 'limited';
  if (error instanceof Cancelled) return 'cancelled';
  if (error instanceof SiltError && error.code === 'access_denied') return 'refused';
  return 'failed';
}

/** Secrets a statement may carry (`SECRET '…'`, `password = '…'`, tokens) as `'***'`. */
export function elideSecrets(text: string): string {
  return text
    .replace(/\b(secret|password|passwd|token|api_key|access_key|secret_key|key_id|session_token|client_secret)(\s*(?:=|:|\bas\b)?\s*)'(?:[^']|'')*'/gi, "$1$2'***'")
    .replace(/\bsilt_[A-Za-z0-9_-]{16,}\b/g, 'silt_***');
}

const COLUMNS = 'audit_id VARCHAR, occurred_at TIMESTAMPTZ, principal VARCHAR, action VARCHAR, statement VARCHAR, tables VARCHAR, columns VARCHAR, bytes_scanned BIGINT, outcome VARCHAR, detail VARCHAR';

/** Moves kept events into `system.audit`, `batch` per commit; returns how many it added. */
export async function publishAudit(catalog: Catalog, engine: Engine, batch = 1000): Promise<number> {
  const session = new SqlSession(engine, catalog, { principal: PIPELINE });
  const table = `${AUDIT_TABLE.namespace}.${AUDIT_TABLE.name}`;
  let added = 0;
  for (;;) {
    const rows = await catalog.governance.unpublished(batch);
    if (rows.length === 0) return added;
    if (!(await catalog.tableExists(AUDIT_TABLE.namespace, AUDIT_TABLE.name))) {
      await catalog.createNamespace(AUDIT_TABLE.namespace, {}, { ifNotExists: true });
      await session.execute(`CREATE TABLE ${table} (${COLUMNS})`);
    }
    // A batch committed by a publisher that died before marking it is not added twice.
    const ids = rows.map((r) => quoteLiteral(r.auditId)).join(', ');
    const there = new Set((await session.execute(`SELECT audit_id FROM ${table} WHERE audit_id IN (${ids})`, { maxRows: batch })).rows.map((r) => String(r[0])));
    const fresh = rows.filter((r) => !there.has(r.auditId));
    if (fresh.length > 0) {
      const text = (v: string | null) => (v === null ? 'NULL' : quoteLiteral(v));
      const values = fresh.map((r) =>
        `(${[
          text(r.auditId),
          `make_timestamptz(${r.atMs * 1000}::BIGINT)`,
          text(r.principal),
          text(r.action),
          text(r.statement),
          text(JSON.stringify(r.tables)),
          text(JSON.stringify(r.columns)),
          r.bytesScanned === null ? 'NULL' : String(r.bytesScanned),
          text(r.outcome),
          text(r.detail),
        ].join(', ')})`,
      );
      await session.execute(`INSERT INTO ${table} VALUES ${values.join(', ')}`);
      added += fresh.length;
    }
    await catalog.governance.markPublished(rows.map((r) => r.auditId));
  }
}
