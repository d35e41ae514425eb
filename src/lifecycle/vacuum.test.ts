/** Folders no catalog entry owns any more (a dropped table's, a create that never registered) are vacuum's to remove. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Catalog } from '../catalog/index.js';
import { catalogFixture } from '../catalog/test-support.js';
import { EnvironmentFault } from '../errors.js';
import { LocalStore, MemoryStore } from '../storage/index.js';
import { buildSchema, versionHintUri } from '../table/index.js';
import { vacuum } from './vacuum.js';

/** A local store whose deletes of metadata files fail while `failing` is set, as on a faulty disk. */
class FaultyStore extends LocalStore {
  failing = false;
  override async delete(key: string): Promise<void> {
    if (this.failing && key.endsWith('.metadata.json')) throw Object.assign(new Error(`EIO: i/o error, unlink '${key}'`), { code: 'EIO' });
    return super.delete(key);
  }
}

const made: string[] = [];
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

async function lake(): Promise<{ catalog: Catalog; store: FaultyStore }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-vacuum-'));
  made.push(dir);
  const store = new FaultyStore(path.join(dir, 'lake'));
  return { catalog: await Catalog.open(path.join(dir, 'catalog.db'), store), store };
}

const def = () => buildSchema([{ name: 'id', type: 'long' }]);
const filesOf = async (store: LocalStore, folder: string) => (await store.list(folder + '/')).map((o) => o.key);

test('a DROP whose purge fails says so, and vacuum then removes the files it left; the name is free again', async () => {
  const { catalog, store } = await lake();
  try {
    const table = await catalog.createTable('a', 't', def());
    await table.setProperties({ k: 'v' });
    const folder = store.keyOf(table.metadata.location);
    store.failing = true;
    await assert.rejects(catalog.dropTable('a', 't'), (e: unknown) => {
      assert.ok(e instanceof EnvironmentFault, String(e));
      assert.match(e.message, /^catalog: dropped table a\.t, but could not remove all its files under .+ \(EIO: i\/o error.*\); `silt vacuum` removes them/);
      return true;
    });
    store.failing = false;
    assert.equal(await catalog.tableExists('a', 't'), false);
    assert.ok((await filesOf(store, folder)).length > 0, 'the failed purge left files');
    const result = await vacuum(catalog, { olderThanMs: 0 });
    assert.deepEqual(await filesOf(store, folder), [], 'vacuum removed them');
    assert.ok(result.filesRemoved >= 2);
    const again = await catalog.createTable('a', 't', def());
    assert.equal(store.keyOf(again.metadata.location), folder, 'a new table of the name takes the same folder');
  } finally {
    await catalog.close();
  }
});

test('a create whose first commits fail registers nothing and leaves no folder', async () => {
  const { catalog, store } = await lake();
  try {
    await assert.rejects(
      catalog.createTableWith('a', 'n', def(), async (t) => {
        await t.setProperties({ k: 'v' });
        throw new Error('the data could not be written');
      }),
      /the data could not be written/,
    );
    assert.equal(await catalog.tableExists('a', 'n'), false);
    assert.deepEqual(await store.list('warehouse/'), []);
  } finally {
    await catalog.close();
  }
});

test('a create that another process beats to the name gives way: its files go, the other table stays', async () => {
  const { catalog, store } = await lake();
  try {
    let other = '';
    const created = await catalog.createTableWith('a', 'n', def(), async (t) => {
      await t.setProperties({ mine: 'yes' });
      other = store.keyOf((await catalog.createTable('a', 'n', def())).metadata.location);
    });
    assert.equal(created, undefined);
    const table = await catalog.loadTable('a', 'n');
    assert.equal(table.metadata.properties['mine'], undefined, 'the registered table is the other one');
    assert.deepEqual((await store.list('warehouse/')).map((o) => path.dirname(path.dirname(o.key))), [other], 'only its files remain');
  } finally {
    await catalog.close();
  }
});

test('vacuum removes the temporary file an interrupted put left, though a listing hides it', async () => {
  const { store, open } = await catalogFixture('silt-vacuum-');
  const catalog = await open();
  try {
    const table = await catalog.createTable('raw', 'events', buildSchema([{ name: 'id', type: 'long' }]));
    const tableKey = store.keyOf(table.metadata.location);
    const left = `${tableKey}/data/part-0.parquet.0b5e4c1e-8a9f-4e57-9d2a-4f1c2b3a4d5e.tmp`;
    await fs.mkdir(store.enginePath(`${tableKey}/data`), { recursive: true });
    await fs.writeFile(store.enginePath(left), 'half a file');
    const result = await vacuum(catalog, { olderThanMs: 0 });
    assert.deepEqual(result.removed, [left]);
    assert.equal(await fs.stat(store.enginePath(left)).catch(() => undefined), undefined);
  } finally {
    await catalog.close();
  }
});

test('vacuum leaves a fresh file no metadata references yet (a REST client writes before it commits) until it is older than the grace age', async () => {
  const { store, open } = await catalogFixture('silt-vacuum-');
  const catalog = await open();
  try {
    const table = await catalog.createTable('raw', 'events', buildSchema([{ name: 'id', type: 'long' }]));
    const pending = `${store.keyOf(table.metadata.location)}/data/uncommitted-by-a-client.parquet`;
    await store.put(pending, new TextEncoder().encode('rows a client will commit in a moment'));
    const kept = await vacuum(catalog);
    assert.deepEqual(kept.removed, [], 'by default a file younger than a day stays');
    assert.ok(await store.exists(pending));
    assert.deepEqual((await vacuum(catalog, { olderThanMs: 60_000 })).removed, [], 'and with a grace age it has not reached');
    assert.deepEqual((await vacuum(catalog, { olderThanMs: 0 })).removed, [pending], 'an explicit age of 0 removes it');
  } finally {
    await catalog.close();
  }
});

test('vacuum keeps a table\'s version hint: it is part of the table, not a leftover', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-vacuum-hint-'));
  const store = new MemoryStore();
  const catalog = await Catalog.open(path.join(dir, 'catalog.db'), store);
  try {
    const t = await catalog.createTable('raw', 'events', buildSchema([{ name: 'id', type: 'long' }]));
    const hint = store.keyOf(versionHintUri(t.metadata.location));
    assert.equal(await store.exists(hint), true, 'a store that swaps objects keeps a hint');
    await vacuum(catalog, { olderThanMs: 0 });
    assert.equal(await store.exists(hint), true);
  } finally {
    await catalog.close();
    await store.dispose();
    await rm(dir, { recursive: true, force: true });
  }
});
