/**
 * Lakehouse SQL over catalog tables. Each statement runs on a connection of its own, over
 * relations bound for it alone (query-binder.ts), as its principal may see them (access-policy.ts):
 * any number run at once. Writes and DDL become exactly one Iceberg commit each (or none when
 * they fail or are cancelled). User SQL never names a file: see query-ast.ts and sql-statement.ts.
 */
import { type AccessPolicy, ALLOW_ALL, type Engine, execSql, OWNER, type Principal, quoteIdent, rejectStatement, type WritePrivilege } from '../core/index.js';
import { runDdl } from './ddl-statements.js';
import { QueryBinder, type ScanStats } from './query-binder.js';
import { copyQuery, runQuery, streamQuery, type CopyFormat } from './query-run.js';
import { runMerge } from './merge-statement.js';
import { runRewrite } from './rewrite-statements.js';
import { parseStatement } from './sql-statement.js';
import type { Cell, ResultColumn, StatementContext, StatementOutcome } from './statement-types.js';
import type { TableResolver } from './table-resolver.js';
import { rewriteTimeTravel } from './time-travel.js';
import { runWrite } from './write-statements.js';
import { registerTrinoMacros } from './trino-forms.js';
import { runViewStatement } from './view-statements.js';
import { Cancelled, InvalidInput, LimitExceeded } from '../../errors.js';

export type { Cell, ResultColumn } from './statement-types.js';

export interface QueryStats extends ScanStats {
  /** Rows returned by a query, or rows written/changed by a write. */
  rows: number;
  elapsed_ms: number;
}

export interface QueryResult {
  columns: ResultColumn[];
  rows: Cell[][];
  /** More rows existed than `maxRows`; only the first `maxRows` are in `rows`. */
  truncated: boolean;
  /** Rows the query produced, kept or not (for a query; the rows kept otherwise). */
  totalRows: number;
  stats: QueryStats;
  /** What a write or DDL statement did, e.g. "inserted 3 rows into sales.orders". */
  message?: string;
  /** The snapshot a write committed, as a decimal string. */
  snapshotId?: string;
}

/** Bounds a statement must stay within, else it fails with LimitExceeded naming the bound. */
export interface Limits {
  /** Rows a query may return. */
  rows?: number;
  /** Bytes of data files a statement may scan, counted from the pruned files before reading. */
  bytesScanned?: number;
  /** Milliseconds a statement may run. */
  wallMs?: number;
}

export interface ExecuteOptions {
  /** Rows kept in the result (default 10,000); the statement itself always runs to completion. */
  maxRows?: number;
  /** Target data file size for writes (unpartitioned tables). */
  targetFileBytes?: number;
  /** Who runs the statement (default: the project's owner). */
  principal?: Principal;
  /** Aborting it stops the statement (within a second) and commits nothing. */
  signal?: AbortSignal;
  limits?: Limits;
}

export interface SessionOptions extends ExecuteOptions {
  /** What each principal may read (default: everything). */
  policy?: AccessPolicy;
  /**
   * Athena's (Trino's) forms mean what they mean in Trino (`date_diff` counts whole units, a date
   * plus an interval is a date, …): for SQL people type (`silt query`, the query API). Off, DuckDB's
   * meanings hold, as pipeline models were written for. Views always read their SQL with it on.
   */
  trinoForms?: boolean;
  /** Bounds each principal's statements and is told how each ended (workgroups, audit). */
  governor?: StatementGovernor;
}

/** What a statement did, told to the governor when it ends. */
export interface StatementEvent {
  principal: Principal;
  sql: string;
  /** `ns.t` of each table it read or wrote, lower case. */
  tables: string[];
  /** `ns.t.column` of each column it named (every column of a table it read with `*`). */
  columns: string[];
  bytesScanned: number;
  /** The snapshot a write committed. */
  snapshotId?: string;
  error?: unknown;
}

/** Limits a principal's statements get, and how to name who set them in the error. */
export interface GovernedLimits {
  limits: Limits;
  /** E.g. "workgroup analysts: 10000 bytes scanned per query"; added to a LimitExceeded these limits cause. */
  setBy: string;
}

export interface StatementGovernor {
  limitsFor(principal: Principal): Promise<GovernedLimits | undefined>;
  /** Throws when `principal` may not write or alter `table` (an append-only table Silt keeps). */
  mayChange(principal: Principal, table: { namespace: string; name: string }): Promise<void>;
  ended(event: StatementEvent): Promise<void>;
}

