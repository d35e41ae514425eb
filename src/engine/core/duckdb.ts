import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { keyring } from '../../keys/index.js';
import { EnvironmentFault } from '../../errors.js';
import { quoteLiteral } from './sql-text.js';

export interface EngineOptions {
  /** DuckDB `memory_limit`, e.g. '4GB'. Spills to `tempDirectory` beyond it. */
  memoryLimit?: string;
  threads?: number;
  /** Where DuckDB spills; defaults to DuckDB's own choice. */
  tempDirectory?: string;
  /**
   * For an engine that runs user SQL: DuckDB may then touch only these folders (and the temp
   * folder), never the network, extensions or other files, and no statement can change that.
   */
  onlyFolders?: readonly string[];
  /** Single files such an engine may also touch (a query's output file). */
  onlyFiles?: readonly string[];
  /**
   * Statements run first, before any lock: what the object store needs DuckDB to have to reach
   * its objects (the store's `engine.setup`, e.g. a secret for S3).
   */
  setup?: readonly string[];
}

export type Row = Record<string, unknown>;

/**
 * DuckDB keeps at most `partitioned_write_max_open_files` (default 100) files open in a
 * partitioned COPY and closes the rest at each flush (every 512Ki rows a thread), so a year of
 * day partitions came out as ~15 files a day. With room for every partition each gets one file
 * (parquet-writer.ts); a locked engine has it set before the lock.
 */
export const MAX_OPEN_PARTITION_FILES = 4096;

/**
 * One in-process DuckDB database and a connection to it. Every Silt command that touches data
 * opens one, uses it, and closes it in `finally` (see `withEngine`). `fork` gives more
 * connections to the same database, for statements that run side by side.
 */
export class Engine {
  private constructor(
    private readonly instance: DuckDBInstance,
    /** For engine-internal modules only; nothing outside `engine/` sees DuckDB types. */
    readonly connection: DuckDBConnection,
    /** A fork closes only its connection; the database is the opener's. */
    private readonly ownsDatabase = true,
    private readonly parent?: Engine,
  ) {}

  /** Forks still open, halted along with this engine. */
  private readonly forks = new Set<Engine>();
  private halted: Error | undefined;
  /** Set once lockTo ran: no connection can change a setting since, so every fork already has the time zone. */
  private locked = false;
  private keysSeen = -1;
  private readonly keysAdded = new Map<string, string>();
  /** Work done once for the whole database (see `oncePerDatabase`), on the opener's engine. */
  private readonly done = new Map<string, Promise<void>>();

  /**
   * Runs `fn` once for this engine's database, whichever of its forks asks first; the others
   * wait for that run (catalog entries made by two connections at once conflict).
   */
  oncePerDatabase(key: string, fn: () => Promise<void>): Promise<void> {
    let root: Engine = this;
    while (root.parent) root = root.parent;
    let run = root.done.get(key);
    if (!run) {
      run = fn();
      root.done.set(key, run);
      run.catch(() => root.done.delete(key));
    }
    return run;
  }

