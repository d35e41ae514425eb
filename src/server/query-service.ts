import { isAccessStatement, isAdministrator, projectGrants, runAccessStatement } from '../governance/index.js';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { QueryRecord, QueryStatus } from '../catalog/index.js';
import { type Cell, type Engine, type Limits, type Principal, type QueryStats, type ResultColumn, SqlSession } from '../engine/index.js';
import { Cancelled, errorBody, type ErrorBody, LimitExceeded, NotFound } from '../errors.js';
import type { Project } from '../project/index.js';
import { ResultRows } from './query-results.js';
import { type DownloadFormat, writeDownload } from './query-download.js';

/**
 * How much the server keeps of finished queries' results. Each result stays in memory up to
 * `memoryBytesPerQuery`, then spills to `.silt/results/<id>.ndjson`; finished results are dropped
 * after `keepMs`, and the oldest first while all kept results pass `maxKeptBytes`. A result larger
 * than `maxResultBytes` fails its query with LimitExceeded (a download of everything belongs in
 * `silt query --output` run alone, or a LIMIT).
 */
export interface QueryServiceOptions {
  memoryBytesPerQuery?: number;
  keepMs?: number;
  maxKeptBytes?: number;
  maxResultBytes?: number;
  /** Statements running at once; more wait as `queued`. */
  maxRunning?: number;
  /** Told when a statement ends, however it ended (for the query metrics). */
  onEnded?: (facts: { elapsedMs: number; bytesScanned?: number; ok: boolean }) => void;
}

const DEFAULTS: Required<Omit<QueryServiceOptions, 'onEnded'>> = {
  memoryBytesPerQuery: 4 << 20,
  keepMs: 60 * 60_000,
  maxKeptBytes: 1 << 30,
  maxResultBytes: 256 << 20,
  maxRunning: 8,
};

export interface QueryView {
  id: string;
  sql: string;
  principal: string;
  status: QueryStatus;
  started_at: string;
  elapsed_ms: number;
  columns: ResultColumn[] | null;
  row_count: number;
  bytes_scanned: number | null;
  stats: QueryStats | null;
  /** What a write or DDL statement did. */
  message: string | null;
  snapshot_id: string | null;
  error: ErrorBody['error'] | null;
  /** Whether its rows can still be read (results, stream, download). */
  results_kept: boolean;
}

interface LiveQuery {
  id: string;
  sql: string;
  principal: Principal;
  status: QueryStatus;
  startedMs: number;
  finishedMs?: number;
  columns?: ResultColumn[];
  scan?: Omit<QueryStats, 'rows' | 'elapsed_ms'>;
  /** A write's own stats: rows written, not rows returned. */
  writeStats?: QueryStats;
  rows: ResultRows;
  /** Rows it returned before it failed, once they are dropped. */
  rowCount?: number;
  message?: string;
  snapshotId?: string;
  failure?: unknown;
  controller: AbortController;
  /** The history row's insert, written while the statement runs; its end is recorded after it. */
  started: Promise<void>;
  done: Promise<void>;
  /** Resolved once the columns are known, or the statement has ended without them. */
  described: Promise<void>;
  describe: () => void;
}

