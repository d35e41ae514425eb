import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { AlreadyExists, InvalidInput, NotFound } from '../errors.js';
import { LocalStore } from '../storage/index.js';
import { buildSchema } from '../table/index.js';
import { Catalog } from './catalog.js';

/** Folders these tests made, removed when the file's tests are done. */
const made: string[] = [];
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

async function fixture(): Promise<{ dir: string; open: () => Promise<Catalog> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-catalog-'));
  made.push(dir);
  const store = new LocalStore(path.join(dir, 'lake'));
  return { dir, open: () => Catalog.open(path.join(dir, 'catalog.db'), store) };
}

const def = () => {
  const { schema, lastColumnId } = buildSchema([
    { name: 'id', type: 'long' },
    { name: 'name', type: 'string' },
  ]);
  return { schema, lastColumnId };
};

test('namespaces: create, list, properties, drop; a non-empty one cannot be dropped', async () => {
  const { open } = await fixture();
  const c = await open();
  try {
    await c.createNamespace('bronze');
    await c.createNamespace('silver', { owner: 'data-eng' });
    await c.createNamespace('bronze', {}, { ifNotExists: true });
    await assert.rejects(c.createNamespace('bronze'), AlreadyExists);
    assert.deepEqual(await c.listNamespaces(), ['bronze', 'silver']);
    assert.deepEqual(await c.namespaceProperties('bronze'), {});
    assert.deepEqual(await c.namespaceProperties('silver'), { owner: 'data-eng' });
    await c.createTable('silver', 'orders', def());
    await assert.rejects(c.dropNamespace('silver'), /namespace silver is not empty \(orders\); drop its tables and views first/);
    await c.dropNamespace('bronze');
    assert.deepEqual(await c.listNamespaces(), ['silver']);
    await assert.rejects(c.dropNamespace('gold'), (e) => e instanceof NotFound && /no namespace gold \(namespaces: silver\)/.test(e.message));
  } finally {
    await c.close();
  }
});

test('tables: create (namespace implied), load, list, drop with purge', async () => {
  const { open } = await fixture();
  const c = await open();
  try {
    const t = await c.createTable('raw', 'events', def());
    assert.equal(t.name, 'raw.events');
    assert.match(t.metadata.location, /^file:\/\/\/.*\/lake\/warehouse\/raw\/events$/);
    assert.deepEqual(await c.listTables(), [{ namespace: 'raw', name: 'events' }]);
    await assert.rejects(c.createTable('raw', 'events', def()), AlreadyExists);
    await assert.rejects(c.loadTable('raw', 'nope'), /no table raw\.nope \(tables in raw: events\)/);
    const key = c.store.keyOf(t.metadata.location);
    assert.ok((await c.store.list(key + '/')).length > 0);
    await c.dropTable('raw', 'events');
    assert.deepEqual(await c.listTables('raw'), []);
    assert.deepEqual(await c.store.list(key + '/'), []);
  } finally {
    await c.close();
  }
});

test('invalid names are refused with a suggestion', async () => {
  const { open } = await fixture();
  const c = await open();
  try {
    await assert.rejects(c.createTable('Raw', 'events', def()), (e) => e instanceof InvalidInput && /invalid namespace name "Raw".*"raw"/.test(e.message));
    await assert.rejects(c.createTable('raw', 'my-events', def()), /invalid table name "my-events".*"my_events"/);
  } finally {
    await c.close();
  }
});

test('the pointer swap is a compare-and-swap: a stale expectation changes nothing', async () => {
  const { open } = await fixture();
  const a = await open();
  const b = await open();
  try {
    const t1 = await a.createTable('raw', 'events', def());
    const t2 = await b.loadTable('raw', 'events');
    await t1.setProperties({ owner: 'a' });
    await t2.setProperties({ team: 'b' });
    const fresh = await (await a.loadTable('raw', 'events')).refresh();
    assert.equal(fresh.properties['owner'], 'a');
    assert.equal(fresh.properties['team'], 'b', 'the second writer retried on top of the first');
  } finally {
    await a.close();
    await b.close();
  }
});

test('many catalogs creating the same table at once all succeed with one table', async () => {
  const { open } = await fixture();
  const catalogs: Catalog[] = [];
  for (let i = 0; i < 6; i++) catalogs.push(await open());
  try {
    const tables = await Promise.all(catalogs.map((c) => c.createTable('raw', 'race', def(), { ifNotExists: true })));
    const locations = new Set(tables.map((t) => t.metadataLocation));
    assert.equal(locations.size, 1);
    assert.deepEqual(await catalogs[0]!.listTables(), [{ namespace: 'raw', name: 'race' }]);
  } finally {
    await Promise.all(catalogs.map((c) => c.close()));
  }
});

test('PyIceberg connection properties name the SQL catalog and the warehouse', async () => {
  const { dir, open } = await fixture();
  const c = await open();
  try {
    assert.deepEqual(c.pyicebergProperties(), {
      type: 'sql',
      uri: `sqlite:///${path.join(dir, 'catalog.db')}`,
      warehouse: new LocalStore(path.join(dir, 'lake')).uri('warehouse'),
    });
  } finally {
    await c.close();
  }
});
