import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { postgresFault, type PostgresSetting } from '../catalog/index.js';
import { quoteIdent, quoteList, quoteQualified } from '../engine/index.js';
import { CommitConflict, EnvironmentFault, InvalidInput } from '../errors.js';
import type { ExportSpec } from './export-config.js';
import { identList } from './stage-rows.js';

/** The table, in the target table's schema, that says which snapshot each target table holds. */
const STATE_TABLE = 'silt_export_state';

export interface TargetColumn {
  readonly name: string;
  /** As PostgreSQL spells it: `integer`, `numeric(12,2)`, `timestamp without time zone`. */
  readonly type: string;
}

/** What the warehouse holds for one export's target table before it runs. */
export interface TargetState {
  /** Undefined when the table does not exist. */
  readonly columns: readonly TargetColumn[] | undefined;
  /** The column sets of its unique indexes (a primary key is one). */
  readonly uniqueKeys: readonly (readonly string[])[];
  /** The lakehouse snapshot the table holds, by the last export that committed. */
  readonly snapshotId: string | undefined;
}

/** Rows staged as CSV files (with a header), and what to do with them, in one transaction. */
export interface WarehouseLoad {
  readonly columns: readonly TargetColumn[];
  /** Create the table (with the key as its primary key) before loading. */
  readonly create: boolean;
  readonly addColumns: readonly TargetColumn[];
  /** Columns to widen to the type given (the source's type was promoted). */
  readonly widenColumns: readonly TargetColumn[];
  /** replace: delete every row, then insert; append: insert; upsert: insert or update by key, after deleting the gone keys. */
  readonly how: 'replace' | 'append' | 'upsert';
  readonly rowsFile: string | undefined;
  readonly goneKeysFile: string | undefined;
  /** The snapshot the plan was made from: another export that moved the table meanwhile is a conflict. */
  readonly expectedSnapshot: string | undefined;
  readonly snapshotId: string;
}

export interface LoadCounts {
  readonly rowsSent: number;
  readonly rowsDeleted: number;
}

/** A connection to an export's target: PostgreSQL, or a warehouse that speaks its protocol. */
export class Warehouse {
  private constructor(
    private readonly client: pg.Client,
    private readonly spec: ExportSpec,
    /** `PostgreSQL host:port/database`: what messages name (never the password). */
    readonly where: string,
  ) {}

  static async connect(spec: ExportSpec): Promise<Warehouse> {
    const url = new URL(spec.target.url);
    const where = `PostgreSQL ${url.hostname}:${url.port || '5432'}${url.pathname}`;
    let password: string | undefined;
    if (spec.target.passwordEnv !== undefined) {
      password = process.env[spec.target.passwordEnv];
      if (password === undefined) {
        throw new EnvironmentFault(
          `export ${spec.name}: the environment variable ${spec.target.passwordEnv} (exports.targets.${spec.target.name}.password_env) is not set; set it to the password of ${where}`,
          { details: { key: `exports.targets.${spec.target.name}.password_env` } },
        );
      }
    }
    const client = new pg.Client({ connectionString: spec.target.url, application_name: 'silt export', connectionTimeoutMillis: 15_000, ...(password !== undefined ? { password } : {}) });
    client.on('error', () => undefined);
    const w = new Warehouse(client, spec, where);
    await w.guard(() => client.connect());
    return w;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }

