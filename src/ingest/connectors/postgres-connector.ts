import pg from 'pg';
import { postgresFault, type PostgresSetting } from '../../catalog/index.js';
import { didYouMean } from '../../config/index.js';
import { quoteIdent, quoteQualified } from '../../engine/index.js';
import { EnvironmentFault, InvalidInput } from '../../errors.js';
import type { Connector, ConnectorState, PulledChunk, PullOptions } from './connector.js';
import type { PostgresPullConfig } from './pull-config.js';
import { jsonValue } from './postgres-values.js';

/** The cursor value of the row each pulled record came from (as the connector's JSON maps it). */
export const CURSOR_COLUMN = '_cursor';
/** True on a tombstone: a key `deletes: compare` found gone from the table. */
export const DELETED_COLUMN = '_deleted';

/** Where the last landed chunk ended: the cursor and key values of its last row, as PostgreSQL's text. */
interface KeysetState extends ConnectorState {
  /** The table and the cursor and key columns the values are of. */
  of: string;
  cursor: string;
  key: string[];
}

interface Column {
  name: string;
  /** As `format_type` spells it: what a parameter is cast to. */
  type: string;
}

/** Every value as PostgreSQL's text; `jsonValue` maps it by the column's type. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;
const KEYS_A_QUERY = 5_000;

/**
 * A PostgreSQL table read by keyset pagination on (cursor, key): `WHERE (cursor, key…) > (last)
 * ORDER BY cursor, key… LIMIT chunk_rows`, so rows tied on the cursor across a chunk's end are
 * neither lost nor repeated, and each query is an index range when (cursor, key) is indexed. Rows
 * whose cursor is null are never pulled. Read only: its session is read-only.
 */
export class PostgresConnector implements Connector {
  private constructor(
    private readonly client: pg.Client,
    private readonly source: string,
    private readonly config: PostgresPullConfig,
    private readonly where: string,
    private readonly setting: PostgresSetting,
    private readonly columns: Column[],
  ) {}

  /** Connects and checks the table, its cursor and key columns: each problem one error naming the source and the key to fix. */
  static async open(source: string, config: PostgresPullConfig, env: NodeJS.ProcessEnv = process.env): Promise<PostgresConnector> {
    const at = `sources.${source}.pull`;
    let url = config.url;
    if (config.url_env !== undefined) {
      url = env[config.url_env];
      if (!url) {
        throw new EnvironmentFault(`source ${source}: the environment variable ${config.url_env} (${at}.url_env in silt.yaml) is not set; set it to the postgres://user@host:port/database URL of the table's database`, {
          code: 'pull_url_missing',
          details: { key: `${at}.url_env` },
        });
      }
    }
    let password: string | undefined;
    if (config.password_env !== undefined) {
      password = env[config.password_env];
      if (password === undefined) {
        throw new EnvironmentFault(`source ${source}: the environment variable ${config.password_env} (${at}.password_env in silt.yaml) is not set; set it to the database user's password`, {
          code: 'pull_password_missing',
          details: { key: `${at}.password_env` },
        });
      }
    }
    let parsed: URL;
    try {
      parsed = new URL(url!);
    } catch {
      throw new InvalidInput(`source ${source}: ${config.url_env ?? `${at}.url`} is not a URL; give postgres://user@host:port/database`, { details: { key: `${at}.url` } });
    }
    const where = `PostgreSQL ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
    const setting: PostgresSetting = {
      who: `source ${source}`,
      uriKey: config.url_env !== undefined ? `the URL in ${config.url_env} (${at}.url_env)` : `${at}.url in silt.yaml`,
      passwordFrom: config.password_env ?? 'PGPASSWORD or ~/.pgpass, or password_env',
    };
    const client = new pg.Client({
      connectionString: url,
      application_name: 'silt pull',
      connectionTimeoutMillis: 15_000,
      types: RAW_TEXT,
      options: '-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=iso_8601 -c default_transaction_read_only=on',
      ...(password !== undefined ? { password } : {}),
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (e) {
      await client.end().catch(() => undefined);
      throw postgresFault(e, where, setting);
    }
    try {
      const columns = await tableColumns(client, source, config, where);
      return new PostgresConnector(client, source, config, where, setting, columns);
    } catch (e) {
      await client.end().catch(() => undefined);
      throw postgresFault(e, where, setting);
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }

  /** The key columns, in order: what tombstones carry. */
  get keyColumns(): readonly string[] {
    return this.config.key;
  }

  async *pull(state: ConnectorState | undefined, options: PullOptions): AsyncIterable<PulledChunk> {
    const { cursor, key } = this.config;
    const order = [cursor, ...key];
    const typed = order.map((c) => this.column(c));
    const table = quoteQualified(...splitTable(this.config.table));
    const list = order.map(quoteIdent).join(', ');
    const of = `${this.config.table}(${order.join(', ')})`;
    let after = state === undefined ? undefined : checkState(state, of, this.source);
    const started = Date.now();
    let rows = 0;
    let pages = 0;
    for (;;) {
      options.signal.throwIfAborted();
      const where = after === undefined ? `${quoteIdent(cursor)} IS NOT NULL` : `(${list}) > (${typed.map((c, i) => `$${i + 1}::${c.type}`).join(', ')})`;
      const params = after === undefined ? [] : [after.cursor, ...after.key];
      const result = await this.query(`SELECT * FROM ${table} WHERE ${where} ORDER BY ${list} LIMIT ${options.chunkRows}`, params);
      if (result.rows.length === 0) break;
      const at = order.map((c) => result.fields.findIndex((f) => f.name === c));
      const last = result.rows[result.rows.length - 1]!;
      after = { of, cursor: last[at[0]!] as string, key: at.slice(1).map((i) => last[i] as string) };
      const records = result.rows.map((row) => {
        const record: Record<string, unknown> = {};
        result.fields.forEach((f, i) => (record[f.name] = jsonValue(row[i] as string | null, f.dataTypeID)));
        record[CURSOR_COLUMN] = record[cursor];
        record[DELETED_COLUMN] = false;
        return record;
      });
      rows += records.length;
      pages += 1;
      options.log(`pull ${this.source}: ${rows.toLocaleString('en-US')} rows in ${pages} chunks from ${this.config.table} (${Date.now() - started} ms)`);
      yield { records, state: { ...after } };
      if (result.rows.length < options.chunkRows) break;
    }
  }

  /**
   * Of `keys` (each the key columns' values as text, in `keyColumns` order), those no row of the
   * table has any more, as tombstone records: the key, `_deleted = true`. Asked a few thousand
   * keys at a time, each an index lookup when the key is indexed.
   */
  async goneKeys(keys: readonly (readonly string[])[]): Promise<Record<string, unknown>[]> {
    const key = this.config.key;
    const cols = key.map((c) => this.column(c));
    const table = quoteQualified(...splitTable(this.config.table));
    const alias = key.map((_, i) => `k${i}`);
    const sql =
      `SELECT ${cols.map((c, i) => `k.${alias[i]}::${c.type} AS ${quoteIdent(c.name)}`).join(', ')} ` +
      `FROM unnest(${cols.map((_, i) => `$${i + 1}::text[]`).join(', ')}) AS k(${alias.join(', ')}) ` +
      `WHERE NOT EXISTS (SELECT 1 FROM ${table} t WHERE ${cols.map((c, i) => `t.${quoteIdent(c.name)} = k.${alias[i]}::${c.type}`).join(' AND ')})`;
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < keys.length; i += KEYS_A_QUERY) {
      const part = keys.slice(i, i + KEYS_A_QUERY);
      const result = await this.query(sql, key.map((_, j) => part.map((k) => k[j])));
      for (const row of result.rows) {
        const record: Record<string, unknown> = {};
        result.fields.forEach((f, j) => (record[f.name] = jsonValue(row[j] as string | null, f.dataTypeID)));
        record[CURSOR_COLUMN] = null;
        record[DELETED_COLUMN] = true;
        out.push(record);
      }
    }
    return out;
  }

  private column(name: string): Column {
    return this.columns.find((c) => c.name === name)!;
  }

  private async query(text: string, values: unknown[]): Promise<pg.QueryArrayResult<unknown[]>> {
    try {
      return await this.client.query({ text, values, rowMode: 'array' });
    } catch (e) {
      const fault = postgresFault(e, this.where, this.setting);
      if (fault !== e) throw fault;
      throw new EnvironmentFault(`source ${this.source}: ${this.where}: reading ${this.config.table} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e, details: { key: this.source } });
    }
  }
}

