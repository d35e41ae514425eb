import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { EnvironmentFault, InvalidInput, isUnreachable } from '../errors.js';
import { LocalStore } from '../storage/index.js';
import { Catalog } from './catalog.js';
import { openPostgres } from './postgres-db.js';
import { freshPostgresDatabase, testPostgres } from './postgres-test-support.js';
import { catalogFixture } from './test-support.js';
import { buildSchema } from '../table/index.js';

const store = new LocalStore(path.join(os.tmpdir(), 'silt-pg-unused-lake'));

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

test('a PostgreSQL catalog nobody answers for is an environment fault naming the server and what to do', async () => {
  const port = await closedPort();
  await assert.rejects(Catalog.open(`postgres://silt:secret@127.0.0.1:${port}/lake`, store), (e: unknown) => {
    assert.ok(e instanceof EnvironmentFault, String(e));
    assert.match(e.message, new RegExp(`^catalog: PostgreSQL 127\\.0\\.0\\.1:${port}/lake: nothing answers there .*; start the server, or fix catalog\\.uri in silt\\.yaml$`));
    assert.doesNotMatch(e.message, /secret/);
    return true;
  });
});

test('a missing database says to create it; a URI without a database is refused', async () => {
  const url = new URL(await testPostgres());
  url.pathname = '/no_such_lake';
  await assert.rejects(Catalog.open(url.toString(), store), (e: unknown) => {
    assert.ok(e instanceof EnvironmentFault, String(e));
    assert.match(e.message, /^catalog: PostgreSQL 127\.0\.0\.1:\d+\/no_such_lake: database "no_such_lake" does not exist; create it \(createdb, or CREATE DATABASE\)/);
    return true;
  });
  await assert.rejects(Catalog.open(`postgres://silt@${url.host}`, store), (e: unknown) => e instanceof InvalidInput && /names no database; write postgres:\/\/user@host:port\/database/.test(e.message));
});

test('an empty database under a project whose warehouse holds tables is refused as a lost catalog; recover may fill it', async () => {
  const f = await catalogFixture('silt-pg-lost-');
  const sqlite = await f.open();
  await sqlite.createTable('raw', 'events', buildSchema([{ name: 'id', type: 'long' }]));
  await sqlite.close();
  const { uri, drop } = await freshPostgresDatabase();
  try {
    await assert.rejects(Catalog.open(uri, f.store), (e: unknown) => {
      assert.ok(e instanceof EnvironmentFault, String(e));
      assert.match(
        e.message,
        /^catalog: the catalog database postgres:\/\/\S+ holds no catalog, but the warehouse file:\S+ holds 1 table \(raw\.events\); Silt will not start an empty catalog over them\. Point catalog: in silt\.yaml at the database that holds them, move the SQLite catalog there with `silt migrate --catalog`, or run `silt recover`/,
      );
      return true;
    });
    const recovering = await Catalog.open(uri, f.store, { ifLost: 'replace' });
    assert.deepEqual(await recovering.listTables(), []);
    await recovering.close();
  } finally {
    await drop();
  }
});

test('a connection the server cuts while it is held between statements (a restart) does not end the process: its next statement is an outage to wait out', async () => {
  const { uri, drop } = await freshPostgresDatabase();
  const { db } = openPostgres<unknown>(uri);
  try {
    await db.connection().execute(async (conn) => {
      const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(conn);
      await sql`SELECT pg_terminate_backend(${rows[0]!.pid})`.execute(db);
      // The server's goodbye reaches the idle connection now; unheard, it was an uncaught error.
      await new Promise((r) => setTimeout(r, 300));
      await assert.rejects(sql`SELECT 1`.execute(conn), (e: unknown) => {
        assert.ok(isUnreachable(e), String(e));
        assert.match((e as Error).message, /^catalog: PostgreSQL 127\.0\.0\.1:\d+\/silt_test_\w+: .*then retry$/);
        return true;
      });
    });
    const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
    assert.deepEqual(rows, [{ one: 1 }], 'the pool connects anew');
  } finally {
    await db.destroy();
    await drop();
  }
});
