import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { openDb } from './db.js';
import { LATEST_VERSION, migrate } from './migrations.js';

/** Folders these tests made, removed when the file's tests are done. */
const made: string[] = [];
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

test('a new store is brought to the latest version; one already there is only read', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-migrations-'));
  made.push(dir);
  const file = path.join(dir, 'catalog.db');
  const { db, capabilities } = openDb(file);
  try {
    await migrate(db, capabilities);
    const version = async () => (await sql<{ version: number }>`SELECT version FROM silt_schema_version`.execute(db)).rows;
    assert.deepEqual(await version(), [{ version: LATEST_VERSION }]);

    // Another process mid-write holds the write lock; a command opening the store must not wait.
    await sql`PRAGMA busy_timeout = 0`.execute(db);
    const writer = new Database(file);
    writer.exec('BEGIN IMMEDIATE');
    try {
      await migrate(db, capabilities);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
    assert.deepEqual(await version(), [{ version: LATEST_VERSION }]);
  } finally {
    await db.destroy();
  }
});
