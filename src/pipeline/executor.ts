import { EventEmitter } from 'node:events';
import { JobQueue, newLease, type Job, type Lease } from '../catalog/index.js';
import { Cancelled, CommitConflict, EnvironmentFault, errorBody, isUserError, NotFound } from '../errors.js';
import type { Project } from '../project/index.js';
import { endTaskJob, ingestTaskJob, INGEST_TASK } from './ingest-spread.js';
import { runTask } from './maintenance-task.js';
import type { CompactTables } from './maintenance.js';
import { runPipeline, type RunOptions, type RunResult, type Trigger } from './run.js';
import { storedRunResult } from './stored-run.js';
import type { MaintenanceTask, RunRequest, RunRequested, RunRequester } from './run-request.js';
import type { RetryPolicy } from './step-guard.js';

export interface ExecutorOptions {
  /** The executor's name, kept with each run it makes (`silt runs` shows it): a worker's, or `serve`. */
  name?: string;
  /**
   * Jobs at once (default 1). Pipeline runs take the project's run lock, so at most one of them
   * runs at a time whatever this says; the other slots take maintenance tasks (vacuum, check).
   */
  concurrency?: number;
  /** Per-step retries of failures that may pass (default 2 retries, 1 s backoff, doubling). */
  retry?: RetryPolicy;
  stepTimeoutMs?: number;
  runTimeoutMs?: number;
  /** How long a taken job is held without a heartbeat before another executor may take it (default 30 s). */
  leaseMs?: number;
  /** How often the queue is looked at when nothing woke the executor (default 1 s). */
  pollMs?: number;
  /**
   * Times a job may be taken, each cut short by a crash or a stop, before it fails (default 20):
   * a job that kills its server each time (say, the system's out-of-memory killer) ends, while
   * a server stopped or killed a few times over loses no request.
   */
  maxAttempts?: number;
  /**
   * How a pipeline run is made (default: runPipeline): the server wraps it with what a run emits
   * beyond the catalog (lineage events, logs, metrics, alerts).
   */
  runPipeline?: (project: Project, opts: RunOptions) => Promise<RunResult>;
  /** Compaction for the maintenance policy's `compact:` (none: those tables are reported skipped). */
  compact?: CompactTables;
  /**
   * Spread each run's ingest over the queue's workers in tasks of this many landing files (0 or
   * absent: a run ingests in its own process). This executor takes such tasks too.
   */
  ingestTaskFiles?: number;
  /** Told when a job starts and when it ends (for logs, metrics, alerts). */
  onJob?: (job: Job, phase: 'started' | 'ended') => void;
}

/** A job this executor is running. */
interface Running {
  job: Job;
  stop: AbortController;
  /** Stopped because the server stops: the job goes back to the queue, not to `cancelled`. */
  shutdown: boolean;
  done: Promise<void>;
}

/** The event that wakes every waiter when the executor has stopped. */
const STOPPED = Symbol('stopped');

/** How long a job waits to be taken again when another process holds the run lock. */
const LOCKED_RETRY_MS = 2_000;

/**
 * The executor of `silt serve`: takes jobs from the persisted queue (catalog.jobs) and runs them
 * — a pipeline run (`runPipeline`) or a maintenance task — under a lease it renews, with per-step
 * retries, timeouts and cancellation. Every pipeline run it makes is in the run log with its job,
 * so runs asked for by hand, by a trigger or by a schedule look alike.
 */
export class Executor implements RunRequester {
  private readonly lease: Lease = newLease();
  private readonly running = new Map<string, Running>();
  private readonly ended = new EventEmitter();
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private stopping = false;
  private stopped = false;
  private started = false;
  private readonly opts: Required<Omit<ExecutorOptions, 'name' | 'ingestTaskFiles' | 'stepTimeoutMs' | 'runTimeoutMs' | 'onJob' | 'runPipeline' | 'compact'>> & ExecutorOptions;

  constructor(
    private readonly project: Project,
    opts: ExecutorOptions = {},
  ) {
    this.opts = { concurrency: 1, retry: { retries: 2, backoffMs: 1_000 }, leaseMs: 30_000, pollMs: 1_000, maxAttempts: 20, ...opts };
    this.ended.setMaxListeners(0);
  }

