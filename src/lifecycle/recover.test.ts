import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { test } from 'node:test';
import type { Catalog } from '../catalog/index.js';
import { catalogFixture, fakeDataFile } from '../catalog/test-support.js';
import type { LocalStore } from '../storage/index.js';
import { buildSchema, metadataFileKey, versionUpdates } from '../table/index.js';
import { recover } from './recover.js';

/** raw.a (two appends, 5 rows), raw.b (2 rows), gold.empty (no snapshot); returns a's and b's metadata. */
async function project(open: () => Promise<Catalog>, store: LocalStore) {
  const c = await open();
  try {
    const def = buildSchema([{ name: 'id', type: 'long' }]);
    const a = await c.createTable('raw', 'a', def);
    await a.append([fakeDataFile(store, 'warehouse/raw/a/data/1.parquet', 3)]);
    await a.append([fakeDataFile(store, 'warehouse/raw/a/data/2.parquet', 2)]);
    const b = await c.createTable('raw', 'b', def);
    await b.append([fakeDataFile(store, 'warehouse/raw/b/data/1.parquet', 2)]);
    await c.createTable('gold', 'empty', def);
    return { a: a.metadataLocation, aSnapshot: a.metadata['current-snapshot-id']!, b: b.metadataLocation };
  } finally {
    await c.close();
  }
}

test('recover registers every table of the warehouse at its latest metadata, with snapshot and rows', async () => {
  const { store, file, open } = await catalogFixture('silt-recover-');
  const before = await project(open, store);
  rmSync(file);

  const dry = await open('in-memory');
  const planned = await recover(dry, { dryRun: true });
  await dry.close();
  assert.deepEqual(
    planned.tables.map((t) => [t.table, t.status, t.metadataLocation, t.rows]),
    [
      ['gold.empty', 'would register', planned.tables[0]!.metadataLocation, 0],
      ['raw.a', 'would register', before.a, 5],
      ['raw.b', 'would register', before.b, 2],
    ],
  );
  await assert.rejects(open(), /catalog file .* is missing/, 'a dry run registers nothing');
  assert.equal(existsSync(':memory:'), false, 'the dry run kept its catalog in memory, not in a file of the working folder');

  const c = await open('replace');
  try {
    const done = await recover(c);
    assert.deepEqual(done.tables.map((t) => [t.table, t.status]), [['gold.empty', 'registered'], ['raw.a', 'registered'], ['raw.b', 'registered']]);
    assert.equal(done.tables[1]!.snapshotId, before.aSnapshot);
    const a = await c.loadTable('raw', 'a');
    assert.equal(a.metadataLocation, before.a);
    assert.deepEqual(await c.listNamespaces(), ['gold', 'raw']);
    // Run again: nothing left to do, and the catalog's pointers are kept.
    const again = await recover(c);
    assert.deepEqual(again.tables.map((t) => t.status), ['already registered', 'already registered', 'already registered']);
  } finally {
    await c.close();
  }
});

test('recover registers views too, at their latest metadata, in namespaces that hold nothing else as well', async () => {
  const { store, file, open } = await catalogFixture('silt-recover-views-');
  await project(open, store);
  const made = await open();
  const sql = (text: string) => versionUpdates(buildSchema([{ name: 'id', type: 'long' }]).schema, { 'timestamp-ms': Date.now(), summary: {}, representations: [{ type: 'sql', sql: text, dialect: 'silt' }], 'default-namespace': ['raw'] });
  await made.createNamespace('reports');
  await made.views.create('reports', 'ids', sql('SELECT id FROM raw.a'));
  const replaced = await made.views.commit('reports', 'ids', (base) => ({ ...base }));
  await made.close();
  rmSync(file);

  const c = await open('replace');
  try {
    const done = await recover(c);
    assert.deepEqual(done.tables.map((t) => [t.table, t.status, t.view ?? false]), [
      ['gold.empty', 'registered', false],
      ['raw.a', 'registered', false],
      ['raw.b', 'registered', false],
      ['reports.ids', 'registered', true],
    ]);
    const view = await c.views.load('reports', 'ids');
    assert.equal(view.metadataLocation, replaced.metadataLocation, 'the latest of its two metadata files');
    assert.equal(view.metadata.versions[0]!.representations[0]!.sql, 'SELECT id FROM raw.a');
    assert.deepEqual((await recover(c)).tables.map((t) => t.status), ['already registered', 'already registered', 'already registered', 'already registered']);
  } finally {
    await c.close();
  }
});