export interface StreamOptions extends ExecuteOptions {
  /** Rows per batch, at most (default: DuckDB's chunk, 2,048). */
  batchRows?: number;
  /** Told the result's columns once DuckDB knows them, before the first batch. */
  onColumns?: (columns: ResultColumn[]) => void;
  /** Told what the statement will scan once its tables are bound (bytes_scanned, files…). */
  onScan?: (stats: Omit<QueryStats, 'rows' | 'elapsed_ms'>) => void;
}

/** A statement's own connection and bindings, for as long as it runs. */
interface Running {
  engine: Engine;
  binder: QueryBinder;
  options: ExecuteOptions;
  started: number;
  /** Aborted when the caller cancels or the wall time runs out: a write checks it before committing. */
  signal: AbortSignal;
  /** The error a limit or cancel put in place of DuckDB's "Interrupted". */
  stopped(e: unknown): unknown;
  /** `snapshotId` of a committed write, for the governor. */
  end(snapshotId?: string): Promise<void>;
}

export class SqlSession {
  /** Statements that run on the session's own connection (their TEMP results stay there). */
  private queue: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly resolver: TableResolver,
    private readonly defaults: SessionOptions = {},
  ) {}

  /** Runs one statement on a connection of its own: statements run side by side. */
  async execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    const opts = { ...this.defaults, ...options };
    const travel = rewriteTimeTravel(sql);
    let statement = parseStatement(travel.sql);
    // A view keeps its SQL as the user wrote it; it is prepared again each time it is read.
    if (statement.kind === 'create-view') statement = parseStatement(sql);
    await this.checkWrite(statement, opts.principal ?? OWNER);
    const run = await this.begin(opts, travel.refs, true, sql);
    const { engine, binder } = run;
    let committed: string | undefined;
    const ctx: StatementContext = {
      engine,
      resolver: this.resolver,
      binder,
      ...(opts.targetFileBytes ? { targetFileBytes: opts.targetFileBytes } : {}),
      signal: run.signal,
    };
    try {
      if ('table' in statement) await this.defaults.governor?.mayChange(opts.principal ?? OWNER, statement.table);
      let outcome: StatementOutcome;
      switch (statement.kind) {
        case 'query': {
          const bound = await binder.bind(statement.query);
          outcome = await runQuery(engine, statement.prefix ? `${statement.prefix} ${bound.sql}` : bound.sql, opts.maxRows ?? 10_000, run.options.limits?.rows);
          break;
        }
        case 'create-as':
        case 'insert':
          outcome = await this.guarded(statement.table, () => runWrite(ctx, statement));
          break;
        case 'delete':
        case 'update':
          outcome = await this.guarded(statement.table, () => runRewrite(ctx, statement));
          break;
        case 'merge':
          outcome = await this.guarded(statement.table, () => runMerge(ctx, statement));
          break;
        case 'create-view':
        case 'drop-view':
          outcome = await runViewStatement(ctx, statement);
          break;
        case 'rejected':
          return await rejectStatement(engine, travel.sql, statement.verb);
        default:
          outcome = await runDdl(ctx, statement);
      }
      committed = outcome.snapshotId?.toString();
      return this.result(outcome, binder.stats, run.started);
    } catch (e) {
      throw run.stopped(e);
    } finally {
      await run.end(committed);
    }
  }

  /** Runs a query and yields its rows in batches as DuckDB makes them; stopping early ends it. */
  async *stream(sql: string, options: StreamOptions = {}): AsyncGenerator<Cell[][]> {
    const opts = { ...this.defaults, ...options };
    const { query, refs } = this.checkedSelect(sql, 'only a SELECT can be streamed');
    const run = await this.begin(opts, refs, true, sql);
    try {
      const bound = await run.binder.bind(await query(run.engine));
      opts.onScan?.({ ...run.binder.stats });
      yield* streamQuery(run.engine, bound.sql, opts.batchRows, run.options.limits?.rows, opts.onColumns);
    } catch (e) {
      throw run.stopped(e);
    } finally {
      await run.end();
    }
  }

  /** Whether `sql` is a single SELECT, the one kind of statement `stream` runs (writes and DDL go to `execute`). */
  static isQuery(sql: string): boolean {
    try {
      const statement = parseStatement(rewriteTimeTravel(sql).sql);
      return statement.kind === 'query' && statement.sql === statement.query;
    } catch {
      return false; // `execute` reports what is wrong with it
    }
  }

  /** Runs a query and writes its result to a local file (CSV, Parquet or NDJSON); returns the row count. */
  copyTo(sql: string, path: string, format: CopyFormat, options: ExecuteOptions = {}): Promise<QueryResult> {
    return this.select(sql, 'only a SELECT can be exported to a file', options, false, async (engine, query) => {
      const rows = await copyQuery(engine, query, path, format);
      return { rowCount: rows, message: `wrote ${rows} rows to ${path}` };
    });
  }

  /**
   * Runs a user's SELECT over catalog tables into a DuckDB temp table `relation` of the session's
   * own connection (replacing it), through the same gate as `execute`; the pipeline builds gold
   * models and lookups with it.
   */
  materialize(sql: string, relation: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    return this.select(sql, 'a model must be a single SELECT', options, false, async (engine, query) => {
      await execSql(engine, `CREATE OR REPLACE TEMP TABLE ${quoteIdent(relation)} AS ${query}`, 'query');
      const [count] = await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(relation)}`);
      return { rowCount: Number(count?.n ?? 0) };
    });
  }

  /** A single SELECT through the statement gate, with its tables bound, queued on the session's own connection unless `fork`. */
  private select(
    sql: string,
    notSelect: string,
    options: ExecuteOptions,
    fork: boolean,
    fn: (engine: Engine, query: string) => Promise<StatementOutcome>,
  ): Promise<QueryResult> {
    const go = async (): Promise<QueryResult> => {
      const opts = { ...this.defaults, ...options };
      const { query, refs } = this.checkedSelect(sql, notSelect);
      const run = await this.begin(opts, refs, fork, sql);
      try {
        const bound = await run.binder.bind(await query(run.engine));
        return this.result(await fn(run.engine, bound.sql), run.binder.stats, run.started);
      } catch (e) {
        throw run.stopped(e);
      } finally {
        await run.end();
      }
    };
    const run = this.queue.then(go);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The SELECT of `sql` (after time travel), or the refusal of what is not one. */
  private checkedSelect(sql: string, notSelect: string): { query: (engine: Engine) => Promise<string>; refs: ReturnType<typeof rewriteTimeTravel>['refs'] } {
    const travel = rewriteTimeTravel(sql);
    const statement = parseStatement(travel.sql);
    const query = async (engine: Engine): Promise<string> => {
      if (statement.kind === 'rejected') return rejectStatement(engine, travel.sql, statement.verb);
      if (statement.kind !== 'query' || statement.sql !== statement.query) throw new InvalidInput(`query: ${notSelect}`);
      return statement.query;
    };
    return { query, refs: travel.refs };
  }

  /**
   * A connection for one statement (a fork of the session's, or the session's own when `own` is
   * false), its binder, and the cancel and wall-time watch that interrupt it.
   */
  private async begin(opts: ExecuteOptions, refs: ReturnType<typeof rewriteTimeTravel>['refs'], fork: boolean, sql: string): Promise<Running> {
    const started = performance.now();
    if (opts.signal?.aborted) throw cancelled();
    const principal = opts.principal ?? OWNER;
    const governor = this.defaults.governor;
    const governed = await governor?.limitsFor(principal);
    if (governed) opts = { ...opts, limits: tightest(opts.limits, governed.limits) };
    await this.init();
    const engine = fork ? await this.engine.fork() : this.engine;
    const binder = new QueryBinder(engine, this.resolver, refs, {
      access: { principal, policy: this.defaults.policy ?? ALLOW_ALL },
      ...(opts.limits?.bytesScanned !== undefined ? { maxBytesScanned: opts.limits.bytesScanned } : {}),
      ownConnection: fork,
      trinoForms: this.defaults.trinoForms ?? false,
    });
    let failure: unknown;
    let why: Error | undefined;
    const halt = new AbortController();
    // An interrupt reaches only a statement DuckDB is running: one that falls between two (while
    // the statement is bound, say) is lost, so it repeats until the statement ends.
    let interrupting: NodeJS.Timeout | undefined;
    const stop = (e: Error): void => {
      why ??= e;
      halt.abort(e);
      engine.interrupt();
      interrupting ??= setInterval(() => engine.interrupt(), 50);
    };
    const onAbort = (): void => stop(cancelled());
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const wall = opts.limits?.wallMs;
    const timer = wall !== undefined
      ? setTimeout(() => stop(new LimitExceeded(`query: the statement ran past its limit of ${wall} ms wall time; nothing was committed`)), wall)
      : undefined;
    return {
      engine,
      binder,
      options: opts,
      started,
      signal: halt.signal,
      stopped: (e) => {
        let error = why ?? binder.fileFault(e);
        if (governed && error instanceof LimitExceeded) error = new LimitExceeded(`${error.message} (${governed.setBy})`, { cause: error });
        failure = error;
        return error;
      },
      end: async (snapshotId) => {
        if (timer) clearTimeout(timer);
        clearInterval(interrupting);
        opts.signal?.removeEventListener('abort', onAbort);
        await binder.release();
        if (fork) engine.close();
        if (governor) {
          const touched = binder.touched();
          const told = governor.ended({
            principal,
            sql,
            ...touched,
            bytesScanned: binder.stats.bytes_scanned,
            ...(snapshotId !== undefined ? { snapshotId } : {}),
            ...(failure !== undefined ? { error: failure } : {}),
          });
          // A committed write stays committed: failing to record it (say on a full disk) is a warning, not its failure.
          if (snapshotId === undefined) await told;
          else {
            await told.catch((e: unknown) => {
              const why = e instanceof Error ? e.message : String(e);
              this.resolver.warnings?.push(`the commit of snapshot ${snapshotId} is not in the audit log: ${why}`);
            });
          }
        }
      },
    };
  }

  /** A write or DDL statement refused before it runs when the policy withholds its privilege. */
  private async checkWrite(statement: ReturnType<typeof parseStatement>, principal: Principal): Promise<void> {
    const check = this.defaults.policy?.checkWrite;
    if (!check || statement.kind === 'query' || statement.kind === 'rejected') return;
    const privilege = WRITE_PRIVILEGE[statement.kind];
    const target = statement.kind === 'create-view' || statement.kind === 'drop-view' ? statement.view : statement.table;
    await check.call(this.defaults.policy, principal, privilege, target);
  }

  private guarded<T>(table: { namespace: string; name: string }, fn: () => Promise<T>): Promise<T> {
    return this.resolver.guardWrite ? this.resolver.guardWrite(table.namespace, table.name, fn) : fn();
  }

  private result(outcome: StatementOutcome, scan: ScanStats, started: number): QueryResult {
    return {
      columns: outcome.columns ?? [],
      rows: outcome.rows ?? [],
      truncated: outcome.truncated ?? false,
      totalRows: outcome.totalRows ?? outcome.rows?.length ?? 0,
      stats: { ...scan, rows: outcome.rowCount, elapsed_ms: Math.round(performance.now() - started) },
      ...(outcome.message !== undefined ? { message: outcome.message } : {}),
      ...(outcome.snapshotId !== undefined ? { snapshotId: outcome.snapshotId.toString() } : {}),
    };
  }

  /** Timestamps with time zone are shown and compared in UTC, whatever the host's zone; Trino's forms have their macros. */
  private init(): Promise<void> {
    this.ready ??= this.engine.utc().then(() => registerTrinoMacros(this.engine));
    return this.ready;
  }
}

/** Each bound of `a` and `b`, the smaller where both set it. */
function tightest(a: Limits | undefined, b: Limits): Limits {
  const out: Limits = { ...a };
  for (const key of ['rows', 'bytesScanned', 'wallMs'] as const) {
    const v = b[key];
    if (v !== undefined) out[key] = Math.min(v, out[key] ?? Infinity);
  }
  return out;
}

const WRITE_PRIVILEGE: Record<Exclude<ReturnType<typeof parseStatement>['kind'], 'query' | 'rejected'>, WritePrivilege> = {
  'create-as': 'CREATE',
  create: 'CREATE',
  insert: 'MODIFY',
  delete: 'MODIFY',
  update: 'MODIFY',
  merge: 'MODIFY',
  alter: 'ALTER',
  drop: 'DROP',
  'create-view': 'CREATE',
  'drop-view': 'DROP',
};

function cancelled(): Cancelled {
  return new Cancelled('query: the statement was cancelled; nothing was committed');
}
