import type { Kysely } from 'kysely';
import type { MetadataDb } from './db.js';

export interface IngestedFile {
  source: string;
  fingerprint: string;
  path: string;
  size: number;
  batchId: string;
  snapshotId: string | null;
  rows: number;
  rejects: number;
  ingestedMs: number;
}

/** The ledger of files ingested into bronze, keyed by content fingerprint per source. */
export class IngestedFiles {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async has(source: string, fingerprint: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('silt_ingested_files')
      .select('fingerprint')
      .where('source', '=', source)
      .where('fingerprint', '=', fingerprint)
      .executeTakeFirst();
    return row !== undefined;
  }

  async list(source?: string): Promise<IngestedFile[]> {
    let q = this.db.selectFrom('silt_ingested_files').selectAll();
    if (source !== undefined) q = q.where('source', '=', source);
    const rows = await q.orderBy('ingested_ms').orderBy('path').execute();
    return rows.map((r) => ({
      source: r.source,
      fingerprint: r.fingerprint,
      path: r.path,
      size: Number(r.size),
      batchId: r.batch_id,
      snapshotId: r.snapshot_id,
      rows: Number(r.rows),
      rejects: Number(r.rejects),
      ingestedMs: Number(r.ingested_ms),
    }));
  }

  /** Records files; a fingerprint already recorded is left as it is. */
  async record(files: readonly IngestedFile[]): Promise<void> {
    if (files.length === 0) return;
    await this.db
      .insertInto('silt_ingested_files')
      .values(
        files.map((f) => ({
          source: f.source,
          fingerprint: f.fingerprint,
          path: f.path,
          size: f.size,
          batch_id: f.batchId,
          snapshot_id: f.snapshotId,
          rows: f.rows,
          rejects: f.rejects,
          ingested_ms: f.ingestedMs,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}