  private get setting(): PostgresSetting {
    const t = this.spec.target;
    return {
      who: `export ${this.spec.name}`,
      uriKey: `exports.targets.${t.name}.url in silt.yaml`,
      passwordFrom: t.passwordEnv !== undefined ? t.passwordEnv : 'PGPASSWORD or ~/.pgpass, or password_env',
    };
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw refused(postgresFault(e, this.where, this.setting), this.spec, this.where);
    }
  }

  private get table(): string {
    return quoteQualified(this.spec.table.schema, this.spec.table.name);
  }

  private get stateTable(): string {
    return quoteQualified(this.spec.table.schema, STATE_TABLE);
  }

  private get targetName(): string {
    return `${this.spec.table.schema}.${this.spec.table.name}`;
  }

  async state(): Promise<TargetState> {
    return this.guard(async () => {
      const cols = await this.client.query<{ name: string; type: string }>(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
         WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [this.table],
      );
      const exists = (await this.client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [this.table])).rows[0]?.t != null;
      const keys = await this.client.query<{ cols: string[] }>(
        `SELECT ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) AS cols
         FROM pg_index i WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL`,
        [this.table],
      );
      const hasState = (await this.client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [this.stateTable])).rows[0]?.t != null;
      const snap = hasState
        ? (await this.client.query<{ snapshot_id: string }>(`SELECT snapshot_id FROM ${this.stateTable} WHERE target_table = $1`, [this.targetName])).rows[0]?.snapshot_id
        : undefined;
      return { columns: exists ? cols.rows : undefined, uniqueKeys: keys.rows.map((r) => r.cols), snapshotId: snap };
    });
  }

  /** Applies the load in one transaction: nothing of it is visible to the warehouse's readers before it all is. */
  async load(load: WarehouseLoad, source: string): Promise<LoadCounts> {
    const c = this.client;
    const key = this.spec.key;
    const names = load.columns.map((col) => quoteIdent(col.name));
    return this.guard(async () => {
      await c.query('BEGIN');
      try {
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`silt export ${this.targetName}`]);
        await c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.spec.table.schema)}`);
        await c.query(
          `CREATE TABLE IF NOT EXISTS ${this.stateTable} (target_table text PRIMARY KEY, export_name text NOT NULL, source_table text NOT NULL, snapshot_id text NOT NULL, exported_at timestamptz NOT NULL)`,
        );
        const held = (await c.query<{ snapshot_id: string }>(`SELECT snapshot_id FROM ${this.stateTable} WHERE target_table = $1 FOR UPDATE`, [this.targetName])).rows[0]?.snapshot_id;
        if (held !== load.expectedSnapshot) {
          throw new CommitConflict(`export ${this.spec.name}: another export moved ${this.targetName} in ${this.where} meanwhile (to snapshot ${held ?? 'none'}); nothing was sent; run again`);
        }
        if (load.create) {
          const pk = key.length > 0 ? `, PRIMARY KEY (${identList(key)})` : '';
          await c.query(`CREATE TABLE ${this.table} (${load.columns.map((col) => `${quoteIdent(col.name)} ${col.type}`).join(', ')}${pk})`);
        }
        for (const col of load.addColumns) await c.query(`ALTER TABLE ${this.table} ADD COLUMN ${quoteIdent(col.name)} ${col.type}`);
        for (const col of load.widenColumns) await c.query(`ALTER TABLE ${this.table} ALTER COLUMN ${quoteIdent(col.name)} TYPE ${col.type}`);
        let rowsSent = 0;
        let rowsDeleted = 0;
        if (load.how === 'replace') rowsDeleted = (await c.query(`DELETE FROM ${this.table}`)).rowCount ?? 0;
        if (load.how === 'upsert' && load.goneKeysFile !== undefined) {
          await c.query(`CREATE TEMP TABLE silt_gone ON COMMIT DROP AS SELECT ${identList(key)} FROM ${this.table} WITH NO DATA`);
          await this.copy(`silt_gone (${identList(key)})`, load.goneKeysFile);
          const on = key.map((k) => `t.${quoteIdent(k)} = g.${quoteIdent(k)}`).join(' AND ');
          rowsDeleted = (await c.query(`DELETE FROM ${this.table} t USING silt_gone g WHERE ${on}`)).rowCount ?? 0;
        }
        if (load.rowsFile !== undefined) {
          if (load.how === 'upsert') {
            await c.query(`CREATE TEMP TABLE silt_stage (LIKE ${this.table}) ON COMMIT DROP`);
            await this.copy(`silt_stage (${names.join(', ')})`, load.rowsFile);
            const set = load.columns.filter((col) => !key.includes(col.name)).map((col) => `${quoteIdent(col.name)} = EXCLUDED.${quoteIdent(col.name)}`);
            const onConflict = set.length > 0 ? `DO UPDATE SET ${set.join(', ')}` : 'DO NOTHING';
            rowsSent = (await c.query(`INSERT INTO ${this.table} (${names.join(', ')}) SELECT ${names.join(', ')} FROM silt_stage ON CONFLICT (${identList(key)}) ${onConflict}`)).rowCount ?? 0;
          } else {
            rowsSent = await this.copy(`${this.table} (${names.join(', ')})`, load.rowsFile);
          }
        }
        await c.query(
          `INSERT INTO ${this.stateTable} (target_table, export_name, source_table, snapshot_id, exported_at) VALUES ($1, $2, $3, $4, now())
           ON CONFLICT (target_table) DO UPDATE SET export_name = EXCLUDED.export_name, source_table = EXCLUDED.source_table, snapshot_id = EXCLUDED.snapshot_id, exported_at = EXCLUDED.exported_at`,
          [this.targetName, this.spec.name, source, load.snapshotId],
        );
        await c.query('COMMIT');
        return { rowsSent, rowsDeleted };
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  /** Streams a CSV file (with a header) into `into` with the COPY protocol; the rows copied. */
  private async copy(into: string, file: string): Promise<number> {
    const stream = this.client.query(copyFrom(`COPY ${into} FROM STDIN (FORMAT csv, HEADER true)`));
    await pipeline(createReadStream(file), stream);
    return stream.rowCount;
  }
}

/**
 * What PostgreSQL refused in the rows or statements of an export (a value its column's type
 * cannot take, a constraint), named with the column and what to do; other errors as they were.
 */
function refused(e: unknown, spec: ExportSpec, where: string): unknown {
  const err = e as { code?: unknown; column?: unknown; where?: unknown; message?: unknown };
  // Data the table refuses (class 22), a constraint (23), a column's type or a missing key index: not Silt's bugs.
  const theirs = typeof err.code === 'string' && (/^2[23]/.test(err.code) || ['42804', '42P10', '42703'].includes(err.code));
  if (!(e instanceof pg.DatabaseError) || !theirs) return e;
  const table = `${spec.table.schema}.${spec.table.name}`;
  const context = typeof err.where === 'string' ? ` (${err.where.split('\n')[0]})` : '';
  const column = typeof err.column === 'string' ? ` column ${err.column}:` : '';
  const hint = String(err.code).startsWith('22') || err.code === '42804'
    ? `make the column's type in ${where} fit ${spec.source}'s, or drop ${table} there so that silt export creates it`
    : err.code === '23505' ? `the key (${spec.key.join(', ')}) must be unique in ${spec.source}` : `fix ${table} in ${where}, then run again`;
  return new InvalidInput(`export ${spec.name}: ${where} refused the rows for ${table}:${column} ${String(err.message)}${context}; ${hint}`, {
    cause: e,
    details: { table, ...(typeof err.column === 'string' ? { key: err.column } : {}) },
  });
}
