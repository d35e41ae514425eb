import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { catalogFixture } from '../catalog/test-support.js';
import { buildSchema } from '../table/index.js';
import { vacuum } from './vacuum.js';

test('vacuum removes the temporary file an interrupted put left, though a listing hides it', async () => {
  const { store, open } = await catalogFixture('silt-vacuum-');
  const catalog = await open();
  try {
    const table = await catalog.createTable('raw', 'events', buildSchema([{ name: 'id', type: 'long' }]));
    const tableKey = store.keyOf(table.metadata.location);
    const left = `${tableKey}/data/part-0.parquet.0b5e4c1e-8a9f-4e57-9d2a-4f1c2b3a4d5e.tmp`;
    await fs.mkdir(store.enginePath(`${tableKey}/data`), { recursive: true });
    await fs.writeFile(store.enginePath(left), 'half a file');
    const result = await vacuum(catalog);
    assert.deepEqual(result.removed, [left]);
    assert.equal(await fs.stat(store.enginePath(left)).catch(() => undefined), undefined);
  } finally {
    await catalog.close();
  }
});