function splitTable(table: string): [string, string] {
  const dot = table.indexOf('.');
  return [table.slice(0, dot), table.slice(dot + 1)];
}

async function tableColumns(client: pg.Client, source: string, config: PostgresPullConfig, where: string): Promise<Column[]> {
  const at = `sources.${source}.pull`;
  const [schema, name] = splitTable(config.table);
  const { rows } = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [schema, name],
  );
  if (rows.length === 0) {
    const { rows: tables } = await client.query<{ t: string }>(
      `SELECT n.nspname || '.' || c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    const hint = didYouMean(config.table, tables.map((t) => t.t));
    throw new InvalidInput(`source ${source}: no table ${config.table} in ${where}${hint ? ` (did you mean ${hint}?)` : ''}; fix ${at}.table in silt.yaml, or grant the user access to it`, {
      code: 'pull_table_not_found',
      details: { key: `${at}.table`, table: config.table },
    });
  }
  const names = rows.map((r) => r.name);
  for (const [role, column] of [['cursor', config.cursor], ...config.key.map((k) => ['key', k] as const)] as const) {
    if (names.includes(column)) continue;
    const hint = didYouMean(column, names);
    throw new InvalidInput(
      `source ${source}: table ${config.table} has no ${role} column ${column}${hint ? ` (did you mean ${hint}?)` : ''}; its columns: ${names.join(', ')}; fix ${at}.${role} in silt.yaml`,
      { code: 'pull_column_not_found', details: { key: `${at}.${role}`, table: config.table } },
    );
  }
  return rows;
}

function checkState(state: ConnectorState, of: string, source: string): KeysetState {
  const s = state as Partial<KeysetState>;
  if (s.of !== of || typeof s.cursor !== 'string' || !Array.isArray(s.key)) {
    throw new InvalidInput(`source ${source}: the last pull read ${String(s.of)}, silt.yaml now says ${of}; put the table, cursor and key back, or declare the source under a new name to pull the table from the start`, {
      code: 'pull_state_mismatch',
      details: { key: source },
    });
  }
  return s as KeysetState;
}