  private get jobs(): JobQueue {
    return this.project.catalog.jobs;
  }

  /** Starts taking jobs, first those a crashed or stopped server left. */
  start(): this {
    this.started = true;
    const tick = (): void => {
      this.wake();
      this.timer = setTimeout(tick, this.opts.pollMs);
      this.timer.unref();
    };
    tick();
    return this;
  }

  async request(r: RunRequest): Promise<RunRequested> {
    if (this.stopping) throw new EnvironmentFault('run: the server is stopping and takes no new runs; ask again once it is back', { code: 'server_stopping' });
    const { job, created } = await this.jobs.enqueue(r);
    this.wake();
    return { jobId: job.jobId, created };
  }

  /** Cancels a queued job, or stops a running one (its step commits nothing). NotFound for an unknown id. */
  async cancel(jobId: string): Promise<Job> {
    const job = await this.jobs.requestCancel(jobId);
    if (!job) throw new NotFound(`run: no job ${jobId}; GET /v1/runs lists runs and their jobs`, { code: 'job_not_found', details: { key: jobId } });
    this.running.get(jobId)?.stop.abort(cancelledByRequest());
    return job;
  }

  /** The job once it has ended, or as it is when `timeoutMs` passes or the executor stops first. */
  async wait(jobId: string, timeoutMs = Infinity): Promise<Job> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.jobs.get(jobId);
      if (!job) throw new NotFound(`run: no job ${jobId}`, { code: 'job_not_found', details: { key: jobId } });
      if (JobQueue.isDone(job.status) || Date.now() >= deadline || this.stopped) return job;
      // Woken when a job of this executor ends; polled for one another process ends.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(t);
          this.ended.off(jobId, done).off(STOPPED, done);
          resolve();
        };
        const t = setTimeout(done, Math.min(500, Math.max(0, deadline - Date.now())));
        this.ended.once(jobId, done).once(STOPPED, done);
      });
    }
  }

  /**
   * Stops taking jobs; lets the running ones finish within `graceMs`, then stops them: their jobs
   * go back to the queue and are taken again when a server next starts.
   */
  async stop(graceMs = 30_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    await this.pumping;
    const all = () => Promise.all([...this.running.values()].map((r) => r.done));
    let late: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([all().then(() => true), new Promise<boolean>((resolve) => (late = setTimeout(() => resolve(false), graceMs)))]);
    clearTimeout(late);
    if (!inTime) {
      for (const r of this.running.values()) {
        r.shutdown = true;
        r.stop.abort(new Cancelled('run: stopped because the server is shutting down; its job is queued again and runs when the server starts again'));
      }
      await all();
    }
    this.stopped = true;
    this.ended.emit(STOPPED);
  }

  private wake(): void {
    if (this.stopping || !this.started) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.again = false;
        await this.fill().catch(() => undefined);
      } while (this.again && !this.stopping);
    })().finally(() => (this.pumping = undefined));
  }

  /** Takes jobs while there are free slots. */
  private async fill(): Promise<void> {
    while (!this.stopping && this.running.size < this.opts.concurrency) {
      const pipelineBusy = [...this.running.values()].some((r) => r.job.request.task === undefined);
      const job = await this.jobs.claim(this.lease, this.opts.leaseMs, { tasksOnly: pipelineBusy, maxAttempts: this.opts.maxAttempts });
      if (!job) return;
      const entry: Running = { job, stop: new AbortController(), shutdown: false, done: Promise.resolve() };
      this.running.set(job.jobId, entry);
      // A job whose end could not be recorded (the metadata store unreachable) is taken again once its lease lapses.
      entry.done = this.execute(entry).catch(() => undefined).finally(() => {
        this.running.delete(job.jobId);
        this.ended.emit(job.jobId);
        this.wake();
      });
    }
  }

  private async execute(entry: Running): Promise<void> {
    const { job, stop } = entry;
    const owner = this.lease.owner;
    this.opts.onJob?.(job, 'started');
    const beat = setInterval(() => void this.beat(entry).catch(() => undefined), Math.max(50, this.opts.leaseMs / 3));
    const timeout = this.opts.runTimeoutMs
      ? setTimeout(() => stop.abort(new EnvironmentFault(`run: ran past its run timeout of ${this.opts.runTimeoutMs} ms and was stopped; steps not yet done committed nothing`, { code: 'run_timeout' })), this.opts.runTimeoutMs)
      : undefined;
    let runId: string | undefined;
    try {
      if (job.cancelRequested) return void (await this.jobs.finish(job.jobId, owner, { status: 'cancelled' }));
      // A run that had succeeded when its server died before it could say so is not made twice.
      const before = job.runId ? await this.project.catalog.runLog.run(job.runId) : undefined;
      if (before?.run.status === 'succeeded') {
        return void (await this.jobs.finish(job.jobId, owner, { status: 'succeeded', runId: before.run.runId, result: storedRunResult(before) }));
      }
      const { request } = job;
      if (request.task === INGEST_TASK) return void (await endTaskJob(this.project.catalog, job, owner, this.opts.maxAttempts, () => ingestTaskJob(this.project, job, this.opts.name ?? 'serve')));
      if (request.task) {
        const result = await runTask(this.project, request.task as MaintenanceTask, request.select, this.opts.compact);
        await this.jobs.finish(job.jobId, owner, { status: 'succeeded', result });
        return;
      }
      const result: RunResult = await (this.opts.runPipeline ?? runPipeline)(this.project, {
        ...(request.select ? { select: request.select } : {}),
        trigger: request.trigger as Trigger,
        signal: stop.signal,
        retry: this.opts.retry,
        ...(this.opts.stepTimeoutMs ? { stepTimeoutMs: this.opts.stepTimeoutMs } : {}),
        jobId: job.jobId,
        ...(this.opts.name ? { worker: this.opts.name } : {}),
        ...(this.opts.ingestTaskFiles ? { spread: { filesPerTask: this.opts.ingestTaskFiles, worker: this.opts.name ?? 'serve', leaseMs: this.opts.leaseMs, maxAttempts: this.opts.maxAttempts } } : {}),
        onStart: (id) => {
          runId = id;
          void this.jobs.setRun(job.jobId, owner, id).catch(() => undefined);
        },
      });
      if (entry.shutdown) return void (await this.jobs.release(job.jobId, owner));
      const cancelled = stop.signal.aborted && isUserError(stop.signal.reason) && stop.signal.reason.code === 'cancelled';
      await this.jobs.finish(job.jobId, owner, { status: cancelled ? 'cancelled' : result.status, runId: result.runId, result });
    } catch (e) {
      if (entry.shutdown) return void (await this.jobs.release(job.jobId, owner));
      // Another process (a `silt run --local`) holds the run lock: this job waits its turn.
      if (e instanceof CommitConflict && runId === undefined) return void (await this.jobs.release(job.jobId, owner, Date.now() + LOCKED_RETRY_MS));
      const error = { ...errorBody(e).error, kind: isUserError(e) ? e.kind : 'internal' };
      await this.jobs.finish(job.jobId, owner, { status: 'failed', ...(runId ? { runId } : {}), error });
    } finally {
      clearInterval(beat);
      clearTimeout(timeout);
      const ended = await this.jobs.get(job.jobId).catch(() => undefined);
      if (ended) this.opts.onJob?.(ended, 'ended');
    }
  }

  /** Renews the lease; a cancel asked through the store (by another process) stops the run here. */
  private async beat(entry: Running): Promise<void> {
    const { held, cancelRequested } = await this.jobs.heartbeat(entry.job.jobId, this.lease.owner, this.opts.leaseMs);
    if (cancelRequested) entry.stop.abort(cancelledByRequest());
    else if (!held) {
      entry.shutdown = true;
      entry.stop.abort(new EnvironmentFault('run: this server lost its hold on the job (it was not heard from in time); another takes it', { code: 'lease_lost' }));
    }
  }
}

function cancelledByRequest(): Cancelled {
  return new Cancelled('run: cancelled on request; steps not yet done committed nothing');
}
