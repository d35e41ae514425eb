import os from 'node:os';
import type { Job } from '../catalog/index.js';
import { createLogger, type Logger } from '../observe/index.js';
import { Executor, type RunResult } from '../pipeline/index.js';
import type { Project } from '../project/index.js';
import { runWithEffects } from './run-effects.js';
import { cacheManifests, serveSettings, type ServeSettings } from './serve-config.js';

export interface WorkerOptions extends Partial<Pick<ServeSettings, 'concurrency' | 'shutdownGraceMs'>> {
  /** Kept with each run it makes (default `worker-HOST-PID`). */
  name?: string;
  /** Where the runs' JSON log lines go (default: stdout). */
  logger?: Logger;
  /** A line per job taken and per job ended (the CLI writes them to stderr). */
  onProgress?: (line: string) => void;
}

export interface RunningWorker {
  readonly name: string;
  readonly executor: Executor;
  /** As `silt serve`'s stop: takes no new job; a running one may finish within the grace, else its job goes back to the queue. */
  stop(): Promise<void>;
}

export function defaultWorkerName(): string {
  return `worker-${os.hostname()}-${process.pid}`;
}

/**
 * `silt worker`: the executor of `silt serve` without the server. It takes jobs from the project's
 * queue in the metadata store (requests, schedules' ticks and landed files that a
 * `silt serve --no-execute` asked for) under a lease, as many workers as there are processes: a
 * worker killed mid-run has its job taken again by another once its lease lapses. The retries and
 * timeouts are silt.yaml's `serve:` ones.
 */
export function startWorker(project: Project, opts: WorkerOptions = {}): RunningWorker {
  const settings = serveSettings(project.config, opts);
  cacheManifests(project, settings);
  const name = opts.name ?? defaultWorkerName();
  const say = opts.onProgress ?? (() => undefined);
  const took = new Map<string, number>();
  const executor = new Executor(project, {
    name,
    runPipeline: runWithEffects(opts.logger ?? createLogger()),
    concurrency: settings.concurrency,
    retry: { retries: settings.retries, backoffMs: settings.retryBackoffMs },
    ...(settings.stepTimeoutMs ? { stepTimeoutMs: settings.stepTimeoutMs } : {}),
    ...(settings.runTimeoutMs ? { runTimeoutMs: settings.runTimeoutMs } : {}),
    ingestTaskFiles: settings.ingestTaskFiles,
    onJob: (job, phase) => {
      if (phase === 'started') took.set(job.jobId, Date.now());
      const since = took.get(job.jobId) ?? Date.now();
      if (phase === 'ended') took.delete(job.jobId);
      say(`${name}: ${phase === 'started' ? taken(job) : ended(job, Date.now() - since)}`);
    },
  }).start();
  return { name, executor, stop: () => executor.stop(settings.shutdownGraceMs) };
}

function taken(job: Job): string {
  const what = job.request.task ?? (job.request.select?.length ? `run ${job.request.select.join(' ')}` : 'run');
  return `took job ${job.jobId} (${what}, trigger ${job.request.trigger}${job.attempts > 1 ? `, attempt ${job.attempts}` : ''})`;
}

function ended(job: Job, elapsedMs: number): string {
  const result = job.result as Partial<RunResult> | null;
  const rows = (result?.steps ?? []).reduce((n, s) => n + (s.kind === 'ingest' ? (s.rowsWritten ?? 0) : 0), 0);
  const why = job.error ? `: ${job.error.message}` : '';
  const ran = job.runId ? `, run ${job.runId}, ${rows} rows ingested` : '';
  return `job ${job.jobId} ${job.status === 'running' || job.status === 'queued' ? 'handed back to the queue' : job.status}${ran}, ${(elapsedMs / 1000).toFixed(1)} s${why}`;
}
