import { sql, type Kysely } from 'kysely';
import type { DbCapabilities, MetadataDb } from './db.js';

interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Kysely<unknown>): Promise<void>;
}

/** Versioned, append-only. Never edit a released migration; add the next one. */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'iceberg sql catalog tables',
    async up(db) {
      await db.schema
        .createTable('iceberg_tables')
        .ifNotExists()
        .addColumn('catalog_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('table_namespace', 'varchar(255)', (c) => c.notNull())
        .addColumn('table_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('metadata_location', 'varchar(1000)')
        .addColumn('previous_metadata_location', 'varchar(1000)')
        .addColumn('iceberg_type', 'varchar(5)')
        .addPrimaryKeyConstraint('iceberg_tables_pk', ['catalog_name', 'table_namespace', 'table_name'])
        .execute();
      await db.schema
        .createTable('iceberg_namespace_properties')
        .ifNotExists()
        .addColumn('catalog_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('namespace', 'varchar(255)', (c) => c.notNull())
        .addColumn('property_key', 'varchar(255)', (c) => c.notNull())
        .addColumn('property_value', 'varchar(1000)')
        .addPrimaryKeyConstraint('iceberg_namespace_properties_pk', ['catalog_name', 'namespace', 'property_key'])
        .execute();
    },
  },
  {
    version: 2,
    name: 'writes in progress, so vacuum never deletes files a live writer is about to commit',
    async up(db) {
      await db.schema
        .createTable('silt_active_writes')
        .ifNotExists()
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('table_namespace', 'varchar(255)', (c) => c.notNull())
        .addColumn('table_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('host', 'varchar(255)', (c) => c.notNull())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('started_ms', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 3,
    name: 'files ingested into bronze, by content fingerprint',
    async up(db) {
      await db.schema
        .createTable('silt_ingested_files')
        .ifNotExists()
        .addColumn('source', 'varchar(255)', (c) => c.notNull())
        .addColumn('fingerprint', 'varchar(128)', (c) => c.notNull())
        .addColumn('path', 'varchar(1000)', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('batch_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('snapshot_id', 'varchar(32)')
        .addColumn('rows', 'bigint', (c) => c.notNull())
        .addColumn('rejects', 'bigint', (c) => c.notNull())
        .addColumn('ingested_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('silt_ingested_files_pk', ['source', 'fingerprint'])
        .execute();
    },
  },
  {
    version: 4,
    name: 'pipeline runs and their steps',
    async up(db) {
      await db.schema
        .createTable('silt_runs')
        .ifNotExists()
        .addColumn('run_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('trigger', 'varchar(32)', (c) => c.notNull())
        .addColumn('selector', 'varchar(1000)')
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('started_ms', 'bigint', (c) => c.notNull())
        .addColumn('finished_ms', 'bigint')
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createTable('silt_run_steps')
        .ifNotExists()
        .addColumn('run_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('step', 'varchar(255)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('started_ms', 'bigint')
        .addColumn('finished_ms', 'bigint')
        .addColumn('rows_in', 'bigint')
        .addColumn('rows_written', 'bigint')
        .addColumn('rows_quarantined', 'bigint')
        .addColumn('rows_deduplicated', 'bigint')
        .addColumn('bytes_written', 'bigint')
        .addColumn('snapshot_id', 'varchar(32)')
        .addColumn('details', 'text')
        .addColumn('error', 'text')
        .addPrimaryKeyConstraint('silt_run_steps_pk', ['run_id', 'step'])
        .execute();
    },
  },
  {
    version: 5,
    name: 'external (crawled) tables: datasets read in place, their files and schema versions',
    async up(db) {
      await db.schema
        .createTable('silt_external_tables')
        .ifNotExists()
        .addColumn('table_namespace', 'varchar(255)', (c) => c.notNull())
        .addColumn('table_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('location', 'varchar(1000)', (c) => c.notNull())
        .addColumn('format', 'varchar(16)', (c) => c.notNull())
        .addColumn('options', 'text', (c) => c.notNull())
        .addColumn('schema_version', 'integer', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('silt_external_tables_pk', ['table_namespace', 'table_name'])
        .execute();
      await db.schema
        .createTable('silt_external_schemas')
        .ifNotExists()
        .addColumn('table_namespace', 'varchar(255)', (c) => c.notNull())
        .addColumn('table_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('columns', 'text', (c) => c.notNull())
        .addColumn('changes', 'text', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('silt_external_schemas_pk', ['table_namespace', 'table_name', 'version'])
        .execute();
      await db.schema
        .createTable('silt_external_files')
        .ifNotExists()
        .addColumn('table_namespace', 'varchar(255)', (c) => c.notNull())
        .addColumn('table_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('path', 'varchar(1000)', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('modified_ms', 'bigint', (c) => c.notNull())
        .addColumn('partition', 'varchar(1000)', (c) => c.notNull())
        .addColumn('added_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('silt_external_files_pk', ['table_namespace', 'table_name', 'path'])
        .execute();
    },
  },
  {
    version: 6,
    name: 'the process of a run, so a run whose process died shows as failed',
    async up(db) {
      await db.schema.alterTable('silt_runs').addColumn('host', 'varchar(255)').execute();
      await db.schema.alterTable('silt_runs').addColumn('pid', 'integer').execute();
    },
  },
  {
    version: 7,
    name: 'a heartbeat of each run, so a run whose process is gone (on any host) does not hold off the next',
    async up(db) {
      await db.schema.alterTable('silt_runs').addColumn('heartbeat_ms', 'bigint').execute();
    },
  },
  {
    version: 8,
    name: 'alerts: when each fired and resolved, and every delivery of it to a channel',
    async up(db) {
      await db.schema
        .createTable('silt_alerts')
        .ifNotExists()
        .addColumn('alert_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('rule', 'varchar(255)', (c) => c.notNull())
        .addColumn('kind', 'varchar(64)', (c) => c.notNull())
        .addColumn('subject', 'varchar(1000)', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('fired_ms', 'bigint', (c) => c.notNull())
        .addColumn('resolved_ms', 'bigint')
        .addColumn('resolution', 'text')
        .execute();
      // At most one firing alert per rule and subject: the insert that loses a race delivers nothing.
      await sql`CREATE UNIQUE INDEX IF NOT EXISTS silt_alerts_firing ON silt_alerts (rule, subject) WHERE resolved_ms IS NULL`.execute(db);
      await db.schema.createIndex('silt_alerts_fired').ifNotExists().on('silt_alerts').column('fired_ms').execute();
      await db.schema
        .createTable('silt_alert_deliveries')
        .ifNotExists()
        .addColumn('alert_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('event', 'varchar(16)', (c) => c.notNull())
        .addColumn('channel', 'varchar(255)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('silt_alert_deliveries_pk', ['alert_id', 'event', 'channel'])
        .execute();
    },
  },
  {
    version: 9,
    name: 'idempotency keys of HTTP pushes: a retried push with the same key lands once, across crashes',
    async up(db) {
      await db.schema
        .createTable('silt_push_keys')
        .ifNotExists()
        .addColumn('source', 'varchar(255)', (c) => c.notNull())
        .addColumn('idem_key', 'varchar(255)', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('file', 'varchar(1000)', (c) => c.notNull())
        .addColumn('rows', 'bigint', (c) => c.notNull())
        .addColumn('body_sha256', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('silt_push_keys_pk', ['source', 'idem_key'])
        .execute();
    },
  },
  {
    version: 10,
    name: 'the work queue of silt serve (jobs, their dedupe keys), the job of each run, and step logs',
    async up(db) {
      await db.schema
        .createTable('silt_jobs')
        .ifNotExists()
        .addColumn('job_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('coalesce_key', 'varchar(1000)', (c) => c.notNull())
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('trigger', 'varchar(32)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('requests', 'integer', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('not_before_ms', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'varchar(255)')
        .addColumn('lease_host', 'varchar(255)')
        .addColumn('lease_pid', 'integer')
        .addColumn('lease_expires_ms', 'bigint')
        .addColumn('cancel_requested', 'integer', (c) => c.notNull())
        .addColumn('run_id', 'varchar(64)')
        .addColumn('result', 'text')
        .addColumn('error', 'text')
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('started_ms', 'bigint')
        .addColumn('finished_ms', 'bigint')
        .execute();
      await db.schema.createIndex('silt_jobs_status').ifNotExists().on('silt_jobs').columns(['status', 'created_ms']).execute();
      await db.schema
        .createTable('silt_job_keys')
        .ifNotExists()
        .addColumn('dedupe_key', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('job_id', 'varchar(64)', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('silt_runs').addColumn('job_id', 'varchar(64)').execute();
      await db.schema
        .createTable('silt_step_logs')
        .ifNotExists()
        .addColumn('run_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('step', 'varchar(255)', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addColumn('level', 'varchar(8)', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('silt_step_logs_pk', ['run_id', 'step', 'seq'])
        .execute();
    },
  },
  {
    version: 11,
    name: 'the last fire of each schedule and the landing files the watcher vouched for, so a restart neither fires a tick twice nor loses a file',
    async up(db) {
      await db.schema
        .createTable('silt_schedule_fires')
        .ifNotExists()
        .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('since_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_fire_ms', 'bigint')
        .execute();
      await db.schema
        .createTable('silt_landing_requests')
        .ifNotExists()
        .addColumn('source', 'varchar(255)', (c) => c.notNull())
        .addColumn('path', 'varchar(1000)', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('modified_ms', 'bigint', (c) => c.notNull())
        .addColumn('requested_ms', 'bigint', (c) => c.notNull())
        .addColumn('job_id', 'varchar(64)')
        .addPrimaryKeyConstraint('silt_landing_requests_pk', ['source', 'path'])
        .execute();
    },
  },
  {
    version: 12,
    name: 'query history: each statement the API ran, who ran it, how it ended, rows and bytes scanned',
    async up(db) {
      await db.schema
        .createTable('silt_queries')
        .ifNotExists()
        .addColumn('query_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('sql', 'text', (c) => c.notNull())
        .addColumn('principal', 'varchar(255)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('started_ms', 'bigint', (c) => c.notNull())
        .addColumn('finished_ms', 'bigint')
        .addColumn('rows', 'bigint')
        .addColumn('bytes_scanned', 'bigint')
        .addColumn('columns', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('silt_queries_started').ifNotExists().on('silt_queries').column('started_ms').execute();
    },
  },
  {
    version: 13,
    name: 'principals, groups, API tokens (hashes only) and grants',
    async up(db) {
      await db.schema
        .createTable('silt_principals')
        .ifNotExists()
        .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('origin', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('silt_group_members')
        .ifNotExists()
        .addColumn('group_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('member', 'varchar(255)', (c) => c.notNull())
        .addColumn('origin', 'varchar(16)', (c) => c.notNull())
        .addPrimaryKeyConstraint('silt_group_members_pk', ['group_name', 'member'])
        .execute();
      await db.schema
        .createTable('silt_tokens')
        .ifNotExists()
        .addColumn('token_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('principal', 'varchar(255)', (c) => c.notNull())
        .addColumn('secret_sha256', 'varchar(64)', (c) => c.notNull())
        .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
        .addColumn('note', 'varchar(255)')
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_ms', 'bigint')
        .addColumn('revoked_ms', 'bigint')
        .addColumn('last_used_ms', 'bigint')
        .execute();
      await db.schema.createIndex('silt_tokens_principal').ifNotExists().on('silt_tokens').column('principal').execute();
      await db.schema
        .createTable('silt_grants')
        .ifNotExists()
        .addColumn('grantee', 'varchar(255)', (c) => c.notNull())
        .addColumn('privilege', 'varchar(16)', (c) => c.notNull())
        .addColumn('securable', 'varchar(16)', (c) => c.notNull())
        .addColumn('namespace', 'varchar(255)', (c) => c.notNull())
        .addColumn('table_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('column_name', 'varchar(255)', (c) => c.notNull())
        .addColumn('grant_option', 'integer', (c) => c.notNull())
        .addColumn('origin', 'varchar(16)', (c) => c.notNull())
        .addColumn('granted_by', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('silt_grants_pk', ['grantee', 'privilege', 'securable', 'namespace', 'table_name', 'column_name'])
        .execute();
    },
  },
  {
    version: 14,
    name: 'governance: row filters, column masks and workgroups as declared; the audit log; workgroup usage per day',
    async up(db) {
      await db.schema
        .createTable('silt_policies')
        .ifNotExists()
        .addColumn('policy_id', 'varchar(512)', (c) => c.primaryKey())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('declared_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('silt_audit')
        .ifNotExists()
        .addColumn('audit_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addColumn('principal', 'varchar(255)', (c) => c.notNull())
        .addColumn('action', 'varchar(32)', (c) => c.notNull())
        .addColumn('statement', 'text')
        .addColumn('tables', 'text', (c) => c.notNull())
        .addColumn('columns', 'text', (c) => c.notNull())
        .addColumn('bytes_scanned', 'bigint')
        .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('silt_audit_published').ifNotExists().on('silt_audit').columns(['published', 'at_ms']).execute();
      await db.schema
        .createTable('silt_workgroup_usage')
        .ifNotExists()
        .addColumn('workgroup', 'varchar(255)', (c) => c.notNull())
        .addColumn('day', 'varchar(10)', (c) => c.notNull())
        .addColumn('queries', 'bigint', (c) => c.notNull())
        .addColumn('refused', 'bigint', (c) => c.notNull())
        .addColumn('bytes_scanned', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('silt_workgroup_usage_pk', ['workgroup', 'day'])
        .execute();
    },
  },
  {
    version: 16,
    name: 'saved queries: named SQL statements kept for the console, with who saved them and when',
    async up(db) {
      await db.schema
        .createTable('silt_saved_queries')
        .ifNotExists()
        .addColumn('name', 'varchar(200)', (c) => c.primaryKey())
        .addColumn('sql', 'text', (c) => c.notNull())
        .addColumn('principal', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_ms', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  {
    version: 21,
    name: 'the worker that made each run (a `silt worker` by its name, or `serve`)',
    async up(db) {
      await db.schema.alterTable('silt_runs').addColumn('worker', 'varchar(255)').execute();
    },
  },
  {
    version: 22,
    name: 'staged ingest: the files a worker wrote for one task of a run, kept until the run commits them',
    async up(db) {
      await db.schema
        .createTable('silt_ingest_staged')
        .ifNotExists()
        .addColumn('run_id', 'varchar(100)', (c) => c.notNull())
        .addColumn('source', 'varchar(255)', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('job_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('worker', 'varchar(255)', (c) => c.notNull())
        .addColumn('staged_ms', 'bigint', (c) => c.notNull())
        .addColumn('batch', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('silt_ingest_staged_pk', ['run_id', 'source', 'seq'])
        .execute();
    },
  },
  {
    version: 23,
    name: 'pulled sources: where each connector resumes, and the chunk being landed (settled by whether its file is there)',
    async up(db) {
      await db.schema
        .createTable('silt_pull_state')
        .ifNotExists()
        .addColumn('source', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('state', 'text')
        .addColumn('pending_file', 'varchar(1000)')
        .addColumn('pending_state', 'text')
        .addColumn('updated_ms', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the store to the latest version. A SQLite store already there is only read, so commands
 * on it never wait for the write lock. Otherwise each migration runs in its own transaction
 * together with the bump of `silt_schema_version`, so a crash leaves the store at a whole version,
 * and two processes migrating at once serialize (the loser finds nothing left to do): on SQLite's
 * write lock, on PostgreSQL's advisory lock held around the whole (`exclusiveMigration`), as its
 * CREATE TABLE IF NOT EXISTS is not safe against a concurrent one.
 */
export async function migrate(db: Kysely<MetadataDb>, capabilities: DbCapabilities): Promise<void> {
  await capabilities.exclusiveMigration(() => migrateLocked(db, capabilities));
}

async function migrateLocked(db: Kysely<MetadataDb>, capabilities: DbCapabilities): Promise<void> {
  const raw = db as unknown as Kysely<{ silt_schema_version: { version: number } }>;
  await db.schema.createTable('silt_schema_version').ifNotExists().addColumn('version', 'integer', (c) => c.notNull()).execute();
  const row = await raw.selectFrom('silt_schema_version').select('version').executeTakeFirst();
  if ((row?.version ?? 0) >= LATEST_VERSION) return;
  for (const m of MIGRATIONS) {
    await raw.transaction().execute(async (tx) => {
      // The lock first, before any read, so two migrating processes queue (on SQLite's busy
      // timeout) instead of deadlocking on a read-to-write upgrade.
      await capabilities.lockTable(tx, 'silt_schema_version');
      const row = await tx.selectFrom('silt_schema_version').select('version').executeTakeFirst();
      const current = row?.version ?? 0;
      if (current >= m.version) return;
      await m.up(tx as unknown as Kysely<unknown>);
      if (row) await tx.updateTable('silt_schema_version').set({ version: m.version }).execute();
      else await tx.insertInto('silt_schema_version').values({ version: m.version }).execute();
    });
  }
}
