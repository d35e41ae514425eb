import { once } from 'node:events';
import { sql } from 'kysely';
import { openDb } from './db.js';
import { migrate } from './migrations.js';

/**
 * Test support for the catalog contract (catalog-contract.ts): one of several processes that open
 * and migrate the same fresh metadata store at once. It waits for a line on stdin, so all start
 * together, then prints the rows of `silt_schema_version` it sees as JSON.
 */
const uri = process.argv[2];
if (!uri) throw new Error('usage: migrate-child <catalog uri>');
process.stdout.write('ready\n');
await once(process.stdin, 'data');
const { db, capabilities } = openDb(uri);
try {
  await migrate(db, capabilities);
  const { rows } = await sql<{ version: number }>`SELECT version FROM silt_schema_version`.execute(db);
  process.stdout.write(JSON.stringify(rows) + '\n');
} finally {
  await db.destroy();
}
process.stdin.destroy();
