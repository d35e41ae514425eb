import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { EnvironmentFault, InvalidInput } from '../errors.js';
import { machineFault } from '../storage/index.js';
import type { DbCapabilities } from './db-capabilities.js';
import { isPostgresUri, openPostgres, redactUri } from './postgres-db.js';

/**
 * Tables of the metadata store. `iceberg_tables` and `iceberg_namespace_properties` follow the
 * Iceberg JDBC/SQL catalog schema exactly, so PyIceberg's SqlCatalog and Java's JdbcCatalog open
 * the store as it is. Silt's own tables are prefixed `silt_`.
 */
export interface MetadataDb {
  iceberg_tables: {
    catalog_name: string;
    table_namespace: string;
    table_name: string;
    metadata_location: string | null;
    previous_metadata_location: string | null;
    iceberg_type: string | null;
  };
  iceberg_namespace_properties: {
    catalog_name: string;
    namespace: string;
    property_key: string;
    property_value: string | null;
  };
  silt_ingested_files: {
    source: string;
    fingerprint: string;
    path: string;
    size: number;
    batch_id: string;
    snapshot_id: string | null;
    rows: number;
    rejects: number;
    ingested_ms: number;
  };
  silt_runs: {
    run_id: string;
    trigger: string;
    selector: string | null;
    status: string;
    started_ms: number;
    finished_ms: number | null;
    error: string | null;
    host: string | null;
    pid: number | null;
    /** Last sign of life of a running run (epoch ms); see RunLog.heartbeat. */
    heartbeat_ms: number | null;
    /** The job of `silt serve` that made the run; null for a run started by hand without a server. */
    job_id: string | null;
    /** The executor that made the run: a `silt worker`'s name, `serve`; null for a run by hand. */
    worker: string | null;
  };
  /** See job-queue.ts. */
  silt_jobs: {
    job_id: string;
    coalesce_key: string;
    /** JSON of the JobRequest. */
    request: string;
    trigger: string;
    status: string;
    requests: number;
    attempts: number;
    not_before_ms: number;
    lease_owner: string | null;
    lease_host: string | null;
    lease_pid: number | null;
    lease_expires_ms: number | null;
    cancel_requested: number;
    run_id: string | null;
    /** JSON of what the job's last run gave (the pipeline's RunResult, a task's result). */
    result: string | null;
    /** JSON of the error body, when the job failed before or outside its steps. */
    error: string | null;
    created_ms: number;
    started_ms: number | null;
    finished_ms: number | null;
  };
  silt_job_keys: { dedupe_key: string; job_id: string };
  silt_ingest_staged: {
    run_id: string;
    source: string;
    seq: number;
    job_id: string;
    worker: string;
    staged_ms: number;
    /** JSON of the task's StagedBatch (ingest/bronze-stage.ts): its written files, counts, schema. */
    batch: string;
  };
  silt_step_logs: { run_id: string; step: string; seq: number; at_ms: number; level: string; message: string };
  silt_run_steps: {
    run_id: string;
    step: string;
    kind: string;
    status: string;
    started_ms: number | null;
    finished_ms: number | null;
    rows_in: number | null;
    rows_written: number | null;
    rows_quarantined: number | null;
    rows_deduplicated: number | null;
    bytes_written: number | null;
    snapshot_id: string | null;
    details: string | null;
    error: string | null;
  };
  silt_alerts: {
    alert_id: string;
    rule: string;
    kind: string;
    subject: string;
    message: string;
    fired_ms: number;
    /** Null while the alert fires. */
    resolved_ms: number | null;
    resolution: string | null;
  };
  silt_alert_deliveries: {
    alert_id: string;
    /** `fired` or `resolved`. */
    event: string;
    channel: string;
    /** `delivered` or `failed` (after every retry). */
    status: string;
    attempts: number;
    last_error: string | null;
    at_ms: number;
  };
  silt_queries: {
    query_id: string;
    sql: string;
    principal: string;
    status: string;
    started_ms: number;
    finished_ms: number | null;
    rows: number | null;
    bytes_scanned: number | null;
    /** JSON: the result's columns. */
    columns: string | null;
    /** JSON: the error model's body, when it failed or was cancelled. */
    error: string | null;
  };
  silt_saved_queries: {
    name: string;
    sql: string;
    principal: string;
    created_ms: number;
    updated_ms: number;
  };
  /** Users, service principals and groups (access-store.ts); the owner is built in, not a row. */
  silt_principals: { name: string; kind: string; origin: string; created_ms: number };
  silt_group_members: { group_name: string; member: string; origin: string };
  /** API tokens: only the SHA-256 of each secret is kept. */
  silt_tokens: {
    token_id: string;
    principal: string;
    secret_sha256: string;
    purpose: string;
    note: string | null;
    created_ms: number;
    expires_ms: number | null;
    revoked_ms: number | null;
    last_used_ms: number | null;
  };
  /** One privilege on one securable; '' for the parts a securable does not have (a namespace has no table). */
  silt_grants: {
    grantee: string;
    privilege: string;
    securable: string;
    namespace: string;
    table_name: string;
    column_name: string;
    grant_option: number;
    origin: string;
    granted_by: string;
    created_ms: number;
  };
  silt_external_tables: {
    table_namespace: string;
    table_name: string;
    /** The dataset's folder (an absolute local path); file paths are relative to it. */
    location: string;
    format: string;
    /** JSON object of reader options. */
    options: string;
    schema_version: number;
    created_ms: number;
    updated_ms: number;
  };
  silt_external_schemas: {
    table_namespace: string;
    table_name: string;
    version: number;
    /** JSON array of {name, type, partition?}. */
    columns: string;
    /** JSON array of what changed from the previous version. */
    changes: string;
    created_ms: number;
  };
  silt_external_files: {
    table_namespace: string;
    table_name: string;
    path: string;
    size: number;
    modified_ms: number;
    /** `k=v/k2=v2`, or '' for a file outside partition folders. */
    partition: string;
    added_ms: number;
  };
  silt_push_keys: {
    source: string;
    idem_key: string;
    /** `pending` from before the batch file's put until after it; then `done`. */
    state: string;
    file: string;
    rows: number;
    body_sha256: string;
    created_ms: number;
  };
  silt_pull_state: {
    source: string;
    /** JSON: where the connector resumes, as of the last chunk landed; null before the first. */
    state: string | null;
    /** The landing file of a chunk being put, and the state it brings; null when none is. */
    pending_file: string | null;
    pending_state: string | null;
    updated_ms: number;
  };
  silt_schedule_fires: {
    name: string;
    /** When the schedule was first seen: ticks before it are not made up. */
    since_ms: number;
    last_fire_ms: number | null;
  };
  silt_landing_requests: {
    source: string;
    path: string;
    size: number;
    modified_ms: number;
    requested_ms: number;
    job_id: string | null;
  };
  silt_active_writes: {
    id: string;
    table_namespace: string;
    table_name: string;
    host: string;
    pid: number;
    started_ms: number;
  };
}

