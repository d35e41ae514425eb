import type { Catalog } from '../catalog/index.js';
import type { Engine, ReadAccess, SqlSession } from '../engine/index.js';
import type { ObjectStore } from '../storage/index.js';
import type { IngestSpread } from './ingest-spread.js';
import type { Trigger } from './run-request.js';
import type { Layers } from '../config/index.js';
import type { TrinoClient } from '../trino/index.js';

/** The project's Trino (silt.yaml `trino:`), and whether every step runs there (`engine.steps: trino`). */
export interface TrinoSteps {
  client?: TrinoClient;
  everyStep: boolean;
}

/** What every step of a run works with. */
export interface StepContext {
  catalog: Catalog;
  store: ObjectStore;
  engine: Engine;
  session: SqlSession;
  /** Who the run reads as, and the policy that says what: every read of a table goes through it. */
  access: ReadAccess;
  runId: string;
  /** The namespaces of bronze, silver and gold (`layers:` in silt.yaml). */
  layers: Layers;
  /** What started the run; a run the landing watcher asked for leaves files it has not vouched for yet. */
  trigger: Trigger;
  /** Salts the hashes of masked PII. */
  secret: string;
  progress: (message: string) => void;
  /** Rebuild the step's table from all its upstream rows, in one commit replacing its content. */
  fullRefresh?: boolean;
  /** Set when the run spreads its ingest over the job queue's workers (see ingest-spread.ts). */
  spread?: IngestSpread;
  /** The project's Trino, for steps that run there (`engine: trino`). */
  trino?: TrinoSteps;
  /** Aborted when the run is cancelled or the step runs out of time; the step's engines are halted then. */
  signal?: AbortSignal;
}

/** What a step did; the run records it and checks the reconciliation. */
export interface StepOutcome {
  rowsIn: number;
  rowsWritten: number;
  rowsQuarantined: number;
  rowsDeduplicated: number;
  bytesWritten: number;
  snapshotId?: string;
  /** Step-specific facts (files, expectation results, new columns), recorded as JSON. */
  details: Record<string, unknown>;
  /** What the user should know though nothing failed (a renamed header, a guessed type); shown and recorded. */
  warnings?: string[];
}
