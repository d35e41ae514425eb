import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LocalStore, MemoryStore, type ObjectStore } from '../storage/index.js';
import { s3TestStore } from '../storage/s3-test-support.js';
import { buildSchema, versionHintUri, type Table } from '../table/index.js';
import { Catalog } from './catalog.js';
import { fakeDataFile } from './test-support.js';

const def = () => buildSchema([{ name: 'id', type: 'long' }]);

/** What the table's version hint says, or undefined when it has none. */
async function hintOf(store: ObjectStore, table: Table): Promise<string | undefined> {
  return (await store.getVersioned(store.keyOf(versionHintUri(table.metadata.location))))?.data.toString('utf8');
}

/** The name a hint gives for the table's current metadata file. */
function stemOf(table: Table): string {
  return table.metadataLocation.slice(table.metadataLocation.lastIndexOf('/') + 1).replace(/\.metadata\.json$/, '');
}

async function withCatalogs(store: ObjectStore, n: number, fn: (catalogs: Catalog[]) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-version-hint-'));
  const catalogs: Catalog[] = [];
  try {
    for (let i = 0; i < n; i++) catalogs.push(await Catalog.open(path.join(dir, 'catalog.db'), store));
    await fn(catalogs);
  } finally {
    for (const c of catalogs) await c.close();
    await rm(dir, { recursive: true, force: true });
  }
}

for (const kind of ['seaweedfs', 'moto'] as const) {
  test(`S3 on ${kind}: committers racing on several connections leave the version hint at the table's current metadata file`, async () => {
    const { store, cleanup } = await s3TestStore(kind);
    try {
      await withCatalogs(store, 4, async (catalogs) => {
        const created = await catalogs[0]!.createTable('raw', 'events', def());
        assert.equal(await hintOf(store, created), stemOf(created), 'a new table has its hint');
        await Promise.all(
          catalogs.map(async (c, w) => {
            const table = await c.loadTable('raw', 'events');
            for (let i = 0; i < 3; i++) await table.append([fakeDataFile(store, `warehouse/raw/events/data/w${w}-${i}.parquet`, 1)]);
          }),
        );
        const table = await catalogs[0]!.loadTable('raw', 'events');
        assert.equal(table.metadata.snapshots.length, 12, 'every commit landed once');
        assert.equal(await hintOf(store, table), stemOf(table));
        assert.match(stemOf(table), /^00012-/, 'twelve versions on top of the create\'s');
      });
    } finally {
      await cleanup();
    }
  });
}

test('a transaction over two tables moves both hints; a register over an older file takes the hint back to it', async () => {
  const store = new MemoryStore();
  await withCatalogs(store, 1, async ([c]) => {
    const a = await c!.createTable('raw', 'a', def());
    const b = await c!.createTable('raw', 'b', def());
    const first = a.metadataLocation;
    await c!.commitTransaction([
      { table: a, change: { requirements: [], updates: [{ action: 'set-properties', updates: { k: '1' } }] } },
      { table: b, change: { requirements: [], updates: [{ action: 'set-properties', updates: { k: '1' } }] } },
    ]);
    for (const name of ['a', 'b']) {
      const t = await c!.loadTable('raw', name);
      assert.match(stemOf(t), /^00001-/);
      assert.equal(await hintOf(store, t), stemOf(t), `raw.${name}'s hint`);
    }
    const back = await c!.registerTable('raw', 'a', first, { overwrite: true });
    assert.equal(await hintOf(store, back), stemOf(back));
    assert.match(stemOf(back), /^00000-/);
  });
  await store.dispose();
});

test('on a local folder, which cannot swap objects, the catalog alone holds the pointer and no hint is written', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-version-hint-local-'));
  const store = new LocalStore(path.join(dir, 'lake'));
  try {
    await withCatalogs(store, 1, async ([c]) => {
      const t = await c!.createTable('raw', 'events', def());
      await t.append([fakeDataFile(store, 'warehouse/raw/events/data/x.parquet', 1)]);
      assert.equal(await hintOf(store, t), undefined);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
