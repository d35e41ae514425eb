import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AlreadyExists, EnvironmentFault, InvalidInput, NotFound } from '../errors.js';
import type { LocalStore } from '../storage/index.js';
import { buildSchema } from '../table/index.js';
import type { Catalog } from './catalog.js';
import { catalogFixture, fakeDataFile } from './test-support.js';

const def = () => buildSchema([{ name: 'id', type: 'long' }]);

/** A catalog with raw.a (two appends, 5 rows) and raw.b (one append, 2 rows); returns a's metadata location. */
async function twoTables(open: () => Promise<Catalog>, store: LocalStore): Promise<string> {
  const c = await open();
  try {
    const a = await c.createTable('raw', 'a', def());
    await a.append([fakeDataFile(store, 'warehouse/raw/a/data/1.parquet', 3)]);
    await a.append([fakeDataFile(store, 'warehouse/raw/a/data/2.parquet', 2)]);
    const b = await c.createTable('raw', 'b', def());
    await b.append([fakeDataFile(store, 'warehouse/raw/b/data/1.parquet', 2)]);
    return a.metadataLocation;
  } finally {
    await c.close();
  }
}

test('a new project: a missing catalog over an empty warehouse is simply created', async () => {
  const { file, open } = await catalogFixture('silt-lost-catalog-');
  const c = await open();
  await c.close();
  assert.ok(existsSync(file));
});

test('a missing or emptied catalog over a warehouse with tables is refused, naming the file and silt recover', async () => {
  const { file, store, open } = await catalogFixture('silt-lost-catalog-');
  await twoTables(open, store);
  rmSync(file);
  await assert.rejects(open(), (e) => {
    assert.ok(e instanceof EnvironmentFault);
    assert.ok(e.message.includes(`catalog file ${file} is missing`), e.message);
    assert.match(e.message, /holds 2 tables \(raw\.a, raw\.b\)/);
    assert.match(e.message, /`silt recover`/);
    return true;
  });
  assert.ok(!existsSync(file), 'refusing must not leave a new empty catalog behind');
  writeFileSync(file, '');
  await assert.rejects(open(), (e) => e instanceof EnvironmentFault && e.message.includes(`catalog file ${file} is empty (0 bytes)`));
});

test('a catalog truncated to 0 bytes while its -wal lingers is set aside whole when replaced', async () => {
  const { dir, file, store, open } = await catalogFixture('silt-lost-catalog-');
  await twoTables(open, store);
  truncateSync(file, 0);
  writeFileSync(`${file}-wal`, 'stale');
  const memory = await open('in-memory');
  assert.deepEqual(await memory.listTables(), []);
  await memory.close();
  assert.equal(readdirSync(path.join(dir, '.silt')).filter((f) => f.includes('.lost-')).length, 0, 'in-memory touches no file');
  const c = await open('replace');
  try {
    assert.equal(c.setAside.length, 2);
    assert.ok(c.setAside.every((f) => existsSync(f)));
    assert.deepEqual(await c.listTables(), []);
  } finally {
    await c.close();
  }
});

test('register: a table at an existing metadata file, with every refusal naming what is wrong', async () => {
  const { dir, file, store, open } = await catalogFixture('silt-lost-catalog-');
  const aLocation = await twoTables(open, store);
  rmSync(file);
  const c = await open('replace');
  try {
    await assert.rejects(
      c.registerTable('raw', 'a', aLocation),
      (e) => e instanceof NotFound && /no namespace raw; create it first with `silt ns create raw`/.test(e.message),
    );
    await c.createNamespace('raw');
    const missing = store.uri('warehouse/raw/a/metadata/00009-none.metadata.json');
    await assert.rejects(c.registerTable('raw', 'a', missing), (e) => e instanceof NotFound && e.message.includes(missing));

    const notJson = 'warehouse/raw/x/metadata/00001-x.metadata.json';
    await store.put(notJson, '{"format-version": 2,');
    await assert.rejects(
      c.registerTable('raw', 'x', store.uri(notJson)),
      (e) => e instanceof InvalidInput && e.message.startsWith(`${store.uri(notJson)} is not Iceberg v2 table metadata: not valid JSON`),
    );
    const v1 = 'warehouse/raw/x/metadata/00002-x.metadata.json';
    await store.put(v1, JSON.stringify({ 'format-version': 1 }));
    await assert.rejects(c.registerTable('raw', 'x', store.uri(v1)), /00002-x\.metadata\.json is not Iceberg v2 table metadata: format-version 1 is not supported/);
    const noSchemas = 'warehouse/raw/x/metadata/00003-x.metadata.json';
    const good = JSON.parse((await store.get(store.keyOf(aLocation))).toString('utf8')) as Record<string, unknown>;
    await store.put(noSchemas, JSON.stringify({ ...good, schemas: undefined }));
    await assert.rejects(c.registerTable('raw', 'x', store.uri(noSchemas)), /00003-x\.metadata\.json is not Iceberg v2 table metadata: required field schemas is missing/);
    const outside = path.join(os.tmpdir(), 'elsewhere.metadata.json');
    await assert.rejects(c.registerTable('raw', 'x', outside), (e) => e instanceof InvalidInput && e.message.includes(`${outside} is outside this project's storage`));
    const noVersion = 'warehouse/raw/x/metadata/00004-x.metadata.json';
    await store.put(noVersion, '{}');
    await assert.rejects(c.registerTable('raw', 'x', store.uri(noVersion)), /00004-x\.metadata\.json is not Iceberg v2 table metadata: required field format-version is missing/);

    // A plain path inside the storage works as well as a file:// URI.
    const t = await c.registerTable('raw', 'a', path.join(dir, 'lake', store.keyOf(aLocation)));
    assert.equal(t.metadataLocation, aLocation);
    assert.equal(t.metadata.snapshots.length, 2);
    await assert.rejects(c.registerTable('raw', 'a', aLocation), (e) => e instanceof AlreadyExists && /table raw\.a already exists/.test(e.message));
    await assert.rejects(
      c.registerTable('raw', 'a_again', aLocation),
      (e) => e instanceof AlreadyExists && /table raw\.a already lives at file:\/\/\S+\/warehouse\/raw\/a; registering it again as raw\.a_again/.test(e.message),
    );
    // The registered table takes commits like any other.
    await t.append([fakeDataFile(store, 'warehouse/raw/a/data/3.parquet', 1)]);
    assert.equal((await c.loadTable('raw', 'a')).metadata.snapshots.length, 3);
  } finally {
    await c.close();
  }
});

test('register: a metadata file whose manifest list is gone is refused naming both files', async () => {
  const { file, store, open } = await catalogFixture('silt-lost-catalog-');
  const aLocation = await twoTables(open, store);
  rmSync(file);
  const c = await open('replace');
  try {
    await c.createNamespace('raw');
    const m = (await store.get(store.keyOf(aLocation))).toString('utf8');
    const list = /"manifest-list":"([^"]+)"/g;
    const lists = [...m.matchAll(list)].map((x) => x[1]!);
    for (const l of lists) await store.delete(store.keyOf(l));
    await assert.rejects(c.registerTable('raw', 'a', aLocation), (e) => {
      assert.ok(e instanceof InvalidInput);
      assert.ok(e.message.startsWith(aLocation), e.message);
      assert.match(e.message, /the manifest list of snapshot \d+ is missing \(file:\/\/.*snap-.*\.avro\)/);
      return true;
    });
  } finally {
    await c.close();
  }
});
