import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { AlreadyExists, InvalidInput, NotFound } from '../errors.js';
import { LocalStore } from '../storage/index.js';
import { buildSchema } from '../table/index.js';
import { Catalog } from './catalog.js';
import type { ExternalTableSave } from './external-tables.js';

async function withCatalog(fn: (c: Catalog) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-external-'));
  const c = await Catalog.open(path.join(dir, 'catalog.db'), new LocalStore(path.join(dir, 'lake')));
  try {
    await fn(c);
  } finally {
    await c.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const file = (p: string, size = 10) => ({ path: p, size, modifiedMs: 1, partition: p.split('/').slice(0, -1).join('/'), addedMs: 1 });

const first = (): ExternalTableSave => ({
  namespace: 'crawled',
  name: 'orders',
  location: '/data/orders',
  format: 'csv',
  options: { delim: ',' },
  schema: { columns: [{ name: 'id', type: 'BIGINT' }, { name: 'y', type: 'BIGINT', partition: true }], changes: [] },
  upsertFiles: [file('y=1/a.csv'), file('y=2/b.csv')],
  removeFiles: [],
  nowMs: 100,
});

test('external tables keep their files and every schema version; find gives the engine full paths', async () => {
  await withCatalog(async (c) => {
    assert.deepEqual(await c.externalTables.save(first()), { schemaVersion: 1 });
    const second = await c.externalTables.save({
      ...first(),
      schema: { columns: [{ name: 'id', type: 'BIGINT' }, { name: 'y', type: 'BIGINT', partition: true }, { name: 'note', type: 'VARCHAR' }], changes: [{ column: 'note', kind: 'added', to: 'VARCHAR' }] },
      upsertFiles: [file('y=2/b.csv', 20), file('y=3/c.csv')],
      removeFiles: ['y=1/a.csv'],
      nowMs: 200,
    });
    assert.deepEqual(second, { schemaVersion: 2 });
    const { schema: _, ...noSchema } = first();
    assert.deepEqual(await c.externalTables.save({ ...noSchema, upsertFiles: [], nowMs: 300 }), { schemaVersion: 2 });

    const info = await c.externalTables.get('crawled', 'orders');
    assert.deepEqual([info?.schemaVersion, info?.columns.length, info?.createdMs, info?.updatedMs], [2, 3, 100, 300]);
    assert.deepEqual((await c.externalTables.files('crawled', 'orders')).map((f) => [f.path, f.size, f.partition]), [
      ['y=2/b.csv', 20, 'y=2'],
      ['y=3/c.csv', 10, 'y=3'],
    ]);
    const versions = await c.externalTables.schemaVersions('crawled', 'orders');
    assert.deepEqual(versions.map((v) => [v.version, v.createdMs, v.changes.length]), [[1, 100, 0], [2, 200, 1]]);
    const read = await c.externalTables.find('crawled', 'orders');
    assert.deepEqual(read?.files, [{ path: '/data/orders/y=2/b.csv', size: 20 }, { path: '/data/orders/y=3/c.csv', size: 10 }]);
    assert.equal(await c.externalTables.find('crawled', 'nope'), undefined);
  });
});

test('external and Iceberg tables never share a name; a namespace with external tables is not empty', async () => {
  await withCatalog(async (c) => {
    await c.externalTables.save(first());
    await assert.rejects(c.externalTables.save({ ...first(), location: '/elsewhere/orders' }), (e: Error) =>
      e instanceof AlreadyExists && e.message === 'catalog: external table crawled.orders already reads csv files in /data/orders');
    const { schema, lastColumnId } = buildSchema([{ name: 'id', type: 'long' }]);
    await assert.rejects(c.createTable('crawled', 'orders', { schema, lastColumnId }), /catalog: table crawled\.orders already exists as an external \(crawled\) table/);
    await c.createTable('crawled', 'iceberg_t', { schema, lastColumnId });
    await assert.rejects(c.externalTables.save({ ...first(), name: 'iceberg_t' }), /catalog: crawled\.iceberg_t is already an Iceberg table/);
    await assert.rejects(c.externalTables.save({ ...first(), name: 'Bad' }), InvalidInput);

    await c.dropTable('crawled', 'iceberg_t');
    await assert.rejects(c.dropNamespace('crawled'), /namespace crawled is not empty \(orders\)/);
    await c.externalTables.drop('crawled', 'orders');
    assert.deepEqual(await c.externalTables.list(), []);
    assert.deepEqual(await c.externalTables.files('crawled', 'orders'), []);
    await assert.rejects(c.externalTables.drop('crawled', 'orders'), (e: Error) => e instanceof NotFound && /no external table crawled\.orders/.test(e.message));
    await c.dropNamespace('crawled');
  });
});
