import type { RunRecord, StepRecord } from '../catalog/index.js';
import type { RunResult, StepResult } from './step-result.js';

/** A step as the run log kept it, in the shape a run reports it (details parsed, warnings out of them). */
export function storedStep(s: StepRecord): StepResult {
  const details = s.details ? (JSON.parse(s.details) as Record<string, unknown> & { warnings?: string[] }) : undefined;
  return {
    id: s.step,
    kind: s.kind,
    table: '',
    status: s.status,
    ...(s.status === 'not_run' || s.startedMs === null ? {} : { startedMs: s.startedMs }),
    elapsedMs: (s.finishedMs ?? 0) - (s.startedMs ?? 0),
    rowsIn: s.rowsIn ?? undefined,
    rowsWritten: s.rowsWritten ?? undefined,
    rowsQuarantined: s.rowsQuarantined ?? undefined,
    rowsDeduplicated: s.rowsDeduplicated ?? undefined,
    error: s.error ?? undefined,
    details,
    warnings: details?.warnings,
  };
}

/** A finished run from the run log, as runPipeline returned it (less the error kinds, which the log does not keep). */
export function storedRunResult(found: { run: RunRecord; steps: StepRecord[] }): RunResult {
  const { run, steps } = found;
  return {
    runId: run.runId,
    status: run.status === 'succeeded' ? 'succeeded' : 'failed',
    steps: steps.map(storedStep),
    startedMs: run.startedMs,
    elapsedMs: (run.finishedMs ?? run.startedMs) - run.startedMs,
  };
}