/** The statements the API runs: each on its own connection, at most `maxRunning` at once, results kept for a while. */
export class QueryService {
  private readonly opts: Required<Omit<QueryServiceOptions, 'onEnded'>> & Pick<QueryServiceOptions, 'onEnded'>;
  private readonly live = new Map<string, LiveQuery>();
  /** Ended queries whose results are kept, in the order they ended, and those results' bytes. */
  private readonly ended: { q: LiveQuery; bytes: number }[] = [];
  private endedBytes = 0;
  private readonly waiting = new Set<() => void>();
  private running = 0;
  private session: Promise<SqlSession> | undefined;
  private engine: Engine | undefined;
  private readonly resultsDir: string;
  private readonly ready: Promise<void>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly project: Project,
    opts: QueryServiceOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    this.resultsDir = path.join(project.config.dir, '.silt', 'results');
    // Results of an earlier server are not ours to serve; its unfinished statements ended with it.
    rmSync(this.resultsDir, { recursive: true, force: true });
    this.ready = project.catalog.queryHistory.markAbandoned();
    // Results past their time go even when no new query comes to drop them.
    this.sweeper = setInterval(() => this.evict(), Math.max(1000, Math.min(this.opts.keepMs, 60_000)));
    this.sweeper.unref();
  }

  /** Starts `sql`; resolves once it has ended or `waitMs` has passed. A statement refused in that time throws its error. */
  async submit(sql: string, principal: Principal, limits: Limits, waitMs: number): Promise<QueryView> {
    await this.ready;
    this.evict();
    const id = randomUUID();
    const q: LiveQuery = {
      id,
      sql,
      principal,
      status: 'queued',
      startedMs: Date.now(),
      rows: new ResultRows(path.join(this.resultsDir, `${id}.ndjson`), this.opts.memoryBytesPerQuery),
      controller: new AbortController(),
      started: Promise.resolve(),
      done: Promise.resolve(),
      described: Promise.resolve(),
      describe: () => undefined,
    };
    q.described = new Promise<void>((r) => (q.describe = r));
    // Not awaited before the statement starts: the history row is a record, not a gate (a failure to write it does not fail the statement).
    q.started = this.project.catalog.queryHistory.start({ queryId: id, sql, principal: principal.name, startedMs: q.startedMs }).catch(() => undefined);
    this.live.set(id, q);
    q.done = this.run(q, limits);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([q.done, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
    if (q.status === 'failed') throw q.failure;
    return this.view(q);
  }

  /** `asker` sees its own statements; an administrator everyone's; another's is as unknown as a missing one. */
  async status(id: string, asker: Principal): Promise<QueryView> {
    const q = this.live.get(id);
    if (q) return this.view(mine(q, q.principal.name, asker));
    const r = await this.project.catalog.queryHistory.get(id);
    if (!r) throw unknownQuery(id);
    return recordView(mine(r, r.principal, asker));
  }

  /** Stops the statement (DuckDB is interrupted: within a second); a finished one is left as it is. */
  async cancel(id: string, asker: Principal): Promise<QueryView> {
    const q = this.live.get(id);
    if (!q) return this.status(id, asker);
    mine(q, q.principal.name, asker);
    q.controller.abort();
    await q.done;
    return this.view(q);
  }

  /** Rows [offset, offset + limit) of what the query has returned so far; a failed query's error instead. */
  async page(id: string, offset: number, limit: number, asker: Principal): Promise<{ view: QueryView; rows: Cell[][] }> {
    const q = await this.withRows(id, asker);
    if (q.status === 'failed' || q.status === 'cancelled') throw q.failure;
    return { view: this.view(q), rows: await q.rows.page(offset, limit) };
  }

  /**
   * NDJSON lines as the rows arrive: `{"columns":[…]}`, then one JSON array per row, then
   * `{"status":"succeeded","row_count":n}`, or the error model's body if the statement fails.
   */
  async *stream(id: string, asker: Principal): AsyncGenerator<string> {
    const q = await this.withRows(id, asker);
    await q.described;
    if (q.columns) yield JSON.stringify({ columns: q.columns }) + '\n';
    for await (const rows of q.rows.follow()) yield rows.map((r) => JSON.stringify(r) + '\n').join('');
    await q.done;
    yield JSON.stringify(q.status === 'succeeded' ? { status: q.status, row_count: q.rows.count } : errorBody(q.failure)) + '\n';
  }

  /** The whole result as a file (CSV, Parquet or NDJSON) once the query has succeeded; the caller removes it. */
  async download(id: string, format: DownloadFormat, asker: Principal): Promise<string> {
    const q = await this.withRows(id, asker);
    await q.done;
    if (q.status !== 'succeeded') throw q.failure;
    const engine = await this.project.openEngine();
    try {
      return await writeDownload(engine, this.resultsDir, q.columns ?? [], q.rows.follow(), format);
    } finally {
      engine.close();
    }
  }

  /** Newest first; only `principal`'s statements when named. */
  async history(limit: number, offset: number, principal?: string): Promise<QueryRecord[]> {
    await this.ready;
    return this.project.catalog.queryHistory.list({ limit, offset, ...(principal !== undefined ? { principal } : {}) });
  }

  /** Stops every statement and drops every kept result. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const q of this.live.values()) q.controller.abort();
    await Promise.all([...this.live.values()].map((q) => q.done));
    for (const q of this.live.values()) await q.rows.dispose();
    this.live.clear();
    this.ended.length = 0;
    this.endedBytes = 0;
    this.engine?.close();
  }

  private async withRows(id: string, asker: Principal): Promise<LiveQuery> {
    const q = this.live.get(id);
    if (q) return mine(q, q.principal.name, asker);
    const r = await this.project.catalog.queryHistory.get(id);
    if (r && mine(r, r.principal, asker)) {
      throw new NotFound(`query ${id}: its results are no longer kept (the server keeps them ${this.opts.keepMs / 60_000} minutes, within a total size); run it again`, {
        code: 'query_results_expired',
        details: { key: id },
      });
    }
    throw unknownQuery(id);
  }

  private async run(q: LiveQuery, limits: Limits): Promise<void> {
    let holding = false;
    try {
      await this.slot(q);
      holding = true;
      q.status = 'running';
      const session = await this.sessionOf();
      const signal = q.controller.signal;
      if (SqlSession.isQuery(q.sql)) {
        const batches = session.stream(q.sql, {
          principal: q.principal,
          signal,
          limits,
          onColumns: (c) => {
            q.columns = c;
            q.describe();
          },
          onScan: (s) => (q.scan = s),
        });
        for await (const batch of batches) {
          if (q.rows.bytes > this.opts.maxResultBytes) {
            throw new LimitExceeded(`query: the result is larger than the ${this.opts.maxResultBytes >> 20} MiB the server keeps of one query; add a LIMIT, aggregate, or run it with \`silt query --local --output FILE\``);
          }
          await q.rows.append(batch);
        }
      } else {
        const r = isAccessStatement(q.sql)
          ? await runAccessStatement(projectGrants(this.project.catalog, this.project.config), q.principal, q.sql)
          : await session.execute(q.sql, { principal: q.principal, signal, limits, maxRows: Number.MAX_SAFE_INTEGER });
        q.columns = r.columns;
        const { rows: _rows, elapsed_ms: _elapsed, ...scan } = r.stats;
        q.scan = scan;
        q.writeStats = r.stats;
        if (r.message !== undefined) q.message = r.message;
        if (r.snapshotId !== undefined) q.snapshotId = r.snapshotId;
        await q.rows.append(r.rows);
      }
      q.status = 'succeeded';
    } catch (e) {
      q.failure = e;
      q.status = e instanceof Cancelled ? 'cancelled' : 'failed';
    } finally {
      q.finishedMs = Date.now();
      q.rows.end();
      q.describe();
      if (holding) this.release();
      this.opts.onEnded?.({ elapsedMs: q.finishedMs - q.startedMs, ...(q.scan?.bytes_scanned !== undefined ? { bytesScanned: q.scan.bytes_scanned } : {}), ok: q.status === 'succeeded' });
      await this.record(q);
      if (this.live.get(q.id) === q) {
        this.ended.push({ q, bytes: q.rows.bytes });
        this.endedBytes += q.rows.bytes;
      }
    }
  }

  private async record(q: LiveQuery): Promise<void> {
    const v = this.view(q);
    await q.started;
    await this.project.catalog.queryHistory
      .finish({
        queryId: q.id,
        status: q.status,
        finishedMs: q.finishedMs ?? Date.now(),
        rows: v.row_count,
        bytesScanned: v.bytes_scanned,
        columns: q.columns ? JSON.stringify(q.columns) : null,
        error: v.error ? JSON.stringify({ error: v.error }) : null,
      })
      .catch(() => undefined); // history is a record; a failure to write it does not fail the statement
    if (q.status !== 'succeeded') {
      q.rowCount = q.rows.count;
      await q.rows.dispose();
    }
  }

  /** Waits for a free place among the running; a cancel while queued ends the wait. */
  private async slot(q: LiveQuery): Promise<void> {
    const signal = q.controller.signal;
    while (this.running >= this.opts.maxRunning && !signal.aborted) {
      await new Promise<void>((wake) => {
        this.waiting.add(wake);
        signal.addEventListener('abort', () => wake(), { once: true });
      });
    }
    if (signal.aborted) throw new Cancelled('query: the statement was cancelled before it started; nothing was run');
    this.running += 1;
  }

  /** Every waiter looks again (one of them takes the place): a cancelled waiter cannot swallow the wake-up. */
  private release(): void {
    this.running -= 1;
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const wake of waiting) wake();
  }

  private sessionOf(): Promise<SqlSession> {
    this.session ??= this.project.openUserSqlEngine().then((engine) => {
      this.engine = engine;
      return new SqlSession(engine, this.project.catalog, { policy: this.project.accessPolicy, governor: this.project.governance, trinoForms: true });
    });
    return this.session;
  }

  /** Drops finished results past their time, then the oldest while all kept pass the bound. */
  private evict(now = Date.now()): void {
    while (this.ended.length > 0) {
      const { q, bytes } = this.ended[0]!;
      if (now - q.finishedMs! < this.opts.keepMs && this.endedBytes <= this.opts.maxKeptBytes) break;
      this.ended.shift();
      this.endedBytes -= bytes;
      this.live.delete(q.id);
      void q.rows.dispose();
    }
  }

  private view(q: LiveQuery): QueryView {
    const elapsed = (q.finishedMs ?? Date.now()) - q.startedMs;
    const error = q.failure === undefined ? null : errorBody(q.failure).error;
    return {
      id: q.id,
      sql: q.sql,
      principal: q.principal.name,
      status: q.status,
      started_at: new Date(q.startedMs).toISOString(),
      elapsed_ms: elapsed,
      columns: q.columns ?? null,
      row_count: q.rowCount ?? q.rows.count,
      bytes_scanned: q.scan?.bytes_scanned ?? null,
      stats: q.status !== 'succeeded' ? null : (q.writeStats ?? (q.scan ? { ...q.scan, rows: q.rows.count, elapsed_ms: elapsed } : null)),
      message: q.message ?? null,
      snapshot_id: q.snapshotId ?? null,
      error,
      results_kept: q.status === 'succeeded' || q.status === 'running' || q.status === 'queued',
    };
  }
}

function recordView(r: QueryRecord): QueryView {
  return {
    id: r.queryId,
    sql: r.sql,
    principal: r.principal,
    status: r.status,
    started_at: new Date(r.startedMs).toISOString(),
    elapsed_ms: (r.finishedMs ?? Date.now()) - r.startedMs,
    columns: r.columns ? (JSON.parse(r.columns) as ResultColumn[]) : null,
    row_count: r.rows ?? 0,
    bytes_scanned: r.bytesScanned,
    stats: null,
    message: null,
    snapshot_id: null,
    error: r.error ? (JSON.parse(r.error) as ErrorBody).error : null,
    results_kept: false,
  };
}

/** `item` when `asker` ran it or administers the project; otherwise NotFound, as if there were no such query. */
function mine<T extends { queryId?: string; id?: string }>(item: T, ranBy: string, asker: Principal): T {
  if (ranBy === asker.name || isAdministrator(asker)) return item;
  throw unknownQuery(String(item.queryId ?? item.id));
}

function unknownQuery(id: string): NotFound {
  return new NotFound(`query ${id} does not exist; GET /v1/queries lists the queries run`, { code: 'query_not_found', details: { key: id } });
}