  static async open(options: EngineOptions = {}): Promise<Engine> {
    const config: Record<string, string> = {};
    if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
    if (options.threads) config['threads'] = String(options.threads);
    if (options.tempDirectory) config['temp_directory'] = options.tempDirectory;
    const instance = await DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    const engine = new Engine(instance, connection);
    try {
      // Without httpfs (OpenSSL), DuckDB writes encrypted Parquet only when told it may use its
      // bundled mbedtls, whose nonces come from a non-cryptographic generator (README: encryption).
      await engine.run('SET GLOBAL force_mbedtls_unsafe = true');
      for (const sql of options.setup ?? []) {
        await engine.run(sql).catch((e: unknown) => {
          // Not the statement itself: it may hold the store's credentials.
          throw new EnvironmentFault(`storage: DuckDB cannot be set up to reach the store: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        });
      }
      if (options.onlyFolders) {
        await engine.lockTo([...options.onlyFolders, ...(options.tempDirectory ? [options.tempDirectory] : [])], options.onlyFiles ?? []);
      }
    } catch (e) {
      engine.close();
      throw e;
    }
    return engine;
  }

  /**
   * Locks the database to `folders`: file access elsewhere, network and extension loading are
   * refused, and settings can no longer be changed (by anyone: it holds for every connection
   * and cannot be undone). Time zones are UTC, set before the lock.
   */
  private async lockTo(folders: readonly string[], files: readonly string[]): Promise<void> {
    const dirs = folders.map((d) => quoteLiteral(d.endsWith('/') ? d : `${d}/`));
    await this.run(`SET GLOBAL TimeZone = 'UTC'`);
    await this.run(`SET GLOBAL partitioned_write_max_open_files = ${MAX_OPEN_PARTITION_FILES}`);
    await this.run(`SET allowed_directories = [${dirs.join(', ')}]`);
    if (files.length > 0) await this.run(`SET allowed_paths = [${files.map(quoteLiteral).join(', ')}]`);
    await this.run('SET enable_external_access = false');
    await this.run('SET lock_configuration = true');
    this.locked = true;
  }

  /** Sets a setting unless it holds that value already (as on a locked database, where no SET works). */
  async ensure(setting: string, value: number): Promise<void> {
    const [row] = await this.all<{ v: string }>(`SELECT current_setting(${quoteLiteral(setting)})::VARCHAR AS v`);
    if (row?.v !== String(value)) await this.run(`SET ${setting} = ${value}`);
  }

  /** Shows and compares timestamps with time zone in UTC on this connection (and its later forks). */
  async utc(): Promise<void> {
    const [row] = await this.all<{ zone: string }>(`SELECT current_setting('TimeZone') AS zone`);
    if (row?.zone !== 'UTC') await this.run(`SET TimeZone = 'UTC'`);
  }

  /** Stops the statement running on this connection; it fails with DuckDB's "Interrupted". */
  interrupt(): void {
    this.connection.interrupt();
  }

  /**
   * Stops this connection and every fork made from it for good: the statement running now is
   * interrupted and every later one fails with `reason`. A run that is cancelled or runs out of
   * time halts its steps' engines this way, so a step stops at its next statement.
   */
  halt(reason: Error): void {
    this.halted ??= reason;
    this.connection.interrupt();
    for (const f of this.forks) f.halt(reason);
  }

  private check(): void {
    for (let e: Engine | undefined = this; e; e = e.parent) if (e.halted) throw e.halted;
  }

  /**
   * Adds the data keys of encrypted tables unwrapped since the last statement to this database
   * (keys are the database's, so one connection adding them serves every fork).
   */
  async syncKeys(): Promise<void> {
    let root: Engine = this;
    while (root.parent) root = root.parent;
    if (root.keysSeen === keyring.version) return;
    const version = keyring.version;
    for (const [name, key] of keyring.unlocked()) {
      if (root.keysAdded.get(name) === key) continue;
      await this.connection.run(`PRAGMA add_parquet_key(${quoteLiteral(name)}, ${quoteLiteral(key)})`);
      root.keysAdded.set(name, key);
    }
    root.keysSeen = version;
  }

  async run(sql: string, params?: DuckDBValue[]): Promise<void> {
    this.check();
    await this.syncKeys();
    await this.connection.run(sql, params).catch(failed(sql));
  }

  /** Runs a query and returns its rows as plain JS objects (BIGINT → bigint, DATE → DuckDB value objects). */
  async all<T extends Row = Row>(sql: string, params?: DuckDBValue[]): Promise<T[]> {
    this.check();
    await this.syncKeys();
    const reader = await this.connection.runAndReadAll(sql, params).catch(failed(sql));
    return reader.getRowObjectsJS() as T[];
  }

  /** Rows as JSON-safe values (BIGINT and HUGEINT as strings, dates as ISO strings). */
  async allJson<T extends Row = Row>(sql: string, params?: DuckDBValue[]): Promise<T[]> {
    this.check();
    await this.syncKeys();
    const reader = await this.connection.runAndReadAll(sql, params).catch(failed(sql));
    return reader.getRowObjectsJson() as T[];
  }

  /**
   * Another connection to the same database. Its statements run beside this one's (DuckDB runs
   * most statements over a small table on one thread); it sees this one's tables, not its TEMP
   * ones. Close it before the engine it came from.
   */
  async fork(): Promise<Engine> {
    this.check();
    const fork = new Engine(this.instance, await this.instance.connect(), false, this);
    this.forks.add(fork);
    let root: Engine = this;
    while (root.parent) root = root.parent;
    if (root.locked) return fork;
    // Settings made with SET belong to a connection; the one casts depend on goes along.
    const zone = await this.all<{ zone: string }>(`SELECT current_setting('TimeZone') AS zone`);
    const [has] = await fork.all<{ zone: string }>(`SELECT current_setting('TimeZone') AS zone`);
    if (has?.zone !== zone[0]?.zone) await fork.run(`SET TimeZone = ${quoteLiteral(zone[0]?.zone ?? 'UTC')}`);
    return fork;
  }

  /** DuckDB's `threads` setting: how many cores this database may use. */
  async threads(): Promise<number> {
    const rows = await this.all<{ n: bigint | number }>(`SELECT current_setting('threads')::BIGINT AS n`);
    return Math.max(1, Number(rows[0]?.n ?? 1));
  }

  /** DuckDB's `memory_limit` in bytes: what this database may hold before it spills or fails. */
  async memoryLimitBytes(): Promise<number> {
    const rows = await this.all<{ v: string }>(`SELECT current_setting('memory_limit') AS v`);
    return parseByteSize(rows[0]?.v ?? '');
  }

  close(): void {
    this.parent?.forks.delete(this);
    this.connection.closeSync();
    if (this.ownsDatabase) this.instance.closeSync();
  }
}

/** With SILT_DEBUG set, a failing statement is printed (beside the stack the CLI prints then). */
function failed(sql: string): (e: unknown) => never {
  return (e) => {
    if (process.env['SILT_DEBUG']) process.stderr.write(`silt: a DuckDB statement failed (its caller may handle it):\n${sql}\n`);
    throw e;
  };
}

const UNITS: Record<string, number> = { bytes: 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** '161.0 MiB', '4GB', '1.5 GiB' → bytes; Infinity for what it cannot read, as for no limit. */
export function parseByteSize(text: string): number {
  const m = /^\s*([\d.]+)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(m?.[2] || 'bytes').toLowerCase()];
  return m && unit ? Number(m[1]) * unit : Infinity;
}

export async function withEngine<T>(options: EngineOptions, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await Engine.open(options);
  try {
    return await fn(engine);
  } finally {
    engine.close();
  }
}
