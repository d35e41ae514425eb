import assert from 'node:assert/strict';
import { readdir, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Catalog } from '../../catalog/index.js';
import { EnvironmentFault } from '../../errors.js';
import { referencedFiles } from '../../table/index.js';
import { withLake, type Lake } from '../../testing/lake.js';

/**
 * Files under Silt that are gone or damaged are faults of the machine (EnvironmentFault, exit 6),
 * named with their table and what to do, never "a bug in Silt".
 */

async function lakeWithTable(fn: (lake: Lake, files: { data: string; manifest: string; list: string; metadata: string }) => Promise<void>): Promise<void> {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE ops.events AS SELECT range AS id, range * 2 AS v FROM range(100)');
    await lake.sql.execute('INSERT INTO ops.events SELECT range AS id, 0 AS v FROM range(5)');
    const table = await lake.catalog.loadTable('ops', 'events');
    const [entry] = await table.liveEntries();
    const metadataDir = path.dirname(fileURLToPath(table.metadataLocation));
    const names = await readdir(metadataDir);
    const snapshot = table.metadata.snapshots.at(-1)!;
    await fn(lake, {
      data: fileURLToPath(entry!.dataFile.filePath),
      manifest: path.join(metadataDir, names.find((n) => n.endsWith('-m0.avro'))!),
      list: fileURLToPath(snapshot['manifest-list']),
      metadata: fileURLToPath(table.metadataLocation),
    });
  });
}

async function assertFault(run: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(run, (e: unknown) => {
    assert.ok(e instanceof EnvironmentFault, `expected an EnvironmentFault, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

const quoted = (file: string): RegExp => new RegExp(file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

test('a deleted data file: the query names the table and the file, and says to restore it or roll back', async () => {
  await lakeWithTable(async (lake, f) => {
    await rm(f.data);
    await assertFault(lake.sql.execute('SELECT count(*) FROM ops.events'), /ops\.events/, quoted(f.data), /missing/, /silt table rollback/);
  });
});

test('a truncated data file is damaged, named with its table', async () => {
  await lakeWithTable(async (lake, f) => {
    await truncate(f.data, 10);
    await assertFault(lake.sql.execute('SELECT sum(v) FROM ops.events'), /ops\.events/, quoted(f.data), /damaged/);
    // An INSERT reading the table meets the same fault.
    await assertFault(lake.sql.execute('INSERT INTO ops.events SELECT * FROM ops.events'), /ops\.events/, quoted(f.data));
  });
});

test('a manifest or manifest list with flipped bytes is damaged, named with its table; vacuum refuses to guess', async () => {
  for (const which of ['manifest', 'list'] as const) {
    await lakeWithTable(async (lake, f) => {
      await writeFile(f[which], 'not avro at all');
      await assertFault(lake.sql.execute('SELECT count(*) FROM ops.events'), /table ops\.events/, quoted(f[which]), /damaged/, /silt table rollback/);
      // What vacuum keeps: a manifest it cannot read stops it, so nothing is deleted on doubt.
      const t = await lake.catalog.loadTable('ops', 'events');
      await assertFault(referencedFiles(lake.store, t.metadata, t.metadataLocation, t.name), /table ops\.events/, quoted(f[which]));
    });
  }
});

test('a truncated or deleted current metadata file is damaged or missing, named with its table', async () => {
  await lakeWithTable(async (lake, f) => {
    await truncate(f.metadata, 40);
    await assertFault(lake.catalog.loadTable('ops', 'events'), /table ops\.events/, quoted(f.metadata), /damaged/, /restore/);
    await rm(f.metadata);
    await assertFault(lake.sql.execute('SELECT count(*) FROM ops.events'), /table ops\.events/, quoted(f.metadata), /missing/);
  });
});

test('a damaged catalog database names the file and says to restore it', async () => {
  await withLake(async (lake) => {
    const file = path.join(lake.dir, 'broken.db');
    await writeFile(file, new Uint8Array(8192).fill(0x41));
    await assertFault(Catalog.open(file, lake.store), quoted(file), /damaged/, /restore it from a backup/);
  });
});
