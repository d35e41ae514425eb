import os from 'node:os';
import type { Kysely } from 'kysely';
import { CommitConflict } from '../errors.js';
import { processAlive } from './active-writes.js';
import type { DbCapabilities, MetadataDb } from './db.js';

export type RunStatus = 'running' | 'succeeded' | 'failed';
export type StepStatus = 'succeeded' | 'failed' | 'skipped' | 'not_run';

export interface RunRecord {
  runId: string;
  trigger: string;
  selector: string | null;
  status: RunStatus;
  startedMs: number;
  finishedMs: number | null;
  error: string | null;
  /** The `silt serve` job that made the run, if a server made it. */
  jobId: string | null;
  /** Where it ran: the host and process, and the executor's name (a `silt worker`'s, or `serve`). */
  host: string | null;
  pid: number | null;
  worker: string | null;
}

/** One line of what a step said while it ran. */
export interface StepLogLine {
  atMs: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface StepRecord {
  runId: string;
  step: string;
  kind: 'ingest' | 'silver' | 'gold' | 'export';
  status: StepStatus;
  startedMs: number | null;
  finishedMs: number | null;
  rowsIn: number | null;
  rowsWritten: number | null;
  rowsQuarantined: number | null;
  rowsDeduplicated: number | null;
  bytesWritten: number | null;
  snapshotId: string | null;
  /** JSON: expectation results, files, reconciliation. */
  details: string | null;
  error: string | null;
}

/** How often a running run says it is alive. */
const HEARTBEAT_MS = 30_000;
/**
 * A run not heard from for this long is gone, whatever its pid says (pids are reused, and another
 * host's or container's cannot be checked). Generous, so a busy run is never taken for dead.
 */
const SILENT_MS = 20 * HEARTBEAT_MS; // 10 minutes, as ABANDONED says

/** A run is alive while it gives heartbeats and, on this host, while its process exists. */
function runAlive(r: MetadataDb['silt_runs'], now = Date.now()): boolean {
  const lastSign = Number(r.heartbeat_ms ?? r.started_ms);
  if (now - lastSign >= SILENT_MS) return false;
  return processAlive(r.host, r.pid === null ? null : Number(r.pid), lastSign);
}

const ABANDONED = 'the run stopped before it finished (its process ended, or was not heard from for 10 minutes); run again: reruns are safe';

/** Pipeline runs and, per step, what went in, where it went, and how long it took. */
export class RunLog {
  /** Heartbeat timers of the runs this process is running. */
  private readonly beats = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly db: Kysely<MetadataDb>,
    private readonly capabilities: Pick<DbCapabilities, 'lockTable'>,
  ) {}