export type { DbCapabilities };

export interface OpenedDb {
  db: Kysely<MetadataDb>;
  capabilities: DbCapabilities;
  /** Set when the database could only be opened read-only (a full disk, a read-only file system). */
  warning?: string;
}

/**
 * The SQLite file a catalog URI names; undefined for a PostgreSQL server's URI; InvalidInput for
 * a store Silt does not support.
 */
export function catalogFile(uri: string): string | undefined {
  if (isPostgresUri(uri)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !/^sqlite:\/\//i.test(uri)) {
    throw new InvalidInput(`config: catalog.uri: unsupported metadata store ${redactUri(uri)}; use a SQLite file path or a postgres://user@host:port/database URI`);
  }
  return uri.startsWith('sqlite:') ? uri.replace(/^sqlite:\/\//, '') : uri;
}

/** Opens the metadata store named by a catalog URI: a SQLite file path, or a PostgreSQL database's URI. */
export function openDb(uri: string): OpenedDb {
  const named = catalogFile(uri);
  if (named === undefined) return openPostgres(uri);
  // SQLite's own name for a database in memory (a dry run's): not a file of the working folder.
  const file = named === ':memory:' ? named : path.resolve(named);
  let sqlite: Database.Database;
  let readOnly: { what: string; todo: string } | undefined;
  let warning: string | undefined;
  try {
    sqlite = openFile(file);
  } catch (e) {
    readOnly = OPENS_READ_ONLY.test(sqliteCode(e)) && existsSync(file) ? diagnose(e, file) : undefined;
    if (!readOnly) throw catalogFault(e, file);
    // WAL mode needs room for its -shm and -wal files even to read. Without it (a full disk, a
    // read-only file system) reads go to a copy in memory, so a user can still look, and vacuum.
    sqlite = readOnlyCopy(file);
    const wal = `${file}-wal`;
    const pending = existsSync(wal) && statSync(wal).size > 0 ? `; changes still in ${wal} are not seen` : '';
    warning = `catalog: ${file}: ${readOnly.what}; reading it read-only${pending}`;
  }
  const db = new Kysely<MetadataDb>({ dialect: new SqliteDialect({ database: faultsClassified(sqlite, file, readOnly) }) });
  return { db, capabilities: sqliteCapabilities(db, file), ...(warning ? { warning } : {}) };
}

function sqliteCapabilities(db: Kysely<MetadataDb>, file: string): DbCapabilities {
  return {
    sqlalchemyUri: `sqlite:///${file}`,
    async lockTable(tx, table) {
      // Any write statement takes SQLite's write lock, even one that changes no row.
      await sql`DELETE FROM ${sql.table(table)} WHERE 1 = 0`.execute(tx);
    },
    // The catalog commits with `synchronous = NORMAL` (a process crash loses nothing, a power cut
    // may lose the last commits): FULL while `fn` runs.
    async durably(fn) {
      const level = (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(db)).rows[0]?.synchronous ?? 1;
      await sql`PRAGMA synchronous = FULL`.execute(db);
      try {
        return await fn();
      } finally {
        await sql.raw(`PRAGMA synchronous = ${Number(level)}`).execute(db);
      }
    },
    // Each migration's transaction takes the write lock first (see migrate).
    exclusiveMigration: (fn) => fn(),
  };
}

function openFile(file: string): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file, { timeout: 30_000 });
  try {
    // WAL lets readers run beside one writer; the busy timeout makes writers from several `silt`
    // processes queue instead of failing.
    enterWal(sqlite);
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 30000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.prepare('SELECT count(*) FROM sqlite_master').get(); // opens the WAL index: a damaged file fails here
    return sqlite;
  } catch (e) {
    sqlite.close();
    throw e;
  }
}

