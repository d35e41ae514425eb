import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { EnvironmentFault, InvalidInput, UNREACHABLE } from '../errors.js';
import type { DbCapabilities } from './db-capabilities.js';

/** Whether a catalog URI names a PostgreSQL server (`postgres://` or `postgresql://`). */
export function isPostgresUri(uri: string): boolean {
  return /^postgres(ql)?:\/\//i.test(uri);
}

/** The URI with its password, if any, replaced by `***`: for messages and logs. */
export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Advisory lock keys are (class, key) pairs; this class is Silt's. */
const LOCK_CLASS = 0x51_17;
const MIGRATION_LOCK = 1;

/** int8 (bigint: epoch ms, sizes, counts) as a JS number, as SQLite gives it; every value Silt keeps fits. */
const INT8_OID = 20;

/**
 * A pool of the server. `pg` is imported here, when the first statement needs a connection, so that
 * a project on SQLite never loads it: it costs tens of milliseconds of every process's start.
 */
async function newPool(uri: string): Promise<pg.Pool> {
  const { default: pg } = await import('pg');
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: uri, max: 10, types, application_name: 'silt' });
  // An idle connection the server dropped (a restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Opens the metadata store on a PostgreSQL database (Kysely's Postgres dialect over a `pg` pool).
 * Nothing connects until the first statement. The password may come from the URI, PGPASSWORD or
 * ~/.pgpass, as for psql.
 */
export function openPostgres<DB>(uri: string): { db: Kysely<DB>; capabilities: DbCapabilities } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidInput(`catalog: ${redactUri(uri)} is not a valid PostgreSQL URI; write postgres://user@host:port/database`);
  }
  if (url.pathname.replace(/^\//, '') === '') {
    throw new InvalidInput(`catalog: ${redactUri(uri)} names no database; write postgres://user@host:port/database`);
  }
  const where = `PostgreSQL ${url.hostname}:${url.port || '5432'}${url.pathname}`;
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: async () => faultsClassified(await newPool(uri), where) }) });
  const lockKey = (name: string) => sql`${LOCK_CLASS}::int4, ${hash32(name)}::int4`;
  return {
    db,
    capabilities: {
      sqlalchemyUri: uri.replace(/^postgres(ql)?:\/\//i, 'postgresql+psycopg2://'),
      async lockTable(tx, table) {
        await sql`SELECT pg_advisory_xact_lock(${lockKey(table)})`.execute(tx);
      },
      durably: (fn) => fn(),
      // A session lock on one connection of the pool, held while `fn` migrates on others; released
      // by the server if this process dies.
      exclusiveMigration: (fn) =>
        db.connection().execute(async (conn) => {
          await sql`SELECT pg_advisory_lock(${LOCK_CLASS}::int4, ${MIGRATION_LOCK}::int4)`.execute(conn);
          try {
            return await fn();
          } finally {
            await sql`SELECT pg_advisory_unlock(${LOCK_CLASS}::int4, ${MIGRATION_LOCK}::int4)`.execute(conn);
          }
        }),
    },
  };
}

/** A stable 32-bit hash of a table name (FNV-1a), the key of its advisory lock. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Where a PostgreSQL URL was configured, for what to do when it fails. */
export interface PostgresSetting {
  /** Who speaks: `catalog`, `export daily_sales`. */
  readonly who: string;
  /** The key holding the URL: `catalog.uri in silt.yaml`. */
  readonly uriKey: string;
  /** Where the password comes from: `PGPASSWORD or ~/.pgpass`. */
  readonly passwordFrom: string;
}

const CATALOG_SETTING: PostgresSetting = { who: 'catalog', uriKey: 'catalog.uri in silt.yaml', passwordFrom: 'PGPASSWORD or ~/.pgpass' };

/**
 * What a failure to reach or use the server means, and what to do; `unreachable` when the server
 * could not be reached or was going down or coming up (a restart: worth waiting out). Undefined
 * for any other error (a bug, a constraint).
 */
function diagnose(e: unknown, s: PostgresSetting): { said: string; unreachable: boolean } | undefined {
  const code = (e as { code?: unknown })?.code;
  const said = e instanceof Error ? e.message : String(e);
  const outage = (text: string) => ({ said: text, unreachable: true });
  const fault = (text: string) => ({ said: text, unreachable: false });
  if (typeof code !== 'string') {
    return /Connection terminated|connection timeout|Client has encountered a connection error|Client was closed and is not queryable/i.test(said)
      ? outage(`the connection was lost (${said}); check that the server is running, then retry`)
      : undefined;
  }
  if (code === 'ECONNREFUSED') return outage(`nothing answers there (${said}); start the server, or fix ${s.uriKey}`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return fault(`the host is unknown (${said}); fix ${s.uriKey}`);
  if (code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === 'EPIPE') return outage(`the connection failed (${said}); check the server and the network, then retry`);
  if (code === '3D000') return fault(`${said}; create it (createdb, or CREATE DATABASE) or fix ${s.uriKey}`);
  if (code.startsWith('28')) return fault(`the server refused the login (${said}); check the user in ${s.uriKey} and its password (${s.passwordFrom})`);
  // 08: connection exceptions; 57P01-57P03: shut down by an administrator, crashed, starting up.
  if (code.startsWith('08') || /^57P0[123]$/.test(code)) return outage(`${said}; check the server, then retry`);
  if (code.startsWith('57P') || code.startsWith('53')) return fault(`${said}; check the server, then retry`);
  if (code === '42501') return fault(`${said}; grant ${s.who === 'catalog' ? "the catalog's user" : 'the user'} the rights it needs on the database`);
  return undefined;
}

/**
 * A failure to reach or use a PostgreSQL server as an EnvironmentFault naming the server (`where`,
 * host:port/database, never the password) and what to do; any other error as it was.
 */
export function postgresFault(e: unknown, where: string, setting: PostgresSetting = CATALOG_SETTING): unknown {
  const d = diagnose(e, setting);
  return d ? new EnvironmentFault(`${setting.who}: ${where}: ${d.said}`, { cause: e, ...(d.unreachable ? { code: UNREACHABLE } : {}) }) : e;
}

/** The pool as Kysely sees it, every connection's and statement's failure passed through `postgresFault`. */
function faultsClassified(pool: pg.Pool, where: string): PostgresPool {
  const listened = new WeakSet<pg.PoolClient>();
  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw postgresFault(e, where);
      }
      // A checked-out client whose connection drops between statements (a server restart) emits
      // 'error', which would end the process unheard; its next statement fails and is classified.
      if (!listened.has(client)) {
        listened.add(client);
        client.on('error', () => undefined);
      }
      return {
        query: ((...args: Parameters<pg.PoolClient['query']>) => {
          const r = (client.query as (...a: unknown[]) => unknown)(...args);
          return r instanceof Promise ? r.catch((e: unknown) => Promise.reject(postgresFault(e, where))) : r;
        }) as PostgresPoolClient['query'],
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}
