import type { Kysely } from 'kysely';
import { AlreadyExists, NotFound } from '../errors.js';
import type { MetadataDb } from './db.js';
import { checkName } from './names.js';

/**
 * External (crawled) tables: datasets someone else writes, registered by `silt crawl` and read in
 * place. Not Iceberg tables: their files, partition values and every schema version the crawler
 * saw are kept here, in the metadata store, and the SQL engine reads them read-only.
 */
export type ExternalFormat = 'csv' | 'tsv' | 'json' | 'parquet';

export interface ExternalColumn {
  name: string;
  /** DuckDB type text. */
  type: string;
  partition?: boolean;
}

export interface ExternalSchemaChange {
  column: string;
  kind: 'added' | 'widened';
  from?: string;
  to: string;
}

export interface ExternalTableInfo {
  namespace: string;
  name: string;
  location: string;
  format: ExternalFormat;
  options: Record<string, string>;
  schemaVersion: number;
  columns: ExternalColumn[];
  createdMs: number;
  updatedMs: number;
}

export interface ExternalFileEntry {
  /** Relative to the table's location, with '/' separators. */
  path: string;
  size: number;
  modifiedMs: number;
  /** `k=v/k2=v2`, or '' outside partition folders. */
  partition: string;
  addedMs: number;
}

export interface ExternalSchemaVersion {
  version: number;
  columns: ExternalColumn[];
  changes: ExternalSchemaChange[];
  createdMs: number;
}

/** What one crawl found for one table; saved in one transaction. */
export interface ExternalTableSave {
  namespace: string;
  name: string;
  location: string;
  format: ExternalFormat;
  options: Record<string, string>;
  /** A new schema version: required for a new table, given for an existing one only when it changed. */
  schema?: { columns: ExternalColumn[]; changes: ExternalSchemaChange[] };
  /** Files added or changed since the last crawl. */
  upsertFiles: readonly ExternalFileEntry[];
  /** Relative paths of files that are gone. */
  removeFiles: readonly string[];
  nowMs: number;
}

/** What the SQL engine needs to read an external table (see engine's ExternalTableDef). */
export interface ExternalTableRead {
  format: ExternalFormat;
  options: Record<string, string>;
  columns: ExternalColumn[];
  files: { path: string; size: number }[];
}

const CHUNK = 500;

export class ExternalTables {
  constructor(private readonly db: Kysely<MetadataDb>) {}

  async list(namespace?: string): Promise<ExternalTableInfo[]> {
    let q = this.db.selectFrom('silt_external_tables').selectAll();
    if (namespace !== undefined) q = q.where('table_namespace', '=', namespace);
    const rows = await q.orderBy('table_namespace').orderBy('table_name').execute();
    return Promise.all(rows.map((r) => this.info(r)));
  }

  async get(namespace: string, name: string): Promise<ExternalTableInfo | undefined> {
    const row = await this.row(this.db, namespace, name);
    return row ? this.info(row) : undefined;
  }

  async files(namespace: string, name: string): Promise<ExternalFileEntry[]> {
    const rows = await this.db
      .selectFrom('silt_external_files')
      .selectAll()
      .where('table_namespace', '=', namespace)
      .where('table_name', '=', name)
      .orderBy('path')
      .execute();
    return rows.map((r) => ({
      path: r.path,
      size: Number(r.size),
      modifiedMs: Number(r.modified_ms),
      partition: r.partition,
      addedMs: Number(r.added_ms),
    }));
  }

  async schemaVersions(namespace: string, name: string): Promise<ExternalSchemaVersion[]> {
    const rows = await this.db
      .selectFrom('silt_external_schemas')
      .selectAll()
      .where('table_namespace', '=', namespace)
      .where('table_name', '=', name)
      .orderBy('version')
      .execute();
    return rows.map((r) => ({
      version: Number(r.version),
      columns: JSON.parse(r.columns) as ExternalColumn[],
      changes: JSON.parse(r.changes) as ExternalSchemaChange[],
      createdMs: Number(r.created_ms),
    }));
  }

  /** The table as the SQL engine reads it, or undefined when there is none by that name. */
  async find(namespace: string, name: string): Promise<ExternalTableRead | undefined> {
    const info = await this.get(namespace, name);
    if (!info) return undefined;
    const base = info.location.replace(/[\\/]+$/, '');
    const files = (await this.files(namespace, name)).map((f) => ({ path: `${base}/${f.path}`, size: f.size }));
    return { format: info.format, options: info.options, columns: info.columns, files };
  }

