import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Kysely } from 'kysely';
import { processAlive } from './active-writes.js';
import type { DbCapabilities, MetadataDb } from './db.js';

/** What a job asks for: the shape of the pipeline's RunRequest, as the store keeps it. */
export interface JobRequest {
  select?: string[];
  trigger: string;
  task?: string;
  dedupeKey?: string;
  reason?: string;
  /** A task's own input (an ingest task's files); such a job is one of a kind, never coalesced. */
  payload?: unknown;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  jobId: string;
  request: JobRequest;
  status: JobStatus;
  /** How many requests this job answers (coalesced ones join a queued job). */
  requests: number;
  /** How many times it was taken; more than one after a crash or a shutdown interrupted it. */
  attempts: number;
  cancelRequested: boolean;
  /** The run it made (the last one, when a crash made it run again). */
  runId: string | null;
  /** JSON the executor kept: the pipeline's RunResult or the task's result. */
  result: unknown;
  /** The error body when the job failed outside its steps (an unknown step, a bad config). */
  error: { code: string; message: string; kind?: string; details?: Record<string, unknown> } | null;
  createdMs: number;
  startedMs: number | null;
  finishedMs: number | null;
  leaseOwner: string | null;
}

export interface Enqueued {
  job: Job;
  created: boolean;
}

/** An executor's claim on a job; it must heartbeat before `expiresMs`, or the job goes back to the queue. */
export interface Lease {
  owner: string;
  host: string;
  pid: number;
}

const DONE: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];
/** Ids per `IN (…)` list, well under SQLite's and PostgreSQL's bound-parameter limits. */
const IN_LIST = 500;

/** A lease's holder, unique per executor. */
export function newLease(): Lease {
  return { owner: `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`, host: os.hostname(), pid: process.pid };
}

function newJobId(): string {
  const ts = new Date().toISOString().replace(/[-:]/g, '').replace(/\.(\d+)Z$/, '$1Z');
  return `job-${ts}-${randomBytes(3).toString('hex')}`;
}

/** Requests that would make the same run: same task, same selection (in any order). */
export function coalesceKey(r: JobRequest): string {
  if (r.payload !== undefined) return JSON.stringify([r.task ?? 'run', r.dedupeKey ?? randomBytes(6).toString('hex')]);
  return JSON.stringify([r.task ?? 'run', [...new Set(r.select ?? [])].sort()]);
}

/**
 * The work queue of `silt serve`, kept in the metadata store so a request once answered is never
 * lost. A job is queued, taken under a lease (owner, expiry renewed by heartbeats), and finished.
 * A job whose lease ran out, or whose owner's process is gone, is queued again and counts an
 * attempt: runs are safe to repeat (ingest takes each file once; silver and gold read from their
 * last processed snapshot), so a crashed run's work is done once by the next. Kysely's query
 * builder, so SQLite and PostgreSQL run the same statements.
 */
export class JobQueue {
  constructor(
    private readonly db: Kysely<MetadataDb>,
    private readonly capabilities: Pick<DbCapabilities, 'lockTable'>,
  ) {}

  /**
   * Queues a request. Its dedupe key, met before, gives that job back (created false), whatever its
   * state; a request for the same selection or task as a job still queued joins that job.
   */
  async enqueue(request: JobRequest, now = Date.now()): Promise<Enqueued> {
    return this.db.transaction().execute(async (tx) => {
      // The lock first, so two enqueuers serialize here and the second sees the first's job.
      await this.capabilities.lockTable(tx, 'silt_jobs');
      if (request.dedupeKey !== undefined) {
        const known = await tx.selectFrom('silt_job_keys').select('job_id').where('dedupe_key', '=', request.dedupeKey).executeTakeFirst();
        const job = known && (await tx.selectFrom('silt_jobs').selectAll().where('job_id', '=', known.job_id).executeTakeFirst());
        if (job) return { job: toJob(job), created: false };
      }
      const key = coalesceKey(request);
      const queued = await tx
        .selectFrom('silt_jobs')
        .selectAll()
        .where('status', '=', 'queued')
        .where('coalesce_key', '=', key)
        .where('cancel_requested', '=', 0)
        .orderBy('created_ms')
        .executeTakeFirst();
      let jobId: string;
      let created: boolean;
      if (queued) {
        await tx.updateTable('silt_jobs').set((eb) => ({ requests: eb('requests', '+', 1) })).where('job_id', '=', queued.job_id).execute();
        jobId = queued.job_id;
        created = false;
      } else {
        jobId = newJobId();
        created = true;
        await tx
          .insertInto('silt_jobs')
          .values({
            job_id: jobId,
            coalesce_key: key,
            request: JSON.stringify(request),
            trigger: request.trigger,
            status: 'queued',
            requests: 1,
            attempts: 0,
            not_before_ms: now,
            lease_owner: null,
            lease_host: null,
            lease_pid: null,
            lease_expires_ms: null,
            cancel_requested: 0,
            run_id: null,
            result: null,
            error: null,
            created_ms: now,
            started_ms: null,
            finished_ms: null,
          })
          .execute();
      }
      if (request.dedupeKey !== undefined) await tx.insertInto('silt_job_keys').values({ dedupe_key: request.dedupeKey, job_id: jobId }).execute();
      const job = await tx.selectFrom('silt_jobs').selectAll().where('job_id', '=', jobId).executeTakeFirstOrThrow();
      return { job: toJob(job), created };
    });
  }

