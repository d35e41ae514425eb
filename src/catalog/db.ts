import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { InvalidInput } from '../errors.js';

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
  };
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
  silt_active_writes: {
    id: string;
    table_namespace: string;
    table_name: string;
    host: string;
    pid: number;
    started_ms: number;
  };
}

/** What a backend can do; callers branch on these, never on the backend's name. */
export interface DbCapabilities {
  /** The URI a PyIceberg SqlCatalog passes to SQLAlchemy to open the same database. */
  readonly sqlalchemyUri: string;
}

export interface OpenedDb {
  db: Kysely<MetadataDb>;
  capabilities: DbCapabilities;
}

/** Opens the metadata store named by a catalog URI: a SQLite file path (PostgreSQL joins later). */
export function openDb(uri: string): OpenedDb {
  if (/^postgres(ql)?:\/\//i.test(uri)) {
    throw new InvalidInput(`catalog: PostgreSQL metadata stores are not supported yet (${redact(uri)}); use a SQLite file path`);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !/^sqlite:\/\//i.test(uri)) {
    throw new InvalidInput(`config: catalog.uri: unsupported metadata store ${redact(uri)}; use a SQLite file path (PostgreSQL comes later)`);
  }
  const file = uri.startsWith('sqlite:') ? uri.replace(/^sqlite:\/\//, '') : uri;
  mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file, { timeout: 30_000 });
  // WAL lets readers run beside one writer; the busy timeout makes writers from several `silt`
  // processes queue instead of failing.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 30000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<MetadataDb>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, capabilities: { sqlalchemyUri: `sqlite:///${path.resolve(file)}` } };
}

function redact(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
