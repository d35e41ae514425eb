import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** Starts and stops a throwaway cluster; `.ci/run` and `npm test` call it too. */
const SCRIPT = fileURLToPath(new URL('../../scripts/services/postgres.sh', import.meta.url));

let server: Promise<string> | undefined;

/**
 * The URL of a PostgreSQL server for tests: SILT_TEST_POSTGRES_URL (`npm test` and `.ci/run` set
 * it), else a throwaway cluster this process starts and stops at its exit. With no PostgreSQL
 * installed this fails, saying how to install it: the PostgreSQL tests are never skipped silently.
 */
export function testPostgres(): Promise<string> {
  server ??= Promise.resolve().then(() => process.env['SILT_TEST_POSTGRES_URL'] || startCluster());
  return server;
}

function startCluster(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'silt-pg-'));
  rmSync(dir, { recursive: true });
  let url: string;
  try {
    url = execFileSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (e) {
    const said = String((e as { stderr?: unknown }).stderr ?? e).trim();
    throw new Error(
      `PostgreSQL tests need a PostgreSQL server: set SILT_TEST_POSTGRES_URL=postgres://user@host:port/db, or install PostgreSQL ` +
        `(apt-get install -y postgresql; brew install postgresql) so the tests start a throwaway one (${said})`,
    );
  }
  process.once('exit', () => void spawnSync('bash', [SCRIPT, 'stop', dir], { stdio: 'ignore' }));
  return url;
}

/** A new empty database on the test server: its URI, and how to drop it. */
export async function freshPostgresDatabase(): Promise<{ uri: string; drop(): Promise<void> }> {
  const serverUrl = await testPostgres();
  const name = `silt_test_${randomBytes(6).toString('hex')}`;
  await runOn(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { uri: url.toString(), drop: () => runOn(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Runs `fn` on a new empty database of the test server, dropped after. */
export async function onFreshPostgres<T>(fn: (uri: string) => Promise<T>): Promise<T> {
  const db = await freshPostgresDatabase();
  try {
    return await fn(db.uri);
  } finally {
    await db.drop();
  }
}

/** Runs SQL (one statement or several) on the database at `url`, in a connection of its own. */
export async function runOn(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A PostgreSQL cluster of a test's own, which the test may restart: what a shared server cannot be. */
export interface OwnPostgres {
  uri: string;
  /** Stops the cluster (its clients' connections are cut), waits `downSeconds`, starts it again on the same port. */
  restart(downSeconds: number): Promise<void>;
  stop(): void;
}

export function ownPostgres(): OwnPostgres {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'silt-pg-own-'));
  rmSync(dir, { recursive: true });
  const uri = execFileSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const stop = () => void spawnSync('bash', [SCRIPT, 'stop', dir], { stdio: 'ignore' });
  process.once('exit', stop);
  return {
    uri,
    restart: (downSeconds) =>
      new Promise((resolve, reject) => {
        const child = spawn('bash', [SCRIPT, 'restart', dir, String(downSeconds)], { stdio: ['ignore', 'ignore', 'pipe'] });
        let said = '';
        child.stderr.on('data', (d: Buffer) => (said += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`postgres.sh restart exited ${code}: ${said}`))));
      }),
    stop,
  };
}
