/** JSON keys that Iceberg would misread as struct paths land as plain columns. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLake } from '../testing/lake.js';
import { currentSchema } from '../table/index.js';
import { ingestSource } from './bronze-ingest.js';
import { land, query } from '../testing/bronze.js';

test('a key with a dot beside a struct holding that path lands as its own column, with a warning', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/users/a.ndjson', '{"id":1,"x":{"y":1}}\n');
    await ingestSource(lake.catalog, lake.engine, 'users', {}, { runId: 'r1' });
    await land(lake.store, 'landing/users/b.ndjson', '{"id":2,"x.y":5,"x":{"y":4}}\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'users', {}, { runId: 'r2' });
    assert.deepEqual([r.rowsWritten, r.rowsRejected], [1, 0]);
    assert.match(r.warnings.join('\n'), /key "x\.y" holds a dot, which Iceberg reads as a path into a struct; named it x_y/);
    const t = await lake.catalog.loadTable('bronze', 'users');
    assert.ok(currentSchema(t.metadata).fields.some((f) => f.name === 'x_y'));
    const rows = await query(lake, 'SELECT id, x_y, x.y AS y FROM bronze.users ORDER BY id');
    assert.deepEqual(rows.map((x) => [String(x.id), x.x_y === null ? null : String(x.x_y), String(x.y)]), [['1', null, '1'], ['2', '5', '4']]);
  });
});

test('an object whose keys hold dots is kept whole as JSON text, never missing a key', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/things/a.ndjson', '{"id":1,"x":{"a.b":1,"c":2}}\n');
    await ingestSource(lake.catalog, lake.engine, 'things', {}, { runId: 'r1' });
    await land(lake.store, 'landing/things/b.ndjson', '{"id":2,"x":{"a.b":1,"c":2,"d.e":3}}\n');
    await ingestSource(lake.catalog, lake.engine, 'things', {}, { runId: 'r2' });
    const rows = await query(lake, 'SELECT x FROM bronze.things ORDER BY id');
    assert.deepEqual(rows.map((x) => JSON.parse(String(x.x)) as unknown), [{ 'a.b': 1, c: 2 }, { 'a.b': 1, c: 2, 'd.e': 3 }]);
  });
});

test('a later file adding a dotted key to a struct column: its rows are rejects, not rows missing that key', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/things/a.ndjson', '{"id":1,"x":{"c":1}}\n');
    await ingestSource(lake.catalog, lake.engine, 'things', {}, { runId: 'r1' });
    await land(lake.store, 'landing/things/b.ndjson', '{"id":2,"x":{"c":2,"d.e":3}}\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'things', {}, { runId: 'r2' });
    assert.deepEqual([r.rowsWritten, r.rowsRejected], [0, 1]);
    const rejects = await query(lake, 'SELECT raw, error FROM bronze.things_rejects');
    assert.match(String(rejects[0]?.raw), /"d\.e":3/);
    assert.match(String(rejects[0]?.error), /type conflict: column x/);
  });
});
