/**
 * What observe reads of a pipeline run. The shapes are the pipeline's own (a RunResult fits),
 * declared here so that this foundation needs nothing from the services above it.
 */
export interface StepFacts {
  id: string;
  kind: string;
  /** `ns.table` the step writes. */
  table: string;
  status: string;
  elapsedMs: number;
  rowsIn?: number;
  rowsWritten?: number;
  rowsQuarantined?: number;
  snapshotId?: string;
  error?: string;
  details?: Record<string, unknown>;
}

export interface RunFacts {
  runId: string;
  status: string;
  steps: readonly StepFacts[];
  startedMs: number;
  elapsedMs: number;
}

export interface ExpectationFacts {
  rule: string;
  column?: string;
  failing_rows: number;
}

/** The expectation results a silver or gold step recorded in its details. */
export function expectationsOf(step: StepFacts): ExpectationFacts[] {
  const list = step.details?.['expectations'];
  if (!Array.isArray(list)) return [];
  return list.filter((x): x is ExpectationFacts => typeof x === 'object' && x !== null && typeof x.rule === 'string' && typeof x.failing_rows === 'number');
}

/** The landing files an ingest step took, with when each arrived (its modification time) and was committed, if recorded. */
export function ingestedFilesOf(step: StepFacts): { path: string; arrivedMs?: number; committedMs?: number }[] {
  const list = step.details?.['files'];
  if (!Array.isArray(list)) return [];
  return list.filter((f) => typeof f === 'object' && f !== null && f.status === 'ingested' && typeof f.path === 'string');
}