  /**
   * Takes the oldest queued job that is due (with `tasksOnly`, only a task, not a run; with `only`,
   * one of those jobs),
   * first putting back in the queue every job whose lease has lapsed. Undefined when none is due.
   */
  async claim(lease: Lease, leaseMs: number, opts: { tasksOnly?: boolean; maxAttempts?: number; only?: readonly string[] } = {}, now = Date.now()): Promise<Job | undefined> {
    if (opts.only?.length === 0) return undefined;
    await this.requeueLapsed(now, opts.maxAttempts);
    for (;;) {
      let q = this.db
        .selectFrom('silt_jobs')
        .selectAll()
        .where('status', '=', 'queued')
        .where('not_before_ms', '<=', now)
        .orderBy('created_ms')
        .orderBy('job_id');
      // A pipeline run's key starts with its task, `run` (see coalesceKey).
      if (opts.tasksOnly) q = q.where('coalesce_key', 'not like', '["run"%');
      if (opts.only) q = q.where('job_id', 'in', [...opts.only]);
      const next = await q.executeTakeFirst();
      if (!next) return undefined;
      const taken = await this.db
        .updateTable('silt_jobs')
        .set((eb) => ({
          status: 'running',
          attempts: eb('attempts', '+', 1),
          lease_owner: lease.owner,
          lease_host: lease.host,
          lease_pid: lease.pid,
          lease_expires_ms: now + leaseMs,
          started_ms: now,
        }))
        .where('job_id', '=', next.job_id)
        .where('status', '=', 'queued')
        .executeTakeFirst();
      // Another executor took it between the read and the update: look again.
      if (Number(taken.numUpdatedRows) === 1) return this.get(next.job_id);
    }
  }

  /** Jobs held by a lease that lapsed, or by a process on this host that is gone, go back to the queue. */
  async requeueLapsed(now = Date.now(), maxAttempts = Infinity): Promise<string[]> {
    const running = await this.db.selectFrom('silt_jobs').selectAll().where('status', '=', 'running').execute();
    const lapsed = running.filter(
      (j) => Number(j.lease_expires_ms ?? 0) <= now || !processAlive(j.lease_host, j.lease_pid === null ? null : Number(j.lease_pid), now),
    );
    for (const j of lapsed) {
      const giveUp = Number(j.attempts) >= maxAttempts;
      await this.db
        .updateTable('silt_jobs')
        .set(
          giveUp
            ? { status: 'failed', finished_ms: now, lease_owner: null, error: JSON.stringify({ code: 'job_abandoned', kind: 'environment_fault', message: `run: gave up after ${Number(j.attempts)} attempts, each interrupted (its server stopped or crashed while running it); see \`silt runs\`` }) }
            : { status: j.cancel_requested ? 'cancelled' : 'queued', lease_owner: null, lease_expires_ms: null, ...(j.cancel_requested ? { finished_ms: now } : {}) },
        )
        .where('job_id', '=', j.job_id)
        .where('status', '=', 'running')
        .where('lease_owner', '=', j.lease_owner)
        .execute();
    }
    return lapsed.map((j) => j.job_id);
  }

  /** Renews a lease; false when it is no longer the owner's (it lapsed and was taken back). Tells of a cancel asked meanwhile. */
  async heartbeat(jobId: string, owner: string, leaseMs: number, now = Date.now()): Promise<{ held: boolean; cancelRequested: boolean }> {
    const r = await this.db
      .updateTable('silt_jobs')
      .set({ lease_expires_ms: now + leaseMs })
      .where('job_id', '=', jobId)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    const job = await this.get(jobId);
    return { held: Number(r.numUpdatedRows) === 1, cancelRequested: job?.cancelRequested ?? false };
  }

