import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { withLake } from '../testing/lake.js';
import { ingestSource } from './bronze-ingest.js';
import { land, loadStored, query } from '../testing/bronze.js';

// Longer than the 32 MiB buffer DuckDB reads a file with: DuckDB 1.5 skips such a line without a word.
const BIG = 40 * 1024 * 1024;
const bigValue = 'x'.repeat(BIG);
const csv = `id,v\n1,one\n2,two\n3,${bigValue}\n4,four\n5,five\n`;
const ndjson = `{"id":1,"v":"one"}\n{"id":2,"v":"two"}\n{"id":3,"v":"${bigValue}"}\n{"id":4,"v":"four"}\n{"id":5,"v":"five"}\n`;
const files: [string, string | Uint8Array][] = [
  ['big.csv', csv],
  ['big.ndjson', ndjson],
  ['big.csv.gz', new Uint8Array(gzipSync(csv))],
  ['big.ndjson.gz', new Uint8Array(gzipSync(ndjson))],
];

test('silt load: a line longer than the read buffer is a reject naming file, line and size, not a row dropped', async () => {
  await withLake(async (lake) => {
    for (const [i, [name, content]] of files.entries()) {
      const { path, result: r } = await loadStored(lake, name, content, `raw.t${i}`);
      assert.equal(r.rowsWritten, 4, name);
      assert.equal(r.rejects.length, 1, `${name}: the long line is a reject`);
      const reject = r.rejects[0];
      assert.equal(reject?.file, path, name);
      assert.equal(reject?.line, name.includes('csv') ? 4 : 3, name);
      assert.match(reject?.error ?? '', /is 41,943,0\d\d bytes, more than the 16 MiB Silt reads in one line/, name);
      assert.ok((reject?.raw ?? '').length <= 64 * 1024, `${name}: the reject keeps only the start of the line`);
    }
  });
});

test('bronze ingest: a line longer than the read buffer is counted in rows_in and recorded as a reject', async () => {
  await withLake(async (lake) => {
    for (const [name, content] of files) await land(lake.store, `landing/${name.replace(/\..*/, '')}_${name.includes('csv') ? 'csv' : 'json'}/${name}`, content);
    for (const source of ['big_csv', 'big_json']) {
      const r = await ingestSource(lake.catalog, lake.engine, source, {}, { runId: 'r1' });
      assert.deepEqual([r.rowsIn, r.rowsWritten, r.rowsRejected], [10, 8, 2], source);
      const rejects = await query(lake, `SELECT file, line, error FROM bronze.${source}_rejects ORDER BY file`);
      assert.deepEqual(rejects.map((x) => [String(x.file).replace(/.*\//, ''), Number(x.line)]), source === 'big_csv'
        ? [['big.csv', 4], ['big.csv.gz', 4]]
        : [['big.ndjson', 3], ['big.ndjson.gz', 3]]);
      for (const x of rejects) assert.match(String(x.error), /41,943,0\d\d bytes/);
    }
  });
});
