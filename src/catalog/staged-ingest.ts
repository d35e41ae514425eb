import type { Kysely } from 'kysely';
import type { MetadataDb } from './db.js';

/** One ingest task's output, written but not committed: the batch is the ingest layer's JSON. */
export interface StagedTask {
  runId: string;
  source: string;
  seq: number;
  jobId: string;
  worker: string;
  stagedMs: number;
  batch: string;
}

/**
 * Ingest tasks' written files, staged until their run commits them to the table in one commit
 * per table (see pipeline/ingest-spread.ts). One row per (run, source, task sequence number): the
 * first attempt of a task to stage wins, so a task run twice (its worker was taken for dead) is
 * committed once; the loser's files are referenced by nothing and vacuum removes them.
 */
export class StagedIngest {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  /** Stages a task's batch; false when an earlier attempt of the same task staged first. */
  async stage(t: StagedTask): Promise<boolean> {
    const r = await this.db
      .insertInto('silt_ingest_staged')
      .values({ run_id: t.runId, source: t.source, seq: t.seq, job_id: t.jobId, worker: t.worker, staged_ms: t.stagedMs, batch: t.batch })
      .onConflict((oc) => oc.columns(['run_id', 'source', 'seq']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async has(runId: string, source: string, seq: number): Promise<boolean> {
    const row = await this.db.selectFrom('silt_ingest_staged').select('seq').where('run_id', '=', runId).where('source', '=', source).where('seq', '=', seq).executeTakeFirst();
    return row !== undefined;
  }

  /** A run's staged tasks of a source, in task order. */
  async list(runId: string, source: string): Promise<StagedTask[]> {
    const rows = await this.db.selectFrom('silt_ingest_staged').selectAll().where('run_id', '=', runId).where('source', '=', source).orderBy('seq').execute();
    return rows.map((r) => ({ runId: r.run_id, source: r.source, seq: Number(r.seq), jobId: r.job_id, worker: r.worker, stagedMs: Number(r.staged_ms), batch: r.batch }));
  }

  /** Forgets staged tasks (committed, or to be done again). */
  async clear(runId: string, source: string, seqs?: readonly number[]): Promise<void> {
    let q = this.db.deleteFrom('silt_ingest_staged').where('run_id', '=', runId).where('source', '=', source);
    if (seqs) {
      if (seqs.length === 0) return;
      q = q.where('seq', 'in', [...seqs]);
    }
    await q.execute();
  }

  /** Forgets the staged tasks of runs that are no longer running (they will never commit them). Returns how many. */
  async sweep(): Promise<number> {
    const runs = await this.db.selectFrom('silt_ingest_staged').select('run_id').distinct().execute();
    let swept = 0;
    for (const { run_id } of runs) {
      const run = await this.db.selectFrom('silt_runs').select('status').where('run_id', '=', run_id).executeTakeFirst();
      if (run?.status === 'running') continue;
      const r = await this.db.deleteFrom('silt_ingest_staged').where('run_id', '=', run_id).executeTakeFirst();
      swept += Number(r.numDeletedRows);
    }
    return swept;
  }
}
