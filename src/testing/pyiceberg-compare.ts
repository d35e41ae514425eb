/** Test support: PyIceberg and `silt query` read a table alike, row for row, now and at every snapshot. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { diffParquet } from './parquet-diff.js';
import { pyicebergRead, pyicebergReadAll } from './pyiceberg.js';
import { siltOk } from './silt-process.js';
import { snapshots } from './temp-project.js';

let reads = 0;

/** Asserts that the PyIceberg Parquet file `py` holds the same rows and columns as silt's read of `from`. */
export async function assertSameAs(dir: string, py: string, from: string): Promise<number> {
  const ours = path.join(dir, `silt-${++reads}.parquet`);
  await siltOk(dir, 'query', `SELECT * FROM ${from}`, '--format', 'parquet', '--output', ours);
  const d = await diffParquet(py, ours);
  assert.deepEqual(d.columnsA, d.columnsB, `${from}: PyIceberg columns vs silt columns`);
  assert.deepEqual(d.typesA, d.typesB, `${from}: PyIceberg column types vs silt column types`);
  assert.equal(d.rowsA, d.rowsB, `${from}: PyIceberg read ${d.rowsA} rows, silt ${d.rowsB}`);
  assert.equal(d.onlyInA + d.onlyInB, 0, `${from}: rows differ\n${d.sample.join('\n')}`);
  return d.rowsA;
}

/** PyIceberg and `silt query` read the same rows of `table` now. */
export async function assertSameRows(dir: string, table: string): Promise<number> {
  const py = path.join(dir, `py-${++reads}.parquet`);
  const info = await pyicebergRead(dir, table, py);
  const rows = await assertSameAs(dir, py, table);
  assert.equal(info.rows, rows);
  return rows;
}

/** …now, and as of every snapshot in the table's history (time travel on both sides). */
export async function assertSameRowsAtEverySnapshot(dir: string, table: string): Promise<void> {
  const outDir = path.join(dir, `py-all-${++reads}`);
  const all = await pyicebergReadAll(dir, table, outDir);
  const ours = await snapshots(dir, table);
  assert.deepEqual(Object.keys(all.snapshots).sort(), ours.map((s) => s.id).sort(), 'PyIceberg and silt list the same snapshots');
  assert.equal(all.current, ours.find((s) => s.current)?.id);
  await assertSameAs(dir, path.join(outDir, 'current.parquet'), table);
  for (const s of ours) {
    const rows = await assertSameAs(dir, path.join(outDir, `${s.id}.parquet`), `${table} FOR VERSION AS OF ${s.id}`);
    assert.equal(rows, all.snapshots[s.id]);
  }
}