/**
 * Switches a connection to WAL. Several processes opening one new file at once race for the
 * exclusive lock the switch needs, and SQLite answers the loser SQLITE_BUSY at once, without its
 * busy handler (waiting could deadlock); so the switch is retried here, for as long as the busy
 * timeout.
 */
function enterWal(sqlite: Database.Database): void {
  const deadline = Date.now() + 30_000;
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    try {
      sqlite.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if (sqliteCode(e) !== 'SQLITE_BUSY' || Date.now() > deadline) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
}

/** The database file's bytes as a read-only database in memory, marked as a rollback-journal file (no WAL). */
function readOnlyCopy(file: string): Database.Database {
  const bytes = readFileSync(file);
  if (bytes.length >= 20) bytes[18] = bytes[19] = 1;
  const sqlite = new Database(bytes, { readonly: true });
  sqlite.pragma('foreign_keys = ON');
  return sqlite;
}

/** Result codes after which the file can still be read from a copy. */
const OPENS_READ_ONLY = /^SQLITE_(IOERR|FULL|READONLY|CANTOPEN)/;

function sqliteCode(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' ? code : '';
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** What a failing database file or disk means, and what the user does about it. */
function diagnose(e: unknown, file: string): { what: string; todo: string } | undefined {
  const code = sqliteCode(e);
  const said = e instanceof Error ? e.message : String(e);
  const fs = machineFault(e, 'open', file);
  if (fs !== e) return { what: (fs as Error).message.replace(/^.*?: cannot open [^:]*: /, '').replace(/;.*$/, ''), todo: 'fix that and retry' };
  // SQLite says "unable to open" or "readonly" for a read-only file system: name the real cause.
  if (/^SQLITE_(CANTOPEN|READONLY)/.test(code) && !writable(path.dirname(file))) {
    return { what: `its folder is not writable (${said}; a read-only file system or no permission)`, todo: 'make it writable and retry' };
  }
  const free = 'free some space (`silt vacuum` removes what failed writes left) and retry';
  if (code === 'SQLITE_FULL') return { what: `the disk is full (${said})`, todo: free };
  if (code.startsWith('SQLITE_IOERR')) return { what: `${said} (the disk is full or failing)`, todo: `${free}, or check the disk` };
  if (code.startsWith('SQLITE_READONLY')) return { what: `it is read-only (${said})`, todo: 'make the file, its folder and its file system writable, and retry' };
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return { what: `it is damaged (${said})`, todo: 'restore it from a backup' };
  if (code.startsWith('SQLITE_CANTOPEN')) return { what: `it cannot be opened (${said})`, todo: 'check that it and its folder exist and are readable and writable' };
  return undefined;
}

/**
 * A failure of the database file or the disk under it, as an EnvironmentFault naming the file and
 * what to do; anything else (a bad statement: a bug) as it is. `readOnly` is set on a database
 * opened read-only (see openDb), naming why.
 */
export function catalogFault(e: unknown, file: string, readOnly?: { what: string; todo: string }): unknown {
  if (readOnly && sqliteCode(e).startsWith('SQLITE_READONLY')) {
    return new EnvironmentFault(`catalog: cannot write ${file}: ${readOnly.what}; ${readOnly.todo}`, { cause: e });
  }
  const d = diagnose(e, file);
  return d ? new EnvironmentFault(`catalog: ${file}: ${d.what}; ${d.todo}`, { cause: e }) : e;
}

/** The database as Kysely sees it, every statement's failure passed through `catalogFault`. */
function faultsClassified(sqlite: Database.Database, file: string, readOnly: { what: string; todo: string } | undefined): SqliteDatabase {
  const guard = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw catalogFault(e, file, readOnly);
    }
  };
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      const stmt = guard(() => sqlite.prepare(sql));
      return {
        reader: stmt.reader,
        all: (params) => guard(() => stmt.all(params)),
        run: (params) => guard(() => stmt.run(params)),
        *iterate(params) {
          try {
            yield* stmt.iterate(params);
          } catch (e) {
            throw catalogFault(e, file, readOnly);
          }
        },
      };
    },
  };
}
