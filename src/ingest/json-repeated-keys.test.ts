/** A JSON record holding one key twice is a reject naming its line and key, never a row with one value dropped. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLake } from '../testing/lake.js';
import { ingestSource } from './bronze-ingest.js';
import { land, loadStored, query } from '../testing/bronze.js';

const ndjson = '{"id":1,"a":1}\n{"id":2,"a":2}\n{"id":3,"a":1,"a":3}\n{"id":4,"a":4}\n';
const array = '[{"id":1,"a":1},\n{"id":2,"a":2},\n{"id":3,"a":1,"a":3},\n{"id":4,"a":4}]\n';
const files: [string, string][] = [['twice.ndjson', ndjson], ['twice.json', array]];
const REASON = 'line 3: key "a" appears twice in one record; keep one, or rename one';

test('silt load: a record with a repeated key is a reject naming line and key; the other records land', async () => {
  await withLake(async (lake) => {
    for (const [i, [name, content]] of files.entries()) {
      const { path, result: r } = await loadStored(lake, name, content, `raw.t${i}`);
      assert.equal(r.rowsWritten, 3, name);
      assert.deepEqual(r.rejects.map((x) => [x.file, x.line, `line ${x.line}: ${x.error}`]), [[path, 3, REASON]], name);
      const rows = await query(lake, `SELECT id, a FROM raw.t${i} ORDER BY id`);
      assert.deepEqual(rows.map((x) => [Number(x.id), Number(x.a)]), [[1, 1], [2, 2], [4, 4]], name);
    }
  });
});

test('bronze ingest: a record with a repeated key is recorded as a reject naming line and key', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/twice_lines/twice.ndjson', ndjson);
    await land(lake.store, 'landing/twice_array/twice.json', array);
    for (const source of ['twice_lines', 'twice_array']) {
      const r = await ingestSource(lake.catalog, lake.engine, source, {}, { runId: 'r1' });
      assert.deepEqual([r.rowsIn, r.rowsWritten, r.rowsRejected], [4, 3, 1], source);
      const rejects = await query(lake, `SELECT line, error FROM bronze.${source}_rejects`);
      assert.deepEqual(rejects.map((x) => `line ${Number(x.line)}: ${String(x.error)}`), [REASON], source);
    }
  });
});
