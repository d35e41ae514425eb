import type { Kysely } from 'kysely';
import type { MetadataDb } from './db.js';

export interface LandingRequest {
  source: string;
  path: string;
  size: number;
  modifiedMs: number;
  requestedMs: number;
  /** The job the request made; null until the executor answered. */
  jobId: string | null;
}

/**
 * Landing files the server's watcher saw complete and asked a run for, as they were then (size and
 * modification time): a run takes such a file without waiting for it to settle again, and
 * `silt landing` says it was requested. A file changed since is no longer vouched for.
 */
export class LandingRequests {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async list(source?: string): Promise<LandingRequest[]> {
    let q = this.db.selectFrom('silt_landing_requests').selectAll();
    if (source !== undefined) q = q.where('source', '=', source);
    const rows = await q.orderBy('path').execute();
    return rows.map((r) => ({
      source: r.source,
      path: r.path,
      size: Number(r.size),
      modifiedMs: Number(r.modified_ms),
      requestedMs: Number(r.requested_ms),
      jobId: r.job_id,
    }));
  }

  /** Records (or renews) the files of one request, before it is made. */
  async record(files: readonly Omit<LandingRequest, 'jobId'>[]): Promise<void> {
    // SQLite takes at most 32,766 parameters a statement; six a row.
    for (let i = 0; i < files.length; i += 1000) {
      await this.db
        .insertInto('silt_landing_requests')
        .values(files.slice(i, i + 1000).map((f) => ({ source: f.source, path: f.path, size: f.size, modified_ms: f.modifiedMs, requested_ms: f.requestedMs, job_id: null })))
        .onConflict((oc) =>
          oc.columns(['source', 'path']).doUpdateSet((eb) => ({
            size: eb.ref('excluded.size'),
            modified_ms: eb.ref('excluded.modified_ms'),
            requested_ms: eb.ref('excluded.requested_ms'),
            job_id: null,
          })),
        )
        .execute();
    }
  }

  /** The job the executor made (or joined) for files recorded at `requestedMs`. */
  async answered(files: readonly { source: string; path: string }[], requestedMs: number, jobId: string): Promise<void> {
    for (let i = 0; i < files.length; i += 500) {
      const part = files.slice(i, i + 500);
      await this.db
        .updateTable('silt_landing_requests')
        .set({ job_id: jobId })
        .where('requested_ms', '=', requestedMs)
        .where((eb) => eb.or(part.map((f) => eb.and([eb('source', '=', f.source), eb('path', '=', f.path)]))))
        .execute();
    }
  }

  /** Forgets files no longer in landing (`present` holds the keys still there). */
  async forgetGone(present: ReadonlySet<string>): Promise<void> {
    const gone = (await this.db.selectFrom('silt_landing_requests').select(['source', 'path']).execute()).filter((r) => !present.has(r.path));
    for (let i = 0; i < gone.length; i += 500) {
      const part = gone.slice(i, i + 500);
      await this.db
        .deleteFrom('silt_landing_requests')
        .where((eb) => eb.or(part.map((f) => eb.and([eb('source', '=', f.source), eb('path', '=', f.path)]))))
        .execute();
    }
  }
}
