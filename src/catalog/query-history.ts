import type { Kysely } from 'kysely';
import type { MetadataDb } from './db.js';

export type QueryStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface QueryRecord {
  queryId: string;
  sql: string;
  principal: string;
  status: QueryStatus;
  startedMs: number;
  finishedMs: number | null;
  rows: number | null;
  bytesScanned: number | null;
  /** JSON of the result's columns. */
  columns: string | null;
  /** JSON of the error model's body. */
  error: string | null;
}

const SERVER_GONE = JSON.stringify({
  error: { code: 'server_stopped', message: 'query: the server stopped before the statement finished; submit it again', details: {} },
});

/** The statements the API ran: kept in the metadata store so history outlives the server. */
export class QueryHistory {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async start(q: Pick<QueryRecord, 'queryId' | 'sql' | 'principal' | 'startedMs'>): Promise<void> {
    await this.db
      .insertInto('silt_queries')
      .values({ query_id: q.queryId, sql: q.sql, principal: q.principal, status: 'running', started_ms: q.startedMs, finished_ms: null, rows: null, bytes_scanned: null, columns: null, error: null })
      .execute();
  }

  async finish(q: Pick<QueryRecord, 'queryId' | 'status' | 'finishedMs' | 'rows' | 'bytesScanned' | 'columns' | 'error'>): Promise<void> {
    await this.db
      .updateTable('silt_queries')
      .set({ status: q.status, finished_ms: q.finishedMs, rows: q.rows, bytes_scanned: q.bytesScanned, columns: q.columns, error: q.error })
      .where('query_id', '=', q.queryId)
      .execute();
  }

  /**
   * Statements left running by a server that is gone end as failed: called when a server starts,
   * before it runs any (one server per project, so none of them can still be running).
   */
  async markAbandoned(): Promise<void> {
    await this.db
      .updateTable('silt_queries')
      .set({ status: 'failed', finished_ms: Date.now(), error: SERVER_GONE })
      .where('status', 'in', ['queued', 'running'])
      .execute();
  }

  async get(queryId: string): Promise<QueryRecord | undefined> {
    const r = await this.db.selectFrom('silt_queries').selectAll().where('query_id', '=', queryId).executeTakeFirst();
    return r && toRecord(r);
  }

  /** Newest first. */
  async list(opts: { limit: number; offset: number; principal?: string }): Promise<QueryRecord[]> {
    let q = this.db.selectFrom('silt_queries').selectAll();
    if (opts.principal !== undefined) q = q.where('principal', '=', opts.principal);
    const rows = await q.orderBy('started_ms', 'desc').orderBy('query_id', 'desc').limit(opts.limit).offset(opts.offset).execute();
    return rows.map(toRecord);
  }
}

function toRecord(r: MetadataDb['silt_queries']): QueryRecord {
  const n = (v: number | bigint | null) => (v === null ? null : Number(v));
  return {
    queryId: r.query_id,
    sql: r.sql,
    principal: r.principal,
    status: r.status as QueryStatus,
    startedMs: Number(r.started_ms),
    finishedMs: n(r.finished_ms),
    rows: n(r.rows),
    bytesScanned: n(r.bytes_scanned),
    columns: r.columns,
    error: r.error,
  };
}
