/** Compressed JSON files that are empty, mislabelled, cut short or damaged are refused whole, said plainly. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fileFixture } from './file-test-fixture.js';
import { readFiles } from './file-reader.js';

const fx = fileFixture('json-compression');

const NDJSON = Array.from({ length: 3000 }, (_, i) => `${JSON.stringify({ id: i, v: 'x'.repeat(50) })}\n`).join('');

/**
 * A cut file is refused whole rather than loaded up to the cut: the complete file, landed again,
 * has another fingerprint and is ingested in full, so records from the cut copy would be doubled.
 */
test('a JSON gzip file cut short, damaged, empty or not gzip at all is refused whole, naming the file and what to do', async () => {
  const gz = new Uint8Array(gzipSync(NDJSON));
  const damaged = new Uint8Array(gz);
  for (let i = 200; i < 260; i++) damaged[i] = (damaged[i] ?? 0) ^ 0x5a;
  const cases: [string, Uint8Array | string, RegExp][] = [
    ['cut.ndjson.gz', gz.subarray(0, gz.length >> 1), /the gzip data ends early: the file was cut short/],
    ['damaged.ndjson.gz', damaged, /not valid gzip data/],
    ['empty.json.gz', '', /the file is empty, so not gzip data/],
    ['plain.json.gz', '{"id":1}\n', /not valid gzip data/],
  ];
  for (const [name, content, reason] of cases) {
    const path = fx.file(name, content);
    await assert.rejects(readFiles(fx.engine, [path]), (e: Error) => {
      assert.ok(e.message.includes(path), e.message);
      assert.match(e.message, reason);
      assert.match(e.message, /put the complete gzip file back/);
      return true;
    }, name);
  }
});
