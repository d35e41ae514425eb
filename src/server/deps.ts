import type { Context } from 'hono';
import type { Principal } from '../engine/index.js';
import type { PushService } from '../ingest/index.js';
import type { CompactTables, Executor } from '../pipeline/index.js';
import type { Project } from '../project/index.js';
import type { QueryService } from './query-service.js';

/** What every route of the server reaches: the open project, and who is asking. */
export interface ServerDeps {
  readonly project: Project;
  /** The principal a request acts as: the project's owner until governance adds tokens. */
  principalOf(c: Context): Principal;
  /** HTTP push into landing (`POST /v1/ingest/{source}`); the server closes it on stop. */
  readonly push?: PushService;
  /** Runs and maintenance asked for over HTTP; absent, the runs routes only read history. */
  readonly executor?: Executor;
  /** Statements run over HTTP; the server closes it on stop (absent: the routes make their own). */
  readonly queries?: QueryService;
  /** Compaction for maintenance over HTTP (absent: `compact` is reported skipped). */
  readonly compact?: CompactTables;
  /** Told of an error that is a bug in Silt (a 500), to log it; the client gets no stack. */
  onInternalError?(e: unknown): void;
}