  async save(s: ExternalTableSave): Promise<{ schemaVersion: number }> {
    checkName('namespace', s.namespace);
    checkName('table', s.name);
    const label = `${s.namespace}.${s.name}`;
    return this.db.transaction().execute(async (tx) => {
      const iceberg = await tx
        .selectFrom('iceberg_tables')
        .select('table_name')
        .where('table_namespace', '=', s.namespace)
        .where('table_name', '=', s.name)
        .executeTakeFirst();
      if (iceberg) throw new AlreadyExists(`catalog: ${label} is already an Iceberg table; an external table needs another name`);
      const existing = await this.row(tx, s.namespace, s.name);
      if (existing && (existing.location !== s.location || existing.format !== s.format)) {
        throw new AlreadyExists(`catalog: external table ${label} already reads ${existing.format} files in ${existing.location}`);
      }
      if (!existing && !s.schema) throw new Error(`catalog: new external table ${label} needs a schema`);
      const version = existing ? Number(existing.schema_version) + (s.schema ? 1 : 0) : 1;
      if (existing) {
        await tx
          .updateTable('silt_external_tables')
          .set({ schema_version: version, options: JSON.stringify(s.options), updated_ms: s.nowMs })
          .where('table_namespace', '=', s.namespace)
          .where('table_name', '=', s.name)
          .execute();
      } else {
        await tx
          .insertInto('silt_external_tables')
          .values({
            table_namespace: s.namespace,
            table_name: s.name,
            location: s.location,
            format: s.format,
            options: JSON.stringify(s.options),
            schema_version: version,
            created_ms: s.nowMs,
            updated_ms: s.nowMs,
          })
          .execute();
      }
      if (s.schema) {
        await tx
          .insertInto('silt_external_schemas')
          .values({
            table_namespace: s.namespace,
            table_name: s.name,
            version,
            columns: JSON.stringify(s.schema.columns),
            changes: JSON.stringify(s.schema.changes),
            created_ms: s.nowMs,
          })
          .execute();
      }
      for (let i = 0; i < s.removeFiles.length; i += CHUNK) {
        await tx
          .deleteFrom('silt_external_files')
          .where('table_namespace', '=', s.namespace)
          .where('table_name', '=', s.name)
          .where('path', 'in', s.removeFiles.slice(i, i + CHUNK))
          .execute();
      }
      for (let i = 0; i < s.upsertFiles.length; i += CHUNK) {
        const values = s.upsertFiles.slice(i, i + CHUNK).map((f) => ({
          table_namespace: s.namespace,
          table_name: s.name,
          path: f.path,
          size: f.size,
          modified_ms: f.modifiedMs,
          partition: f.partition,
          added_ms: f.addedMs,
        }));
        await tx
          .insertInto('silt_external_files')
          .values(values)
          .onConflict((oc) =>
            oc.columns(['table_namespace', 'table_name', 'path']).doUpdateSet((eb) => ({
              size: eb.ref('excluded.size'),
              modified_ms: eb.ref('excluded.modified_ms'),
              partition: eb.ref('excluded.partition'),
            })),
          )
          .execute();
      }
      return { schemaVersion: version };
    });
  }

  /** Forgets the table; its files are someone else's and stay where they are. */
  async drop(namespace: string, name: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const deleted = await tx
        .deleteFrom('silt_external_tables')
        .where('table_namespace', '=', namespace)
        .where('table_name', '=', name)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw new NotFound(`catalog: no external table ${namespace}.${name}`);
      for (const t of ['silt_external_schemas', 'silt_external_files'] as const) {
        await tx.deleteFrom(t).where('table_namespace', '=', namespace).where('table_name', '=', name).execute();
      }
    });
  }

  private row(db: Kysely<MetadataDb>, namespace: string, name: string) {
    return db
      .selectFrom('silt_external_tables')
      .selectAll()
      .where('table_namespace', '=', namespace)
      .where('table_name', '=', name)
      .executeTakeFirst();
  }

  private async info(r: MetadataDb['silt_external_tables']): Promise<ExternalTableInfo> {
    const schema = await this.db
      .selectFrom('silt_external_schemas')
      .select('columns')
      .where('table_namespace', '=', r.table_namespace)
      .where('table_name', '=', r.table_name)
      .where('version', '=', r.schema_version)
      .executeTakeFirst();
    return {
      namespace: r.table_namespace,
      name: r.table_name,
      location: r.location,
      format: r.format as ExternalFormat,
      options: JSON.parse(r.options) as Record<string, string>,
      schemaVersion: Number(r.schema_version),
      columns: schema ? (JSON.parse(schema.columns) as ExternalColumn[]) : [],
      createdMs: Number(r.created_ms),
      updatedMs: Number(r.updated_ms),
    };
  }
}
