/** What a statement handler is given and gives back; the session (session.ts) adds timing. */
import type { Engine } from '../core/index.js';
import type { QueryBinder } from './query-binder.js';
import type { TableResolver } from './table-resolver.js';

export interface ResultColumn {
  name: string;
  /** DuckDB type text, e.g. BIGINT, DECIMAL(10,2), STRUCT(a INTEGER). */
  type: string;
}

/** JSON-safe cell values: BIGINT/HUGEINT/DECIMAL as strings, dates and timestamps as ISO text. */
export type Cell = null | boolean | number | string | Cell[] | { [key: string]: Cell };

/** What each statement handler returns. */
export interface StatementOutcome {
  columns?: ResultColumn[];
  rows?: Cell[][];
  truncated?: boolean;
  totalRows?: number;
  rowCount: number;
  message?: string;
  snapshotId?: bigint;
}

export interface StatementContext {
  engine: Engine;
  resolver: TableResolver;
  binder: QueryBinder;
  /** Target data file size for writes (unpartitioned tables). */
  targetFileBytes?: number;
  /** Checked before a write commits: a cancelled statement commits nothing. */
  signal?: AbortSignal;
}