test('recover skips a newer metadata file whose manifest list is missing or which does not parse, and says so', async () => {
  const { store, file, open } = await catalogFixture('silt-recover-');
  const before = await project(open, store);
  const text = (await store.get(store.keyOf(before.a))).toString('utf8');
  // A commit that crashed after writing its metadata but whose manifest list never landed…
  const broken = metadataFileKey('warehouse/raw/a', 3);
  await store.put(broken, text.replace(/"manifest-list":"[^"]+"/g, `"manifest-list":"${store.uri('warehouse/raw/a/metadata/snap-gone.avro')}"`));
  // …and a torn file of a later version still.
  const torn = metadataFileKey('warehouse/raw/a', 4);
  await store.put(torn, text.slice(0, 100));
  rmSync(file);

  const c = await open('replace');
  try {
    const result = await recover(c);
    const a = result.tables.find((t) => t.table === 'raw.a')!;
    assert.equal(a.status, 'registered');
    assert.equal(a.metadataLocation, before.a);
    assert.equal(a.rows, 5);
    const notes = a.notes.join('\n');
    assert.ok(notes.includes(`${store.uri(torn)} is not Iceberg v2 table metadata`), notes);
    assert.ok(notes.includes(`${store.uri(broken)}: the manifest list of snapshot`) && notes.includes('is missing'), notes);
    assert.ok(notes.includes(`chose ${before.a}`), notes);
    assert.equal((await c.loadTable('raw', 'a')).metadataLocation, before.a);
  } finally {
    await c.close();
  }
});

test('recover leaves a registered table at its pointer and reports a newer uncommitted file beside it', async () => {
  const { store, open } = await catalogFixture('silt-recover-');
  const before = await project(open, store);
  const text = (await store.get(store.keyOf(before.b))).toString('utf8');
  const orphan = metadataFileKey('warehouse/raw/b', 2);
  await store.put(orphan, text);
  const c = await open();
  try {
    const b = (await recover(c)).tables.find((t) => t.table === 'raw.b')!;
    assert.equal(b.status, 'already registered');
    assert.equal(b.metadataLocation, before.b);
    assert.match(b.notes.join('\n'), /is newer than the registered metadata but was never made current/);
  } finally {
    await c.close();
  }
});

test('recover of a name found in two folders takes the later table and names the other', async () => {
  const { store, file, open } = await catalogFixture('silt-recover-');
  await project(open, store);
  const c0 = await open();
  try {
    // Dropping without purge leaves raw.b's files; a new raw.b then lives in raw/b-<suffix>.
    await c0.dropTable('raw', 'b', { purge: false });
    await new Promise((r) => setTimeout(r, 5)); // "later" is by last-updated-ms
    const def = buildSchema([{ name: 'id', type: 'long' }]);
    const b = await c0.createTable('raw', 'b', def);
    await b.append([fakeDataFile(store, `${store.keyOf(b.metadata.location)}/data/1.parquet`, 7)]);
  } finally {
    await c0.close();
  }
  rmSync(file);
  const c = await open('replace');
  try {
    const b = (await recover(c)).tables.find((t) => t.table === 'raw.b')!;
    assert.equal(b.rows, 7);
    assert.match(b.metadataLocation!, /warehouse\/raw\/b-[0-9a-f]{8}\/metadata\//);
    assert.match(b.notes.join('\n'), /warehouse\/raw\/b also holds a table raw\.b, .*an earlier table of that name, left as it is/);
  } finally {
    await c.close();
  }
});
