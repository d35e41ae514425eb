import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { diffParquet } from '../../testing/parquet-diff.js';
import { demoProject, removeDir, tempDir } from '../../testing/pipeline-project.js';
import { pyicebergRest, requirePyIceberg } from '../../testing/pyiceberg.js';
import { startServeProcess } from '../../testing/serve-process.js';
import { siltOk } from '../../testing/silt-process.js';

/** The Parquet file `py` holds the same columns, types and rows as `silt query` reads from `from`. */
async function assertSameAsSilt(dir: string, py: string, from: string): Promise<number> {
  const ours = path.join(dir, `silt-${from.replace(/\W/g, '_')}.parquet`);
  await siltOk(dir, 'query', `SELECT * FROM ${from}`, '--format', 'parquet', '--output', ours);
  const d = await diffParquet(py, ours);
  assert.deepEqual([d.columnsA, d.typesA], [d.columnsB, d.typesB], `${from}: PyIceberg's columns and types vs silt's`);
  assert.equal(d.rowsA, d.rowsB, `${from}: PyIceberg read ${d.rowsA} rows, silt ${d.rowsB}`);
  assert.equal(d.onlyInA + d.onlyInB, 0, `${from}: rows differ\n${d.sample.join('\n')}`);
  return d.rowsA;
}

test('PyIceberg\'s RestCatalog against silt serve: lists, creates, appends, evolves, deletes, time-travels, creates in a transaction and reads back; it reads the pipeline\'s tables and Silt reads its table, row for row', async () => {
  requirePyIceberg();
  const root = await tempDir('rest');
  const { dir } = await demoProject(path.join(root, 'demo'), { rows: 300, seed: 7 });
  await siltOk(dir, 'run');
  // PyIceberg signs in as a service principal with OAuth2 client credentials; it may do everything.
  await siltOk(dir, 'principal', 'create', 'pyiceberg', '--service');
  const token = (await siltOk(dir, 'token', 'create', 'pyiceberg')).split('\n')[0]!;
  await siltOk(dir, 'query', 'GRANT ALL PRIVILEGES ON CATALOG TO pyiceberg');
  const server = await startServeProcess(dir);
  try {
    const seen = await pyicebergRest(dir, `${server.url}/iceberg`, root, 'silver.orders', `pyiceberg:${token}`);
    assert.deepEqual(seen.namespaces_before, ['bronze', 'gold', 'silver']);
    assert.deepEqual(seen.namespaces_after, ['bronze', 'gold', 'rest_ns', 'silver']);
    assert.deepEqual(seen.tables, ['rest_ns.people', 'rest_ns.staged']);
    assert.deepEqual(seen.staged, [{ id: 10 }, { id: 11 }]);
    assert.equal((await siltOk(dir, 'query', 'SELECT sum(id)::INTEGER AS s FROM rest_ns.staged', '--format', 'csv')).trim(), 's\n21');
    assert.deepEqual(seen.first_read, [{ id: 1, name: 'ada' }, { id: 2, name: 'bo' }, { id: 3, name: null }]);
    assert.deepEqual(seen.people, [
      { id: 1, name: 'ada', city: null },
      { id: 3, name: null, city: null },
      { id: 4, name: 'cy', city: 'oslo' },
    ]);
    assert.deepEqual(seen.columns, ['id', 'name', 'city']);
    assert.deepEqual(seen.as_of_first, seen.first_read, 'time travel to the first append');
    assert.deepEqual(seen.operations, ['append', 'append', 'overwrite']);

    // Silt reads what PyIceberg committed through REST, and PyIceberg reads what Silt's pipeline wrote.
    assert.equal(await assertSameAsSilt(dir, path.join(root, 'people.parquet'), 'rest_ns.people'), 3);
    const old = await siltOk(dir, 'query', `SELECT id, name FROM rest_ns.people FOR VERSION AS OF ${seen.first_snapshot} ORDER BY id`, '--format', 'csv');
    assert.equal(old.trim(), 'id,name\n1,ada\n2,bo\n3,', 'Silt time-travels to the snapshot PyIceberg committed first');
    const orders = await assertSameAsSilt(dir, path.join(root, 'silt_table.parquet'), 'silver.orders');
    assert.ok(orders > 0 && orders === seen.silt_rows, `silver.orders: ${orders} rows`);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await removeDir(root);
  }
});
