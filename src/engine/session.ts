/**
 * Lakehouse SQL: one statement at a time over catalog tables. Queries run on DuckDB over views of
 * each table's pruned files; writes and DDL become exactly one Iceberg commit each (or none when
 * they fail). User SQL never names a file: see query-ast.ts and sql-statement.ts.
 */
import type { Engine } from './duckdb.js';
import { runDdl } from './ddl-statements.js';
import { rejectStatement } from './query-ast.js';
import { QueryBinder, type ScanStats } from './query-binder.js';
import { copyQuery, runQuery, type CopyFormat } from './query-run.js';
import { runRewrite } from './rewrite-statements.js';
import { parseStatement } from './sql-statement.js';
import { execSql } from './sql-errors.js';
import type { TableResolver } from './table-resolver.js';
import { rewriteTimeTravel } from './time-travel.js';
import { runWrite } from './write-statements.js';
import { InvalidInput } from '../errors.js';
import { quoteIdent } from './sql-text.js';

export interface QueryStats extends ScanStats {
  /** Rows returned by a query, or rows written/changed by a write. */
  rows: number;
  elapsed_ms: number;
}

export interface ResultColumn {
  name: string;
  /** DuckDB type text, e.g. BIGINT, DECIMAL(10,2), STRUCT(a INTEGER). */
  type: string;
}

/** JSON-safe cell values: BIGINT/HUGEINT/DECIMAL as strings, dates and timestamps as ISO text. */
export type Cell = null | boolean | number | string | Cell[] | { [key: string]: Cell };

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

export interface ExecuteOptions {
  /** Rows kept in the result (default 10,000); the statement itself always runs to completion. */
  maxRows?: number;
  /** Target data file size for writes (unpartitioned tables). */
  targetFileBytes?: number;
}

/** What each statement handler returns; the session adds timing. */
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
  options: ExecuteOptions;
}

export class SqlSession {
  private queue: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly resolver: TableResolver,
    private readonly defaults: ExecuteOptions = {},
  ) {}

  /** Runs one statement. Statements on one session run one after another. */
  execute(sql: string, options: ExecuteOptions = {}): Promise<QueryResult> {
    const run = this.queue.then(() => this.executeNow(sql, { ...this.defaults, ...options }));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs a query and writes its result to a local file (CSV, Parquet or NDJSON); returns the row count. */
  copyTo(sql: string, path: string, format: CopyFormat): Promise<QueryResult> {
    return this.select(sql, 'only a SELECT can be exported to a file', async (query) => {
      const rows = await copyQuery(this.engine, query, path, format);
      return { rowCount: rows, message: `wrote ${rows} rows to ${path}` };
    });
  }

  /**
   * Runs a user's SELECT over catalog tables into a DuckDB temp table `relation` (replacing it),
   * through the same gate as `execute`; the pipeline builds gold models and lookups with it.
   */
  materialize(sql: string, relation: string): Promise<QueryResult> {
    return this.select(sql, 'a model must be a single SELECT', async (query) => {
      await execSql(this.engine, `CREATE OR REPLACE TEMP TABLE ${quoteIdent(relation)} AS ${query}`, 'query');
      const [count] = await this.engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(relation)}`);
      return { rowCount: Number(count?.n ?? 0) };
    });
  }

  /** A single SELECT through the statement gate, with its tables bound, queued like `execute`. */
  private select(sql: string, notSelect: string, fn: (query: string) => Promise<StatementOutcome>): Promise<QueryResult> {
    const run = this.queue.then(async () => {
      const started = performance.now();
      await this.init();
      const travel = rewriteTimeTravel(sql);
      const statement = parseStatement(travel.sql);
      if (statement.kind === 'rejected') return rejectStatement(this.engine, travel.sql, statement.verb);
      if (statement.kind !== 'query' || statement.sql !== statement.query) throw new InvalidInput(`query: ${notSelect}`);
      const binder = new QueryBinder(this.engine, this.resolver, travel.refs);
      try {
        await binder.bind(statement.query);
        return this.result(await fn(statement.query), binder.stats, started);
      } catch (e) {
        throw binder.fileFault(e);
      } finally {
        await binder.release();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async executeNow(sql: string, options: ExecuteOptions): Promise<QueryResult> {
    const started = performance.now();
    await this.init();
    const travel = rewriteTimeTravel(sql);
    const statement = parseStatement(travel.sql);
    const binder = new QueryBinder(this.engine, this.resolver, travel.refs);
    const ctx: StatementContext = { engine: this.engine, resolver: this.resolver, binder, options };
    try {
      let outcome: StatementOutcome;
      switch (statement.kind) {
        case 'query':
          await binder.bind(statement.query);
          outcome = await runQuery(this.engine, statement.sql, options.maxRows ?? 10_000);
          break;
        case 'create-as':
        case 'insert':
          outcome = await this.guarded(statement.table, () => runWrite(ctx, statement));
          break;
        case 'delete':
        case 'update':
          outcome = await this.guarded(statement.table, () => runRewrite(ctx, statement));
          break;
        case 'rejected':
          return await rejectStatement(this.engine, travel.sql, statement.verb);
        default:
          outcome = await runDdl(ctx, statement);
      }
      return this.result(outcome, binder.stats, started);
    } catch (e) {
      throw binder.fileFault(e);
    } finally {
      await binder.release();
    }
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

  /** Timestamps with time zone are shown and compared in UTC, whatever the host's zone. */
  private init(): Promise<void> {
    this.ready ??= execSql(this.engine, "SET TimeZone = 'UTC'", 'query');
    return this.ready;
  }
}
