import { randomBytes } from 'node:crypto';
import { newLease, type Catalog, type Job } from '../catalog/index.js';
import type { Engine } from '../engine/index.js';
import { Cancelled, errorBody, isUnreachable, isUserError, RunFailed } from '../errors.js';
import { stageTask, type IngestTask, type SourceConfig } from '../ingest/index.js';
import type { Project } from '../project/index.js';
import { pipelineConfig } from './config.js';
import { outlasting } from './outage.js';

/** The job task of one ingest task (a batch of a run's landing files). */
export const INGEST_TASK = 'ingest-files';

/** How a run spreads its ingest over the workers of the job queue. */
export interface IngestSpread {
  /** New landing files per task; a source with no more than this is ingested by the run itself. */
  filesPerTask: number;
  /** Kept with each task the run does itself. */
  worker: string;
  leaseMs: number;
  /** Times a task may be taken, each cut short by a crash, before it fails (and the step with it). */
  maxAttempts: number;
}

/** What an ingest task's job keeps as its result. */
export interface IngestTaskResult {
  task: typeof INGEST_TASK;
  source: string;
  seq: number;
  files: number;
  rows: number;
  /** False when an earlier attempt had staged the task already. */
  staged: boolean;
}

const POLL_MS = 100;
/** The run takes its own tasks among the first of these still open (an `IN` list of bounded length). */
const CLAIM_AMONG = 500;

/**
 * Queues a run's ingest tasks as jobs that any worker may take, and takes them too while it waits
 * (so a run with one worker is not left waiting on itself). Resolves when every task succeeded;
 * throws when one failed, was cancelled or gave up, having cancelled the others still queued.
 */
export function queueIngestTasks(catalog: Catalog, engine: Engine, config: SourceConfig, spread: IngestSpread, signal?: AbortSignal): (tasks: IngestTask[]) => Promise<void> {
  const lease = newLease();
  return async (tasks) => {
    // Unique per round: a step run again within its run queues new jobs, not the old ones.
    const round = randomBytes(4).toString('hex');
    const ids: string[] = [];
    for (const t of tasks) {
      const { job } = await catalog.jobs.enqueue({
        trigger: 'ingest',
        task: INGEST_TASK,
        dedupeKey: `${INGEST_TASK}:${t.runId}:${t.source}:${t.seq}:${round}`,
        reason: `${t.files.length} landing files of ${t.source} for run ${t.runId}`,
        payload: t,
      });
      ids.push(job.jobId);
    }
    let open = ids;
    const cancelRest = () => Promise.all(open.map((id) => catalog.jobs.requestCancel(id).catch(() => undefined)));
    for (;;) {
      if (signal?.aborted) {
        await cancelRest();
        throw signal.reason instanceof Error ? signal.reason : new Cancelled('run: cancelled');
      }
      const mine = await outlasting(() => catalog.jobs.claim(lease, spread.leaseMs, { only: open.slice(0, CLAIM_AMONG), maxAttempts: spread.maxAttempts }), { signal });
      if (mine) {
        await doTaskJob(catalog, engine, config, mine, lease.owner, spread);
        continue;
      }
      const state = await outlasting(() => catalog.jobs.outstanding(open), { signal });
      const failed = state.ended;
      if (failed) {
        await cancelRest();
        const why = failed.error?.message ?? failed.status;
        throw new RunFailed(`ingest: task ${(failed.request.payload as IngestTask).seq} (job ${failed.jobId}) ${failed.status}: ${why}; nothing of this ingest was committed; run again`);
      }
      open = state.open;
      if (open.length === 0) return;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
}

/**
 * Does a task job this process holds, heartbeating its lease, and ends it. A task that met an
 * outage (its store unreachable) goes back to the queue, to be taken again after a backoff by any
 * worker, rather than failing its run. A task whose end could not be recorded is taken again once
 * its lease lapses (staging twice is no harm: the first staging stands).
 */
async function doTaskJob(catalog: Catalog, engine: Engine, config: SourceConfig, job: Job, owner: string, spread: IngestSpread): Promise<void> {
  const beat = setInterval(() => void catalog.jobs.heartbeat(job.jobId, owner, spread.leaseMs).catch(() => undefined), Math.max(50, spread.leaseMs / 3));
  try {
    await endTaskJob(catalog, job, owner, spread.maxAttempts, () => runIngestTask(catalog, engine, config, job, spread.worker));
  } finally {
    clearInterval(beat);
  }
}

/**
 * Runs a task job's work and records its end: succeeded, failed, or given back to the queue after
 * an outage (until it has been taken `maxAttempts` times: then the outage fails it).
 */
export async function endTaskJob(catalog: Catalog, job: Job, owner: string, maxAttempts: number, work: () => Promise<IngestTaskResult>): Promise<void> {
  let end: Parameters<Catalog['jobs']['finish']>[2] | undefined;
  try {
    end = { status: 'succeeded', result: await work() };
  } catch (e) {
    if (isUnreachable(e) && job.attempts < maxAttempts) {
      const backoffMs = Math.min(10_000, 500 * 2 ** Math.max(0, job.attempts - 1));
      await catalog.jobs.release(job.jobId, owner, Date.now() + backoffMs).catch(() => undefined);
      return;
    }
    end = { status: 'failed', error: { ...errorBody(e).error, kind: isUserError(e) ? e.kind : 'internal' } };
  }
  await outlasting(() => catalog.jobs.finish(job.jobId, owner, end)).catch(() => undefined);
}

async function runIngestTask(catalog: Catalog, engine: Engine, config: SourceConfig, job: Job, worker: string): Promise<IngestTaskResult> {
  const task = job.request.payload as IngestTask;
  const { staged, batch } = await stageTask(catalog, engine, config, task, { jobId: job.jobId, worker });
  return { task: INGEST_TASK, source: task.source, seq: task.seq, files: batch?.files.length ?? 0, rows: batch?.rowsWritten ?? 0, staged };
}

/** An ingest task a worker took from the queue, done on an engine of its own. */
export async function ingestTaskJob(project: Project, job: Job, worker: string): Promise<IngestTaskResult> {
  const task = job.request.payload as IngestTask;
  // The task of a run that ended (its worker died, and a new run took its job) would never be committed.
  const run = await project.catalog.runLog.run(task.runId);
  if (run?.run.status !== 'running') return { task: INGEST_TASK, source: task.source, seq: task.seq, files: 0, rows: 0, staged: false };
  const config = pipelineConfig(project.config).sources[task.source];
  if (!config) throw new RunFailed(`ingest: task ${task.seq} of run ${task.runId} names source ${task.source}, which silt.yaml no longer declares`);
  const engine = await project.openEngine();
  try {
    return await runIngestTask(project.catalog, engine, config, job, worker);
  } finally {
    engine.close();
  }
}
