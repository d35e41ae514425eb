/** Compressed JSON files that are empty, mislabelled, cut short or damaged: one file's trouble, said plainly. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fileFixture } from './file-test-fixture.js';
import { readFiles } from './file-reader.js';

const fx = fileFixture('json-compression');

const NDJSON = Array.from({ length: 3000 }, (_, i) => `${JSON.stringify({ id: i, v: 'x'.repeat(50) })}\n`).join('');
const CUT = /^the gzip data ends early: the file was cut short, and the records after the cut are missing; land the whole file again$/;

test('an empty .gz file is an empty file; a file named .gz that is not gzip is one reject saying so', async () => {
  const empty = await readFiles(fx.engine, [fx.file('empty.ndjson.gz', '')]);
  assert.deepEqual([empty.rowsRead, empty.rejects.length], [0, 0]);
  for (const name of ['plain.ndjson.gz', 'plain.json.gz']) {
    const path = fx.file(name, '{"id":1}\n{"id":2}\n');
    const result = await readFiles(fx.engine, [path]);
    assert.deepEqual(result.rejects.map((r) => [r.file, r.line, r.error]), [
      [path, null, 'the file is named .gz but is not gzip-compressed; compress it, or land it without .gz'],
    ], name);
  }
});

test('a gzip file cut short: the records before the cut land, and a reject says the rest are missing', async () => {
  const gz = new Uint8Array(gzipSync(NDJSON));
  const path = fx.file('cut.ndjson.gz', gz.subarray(0, gz.length >> 1));
  const result = await readFiles(fx.engine, [path]);
  assert.ok(result.rowsRead > 1000, `${result.rowsRead} records land`);
  assert.ok(result.rejects.some((r) => r.line === null && CUT.test(r.error)), JSON.stringify(result.rejects));
});

test('a gzip file cut before its first record inflates to nothing, and is a reject, not an empty file', async () => {
  const gz = new Uint8Array(gzipSync(`[${NDJSON.trim().split('\n').join(',')}]`));
  const early = new Uint8Array(80);
  early.set(gz.subarray(0, 30));
  const path = fx.file('early.json.gz', early);
  const result = await readFiles(fx.engine, [path]);
  assert.equal(result.rowsRead, 0);
  assert.deepEqual(result.rejects.map((r) => r.line), [null]);
  assert.match(result.rejects[0]?.error ?? '', /^the gzip data (ends early|is damaged)/);
});

test('gzip data damaged in the middle of an NDJSON file is one reject, not a failed ingest', async () => {
  const gz = new Uint8Array(gzipSync(NDJSON));
  for (let i = 200; i < 260; i++) gz[i] = (gz[i] ?? 0) ^ 0x5a;
  const path = fx.file('damaged.ndjson.gz', gz);
  const result = await readFiles(fx.engine, [path]);
  assert.equal(result.rejects.filter((r) => r.line === null).length, 1, JSON.stringify(result.rejects));
  assert.match(result.rejects.find((r) => r.line === null)?.error ?? '', /gzip/);
});