  /**
   * Records the start of a run, unless another run is in progress: two runs at once would race for
   * the same batches, and the loser's steps would fail half-way. Refused (CommitConflict), this one
   * has run nothing. A run whose process has died does not count; it is marked failed here. Until
   * finish(), the run gives a heartbeat every HEARTBEAT_MS.
   */
  async start(run: Pick<RunRecord, 'runId' | 'trigger' | 'selector'> & { jobId?: string; worker?: string }): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      // The lock first, so two runs starting at once queue here, and the second sees the first.
      await this.capabilities.lockTable(tx, 'silt_runs');
      for (const r of await tx.selectFrom('silt_runs').selectAll().where('status', '=', 'running').execute()) {
        const pid = r.pid === null ? null : Number(r.pid);
        if (!runAlive(r)) {
          await tx.updateTable('silt_runs').set({ status: 'failed', finished_ms: Date.now(), error: ABANDONED }).where('run_id', '=', r.run_id).execute();
          continue;
        }
        const who = `pid ${pid ?? '?'}${r.host && r.host !== os.hostname() ? ` on ${r.host}` : ''}`;
        throw new CommitConflict(
          `run: another run is in progress (run ${r.run_id}, ${who}, started ${new Date(Number(r.started_ms)).toISOString()}); ` +
            'nothing was run; retry when it ends (`silt runs` shows it)',
        );
      }
      await tx
        .insertInto('silt_runs')
        .values({
          run_id: run.runId,
          trigger: run.trigger,
          selector: run.selector,
          status: 'running',
          started_ms: Date.now(),
          finished_ms: null,
          error: null,
          host: os.hostname(),
          pid: process.pid,
          heartbeat_ms: Date.now(),
          job_id: run.jobId ?? null,
          worker: run.worker ?? null,
        })
        .execute();
    });
    const beat = setInterval(() => void this.heartbeat(run.runId).catch(() => undefined), HEARTBEAT_MS);
    beat.unref();
    this.beats.set(run.runId, beat);
  }

  private async heartbeat(runId: string): Promise<void> {
    await this.db.updateTable('silt_runs').set({ heartbeat_ms: Date.now() }).where('run_id', '=', runId).where('status', '=', 'running').execute();
  }

  async finish(runId: string, status: RunStatus, error?: string): Promise<void> {
    clearInterval(this.beats.get(runId));
    this.beats.delete(runId);
    await this.db
      .updateTable('silt_runs')
      .set({ status, finished_ms: Date.now(), error: error ?? null })
      .where('run_id', '=', runId)
      .execute();
  }

  async recordStep(s: StepRecord): Promise<void> {
    const row = {
      run_id: s.runId,
      step: s.step,
      kind: s.kind,
      status: s.status,
      started_ms: s.startedMs,
      finished_ms: s.finishedMs,
      rows_in: s.rowsIn,
      rows_written: s.rowsWritten,
      rows_quarantined: s.rowsQuarantined,
      rows_deduplicated: s.rowsDeduplicated,
      bytes_written: s.bytesWritten,
      snapshot_id: s.snapshotId,
      details: s.details,
      error: s.error,
    };
    await this.db
      .insertInto('silt_run_steps')
      .values(row)
      .onConflict((oc) => oc.columns(['run_id', 'step']).doUpdateSet(row))
      .execute();
  }

  /** Newest first; `offset` pages on. */
  async runs(limit = 50, offset = 0): Promise<RunRecord[]> {
    await this.markAbandoned();
    const rows = await this.db.selectFrom('silt_runs').selectAll().orderBy('started_ms', 'desc').orderBy('run_id', 'desc').limit(limit).offset(offset).execute();
    return rows.map(toRun);
  }

  /** Runs started at or after `sinceMs`, oldest first, each with its steps: what `silt cost` prices. */
  async runsSince(sinceMs: number): Promise<{ run: RunRecord; steps: StepRecord[] }[]> {
    await this.markAbandoned();
    const runs = await this.db.selectFrom('silt_runs').selectAll().where('started_ms', '>=', sinceMs).orderBy('started_ms').orderBy('run_id').execute();
    if (runs.length === 0) return [];
    const steps = await this.db
      .selectFrom('silt_run_steps as s')
      .innerJoin('silt_runs as r', 'r.run_id', 's.run_id')
      .selectAll('s')
      .where('r.started_ms', '>=', sinceMs)
      .orderBy('s.started_ms')
      .orderBy('s.step')
      .execute();
    return runs.map((r) => ({ run: toRun(r), steps: steps.filter((s) => s.run_id === r.run_id).map(toStep) }));
  }

  /** The runs a job made (more than one when a crash or shutdown interrupted one), oldest first. */
  async runsOfJob(jobId: string): Promise<RunRecord[]> {
    await this.markAbandoned();
    const rows = await this.db.selectFrom('silt_runs').selectAll().where('job_id', '=', jobId).orderBy('started_ms').execute();
    return rows.map(toRun);
  }

  /** Appends a step's log lines (numbered after those already kept). */
  async appendLog(runId: string, step: string, lines: readonly StepLogLine[]): Promise<void> {
    if (lines.length === 0) return;
    await this.db.transaction().execute(async (tx) => {
      const last = await tx.selectFrom('silt_step_logs').select((eb) => eb.fn.max('seq').as('seq')).where('run_id', '=', runId).where('step', '=', step).executeTakeFirst();
      const from = Number(last?.seq ?? 0) + 1;
      await tx
        .insertInto('silt_step_logs')
        .values(lines.map((l, i) => ({ run_id: runId, step, seq: from + i, at_ms: l.atMs, level: l.level, message: l.message })))
        .execute();
    });
  }

  async log(runId: string, step: string): Promise<StepLogLine[]> {
    const rows = await this.db.selectFrom('silt_step_logs').selectAll().where('run_id', '=', runId).where('step', '=', step).orderBy('seq').execute();
    return rows.map((r) => ({ atMs: Number(r.at_ms), level: r.level as StepLogLine['level'], message: r.message }));
  }

  /** Runs left `running` by a process that is gone ended without finishing. */
  async markAbandoned(): Promise<void> {
    const running = await this.db.selectFrom('silt_runs').selectAll().where('status', '=', 'running').execute();
    for (const r of running) {
      if (!runAlive(r)) await this.finish(r.run_id, 'failed', ABANDONED);
    }
  }

  /** Steps that recorded details (expectation results…), newest run first; only `step`'s when given. */
  async stepsWithDetails(opts: { step?: string; limit: number; offset: number }): Promise<StepOfRun[]> {
    let q = this.db
      .selectFrom('silt_run_steps as s')
      .innerJoin('silt_runs as r', 'r.run_id', 's.run_id')
      .selectAll('s')
      .select(['r.started_ms as run_started_ms', 'r.trigger as trigger'])
      .where('s.details', 'is not', null);
    if (opts.step !== undefined) q = q.where('s.step', '=', opts.step);
    const rows = await q.orderBy('r.started_ms', 'desc').orderBy('s.step').limit(opts.limit).offset(opts.offset).execute();
    return rows.map((s) => ({ ...toStep(s), runStartedMs: Number(s.run_started_ms), trigger: s.trigger }));
  }

  async run(runId: string): Promise<{ run: RunRecord; steps: StepRecord[] } | undefined> {
    await this.markAbandoned();
    const r = await this.db.selectFrom('silt_runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
    if (!r) return undefined;
    const steps = await this.db.selectFrom('silt_run_steps').selectAll().where('run_id', '=', runId).orderBy('started_ms').execute();
    return {
      run: toRun(r),
      steps: steps.map(toStep),
    };
  }
}

