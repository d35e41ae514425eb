/**
 * A source Silt pulls from (a database table, an HTTP API) instead of one whose files land. A
 * connector only reads: the pull driver lands each chunk in bronze and keeps the state.
 */

/** What a connector needs to resume where the last landed chunk ended (JSON, kept in the catalog). */
export type ConnectorState = { [key: string]: unknown };

export interface PulledChunk {
  /** Rows as JSON objects, in pull order. */
  records: Record<string, unknown>[];
  /** The state to resume from once this chunk (and every one before it) is landed. */
  state: ConnectorState;
}

export interface PullOptions {
  signal: AbortSignal;
  /** At most this many records a chunk, so a large source streams. */
  chunkRows: number;
  /** Progress lines (rows, pages, elapsed) for the run's log. */
  log: (line: string) => void;
}

export interface Connector {
  /** Pulls everything after `state` (undefined: from the beginning), chunk by chunk. */
  pull(state: ConnectorState | undefined, options: PullOptions): AsyncIterable<PulledChunk>;
}