  /** Links the run a job is making, as soon as it has an id. */
  async setRun(jobId: string, owner: string, runId: string): Promise<void> {
    await this.db.updateTable('silt_jobs').set({ run_id: runId }).where('job_id', '=', jobId).where('lease_owner', '=', owner).execute();
  }

  /** Ends a job the owner holds; false if its lease was lost (another has it now). */
  async finish(
    jobId: string,
    owner: string,
    end: { status: 'succeeded' | 'failed' | 'cancelled'; runId?: string; result?: unknown; error?: Job['error'] },
    now = Date.now(),
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('silt_jobs')
      .set({
        status: end.status,
        finished_ms: now,
        lease_owner: null,
        lease_expires_ms: null,
        ...(end.runId !== undefined ? { run_id: end.runId } : {}),
        result: end.result === undefined ? null : JSON.stringify(end.result),
        error: end.error ? JSON.stringify(end.error) : null,
      })
      .where('job_id', '=', jobId)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Gives a job back to the queue (a shutdown, the run lock held by someone else), to be taken again from `notBeforeMs`. */
  async release(jobId: string, owner: string, notBeforeMs = Date.now()): Promise<void> {
    await this.db
      .updateTable('silt_jobs')
      .set({ status: 'queued', lease_owner: null, lease_expires_ms: null, not_before_ms: notBeforeMs })
      .where('job_id', '=', jobId)
      .where('status', '=', 'running')
      .where('lease_owner', '=', owner)
      .execute();
  }

  /**
   * Asks for a job to stop: a queued one is cancelled at once; a running one is marked, and its
   * executor stops it at its next heartbeat (or at once, if it is this process's). The job as it
   * now is; undefined for an unknown id.
   */
  async requestCancel(jobId: string, now = Date.now()): Promise<Job | undefined> {
    await this.db.updateTable('silt_jobs').set({ status: 'cancelled', cancel_requested: 1, finished_ms: now }).where('job_id', '=', jobId).where('status', '=', 'queued').execute();
    await this.db.updateTable('silt_jobs').set({ cancel_requested: 1 }).where('job_id', '=', jobId).where('status', '=', 'running').execute();
    return this.get(jobId);
  }

  async get(jobId: string): Promise<Job | undefined> {
    const row = await this.db.selectFrom('silt_jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  /** The given jobs that are not done yet, and the first that failed or was cancelled, if any: a few statements however many. */
  async outstanding(jobIds: readonly string[]): Promise<{ open: string[]; ended?: Job }> {
    const open: string[] = [];
    for (let i = 0; i < jobIds.length; i += IN_LIST) {
      const rows = await this.db.selectFrom('silt_jobs').select(['job_id', 'status']).where('job_id', 'in', jobIds.slice(i, i + IN_LIST)).execute();
      const bad = rows.find((r) => r.status === 'failed' || r.status === 'cancelled');
      if (bad) return { open, ended: await this.get(bad.job_id) };
      open.push(...rows.filter((r) => r.status !== 'succeeded').map((r) => r.job_id));
    }
    return { open };
  }

  /** The job that made a run, if a job did. */
  async ofRun(runId: string): Promise<Job | undefined> {
    const row = await this.db.selectFrom('silt_jobs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  /** Newest first; `offset` pages on; `status` filters. */
  async list(opts: { limit?: number; offset?: number; status?: JobStatus[] } = {}): Promise<Job[]> {
    let q = this.db.selectFrom('silt_jobs').selectAll();
    if (opts.status?.length) q = q.where('status', 'in', opts.status);
    const rows = await q.orderBy('created_ms', 'desc').orderBy('job_id', 'desc').limit(opts.limit ?? 50).offset(opts.offset ?? 0).execute();
    return rows.map(toJob);
  }

  static isDone(status: JobStatus): boolean {
    return DONE.includes(status);
  }
}

function toJob(r: MetadataDb['silt_jobs']): Job {
  return {
    jobId: r.job_id,
    request: JSON.parse(r.request) as JobRequest,
    status: r.status as JobStatus,
    requests: Number(r.requests),
    attempts: Number(r.attempts),
    cancelRequested: Number(r.cancel_requested) === 1,
    runId: r.run_id,
    result: r.result === null ? null : (JSON.parse(r.result) as unknown),
    error: r.error === null ? null : (JSON.parse(r.error) as Job['error']),
    createdMs: Number(r.created_ms),
    startedMs: r.started_ms === null ? null : Number(r.started_ms),
    finishedMs: r.finished_ms === null ? null : Number(r.finished_ms),
    leaseOwner: r.lease_owner,
  };
}