function toStep(s: MetadataDb['silt_run_steps']): StepRecord {
  return {
    runId: s.run_id,
    step: s.step,
    kind: s.kind as StepRecord['kind'],
    status: s.status as StepStatus,
    startedMs: num(s.started_ms),
    finishedMs: num(s.finished_ms),
    rowsIn: num(s.rows_in),
    rowsWritten: num(s.rows_written),
    rowsQuarantined: num(s.rows_quarantined),
    rowsDeduplicated: num(s.rows_deduplicated),
    bytesWritten: num(s.bytes_written),
    snapshotId: s.snapshot_id,
    details: s.details,
    error: s.error,
  };
}

/** A step of a past run, with when its run started and what triggered it. */
export interface StepOfRun extends StepRecord {
  runStartedMs: number;
  trigger: string;
}

function toRun(r: MetadataDb['silt_runs']): RunRecord {
  return {
    runId: r.run_id,
    trigger: r.trigger,
    selector: r.selector,
    status: r.status as RunStatus,
    startedMs: Number(r.started_ms),
    finishedMs: num(r.finished_ms),
    error: r.error,
    jobId: r.job_id,
    host: r.host,
    pid: num(r.pid),
    worker: r.worker,
  };
}

function num(v: number | bigint | null): number | null {
  return v === null ? null : Number(v);
}
