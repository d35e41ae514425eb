import { pino, type DestinationStream, type Logger } from 'pino';
import type { RunFacts, StepFacts } from './run-facts.js';

export type { Logger };

/**
 * The server's log: one JSON object per line (`level`, `time` as ISO text, `msg`, and the ids of
 * what it is about). Written synchronously to `stream` (stdout by default), never through
 * pino's worker-thread transports: they locate their worker file on disk, which the bundled CLI
 * does not ship, and a crash would lose the lines still queued.
 */
export function createLogger(opts: { stream?: DestinationStream | NodeJS.WritableStream; level?: string } = {}): Logger {
  return pino(
    {
      level: opts.level ?? process.env['SILT_LOG_LEVEL'] ?? 'info',
      base: { service: 'silt' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    (opts.stream as DestinationStream | undefined) ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** A run's lines all carry its `run_id`. */
export function runLogger(log: Logger, runId: string): Logger {
  return log.child({ run_id: runId });
}

/** A step's lines carry its `step_id` beside the run's `run_id`. */
export function stepLogger(runLog: Logger, stepId: string): Logger {
  return runLog.child({ step_id: stepId });
}

/** The line a step's end leaves: an error for a failed step, info otherwise. */
export function logStepEnd(runLog: Logger, step: StepFacts): void {
  const log = stepLogger(runLog, step.id);
  const fields = {
    kind: step.kind,
    table: step.table,
    status: step.status,
    elapsed_ms: step.elapsedMs,
    ...(step.rowsIn !== undefined ? { rows_in: step.rowsIn, rows_written: step.rowsWritten, rows_quarantined: step.rowsQuarantined } : {}),
  };
  if (step.status === 'failed') log.error({ ...fields, err: step.error }, `step ${step.id} failed`);
  else log.info(fields, `step ${step.id} ${step.status}`);
}

/** The line a run's end leaves, with its status, duration and how many steps failed. */
export function logRunEnd(runLog: Logger, run: RunFacts): void {
  const failed = run.steps.filter((s) => s.status === 'failed').map((s) => s.id);
  const fields = { status: run.status, elapsed_ms: run.elapsedMs, steps: run.steps.length, ...(failed.length ? { failed_steps: failed } : {}) };
  if (run.status === 'failed') runLog.error(fields, `run ${run.runId} failed`);
  else runLog.info(fields, `run ${run.runId} ${run.status}`);
}
