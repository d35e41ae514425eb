import type { StepStatus } from '../catalog/index.js';
import type { ErrorKind } from '../errors.js';
import type { StepOutcome } from './context.js';
import type { StepNode } from './graph.js';

export interface StepResult extends Partial<StepOutcome> {
  id: string;
  /** A pipeline step's kind, or `export` for a step of `silt export`. */
  kind: StepNode['kind'] | 'export';
  table: string;
  status: StepStatus;
  /** When the step started (epoch ms); absent for a step that did not run. */
  startedMs?: number;
  elapsedMs: number;
  error?: string;
  /** The kind of error that failed the step (`internal` for a bug), so a face can say why the run failed. */
  errorKind?: ErrorKind | 'internal';
  /** The error's finer code (`step_timeout`, `cancelled`, …), when a Silt error failed the step. */
  errorCode?: string;
  /** How many times the step ran, when it ran more than once (retries). */
  attempts?: number;
}

export interface RunResult {
  runId: string;
  status: 'succeeded' | 'failed';
  steps: StepResult[];
  /** Epoch ms. */
  startedMs: number;
  elapsedMs: number;
}
