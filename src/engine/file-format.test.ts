import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { InvalidInput, NotFound } from '../errors.js';
import { detectFormat } from './file-format.js';

const dir = mkdtempSync(join(tmpdir(), 'silt-format-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

test('format by extension, compressed ones included', () => {
  assert.equal(detectFormat(file('a.csv', 'x\n')), 'csv');
  assert.equal(detectFormat(file('a.TSV', 'x\n')), 'tsv');
  assert.equal(detectFormat(file('a.csv.gz', new Uint8Array(gzipSync('x\n')))), 'csv');
  assert.equal(detectFormat(file('a.ndjson.zst', 'not really zstd')), 'ndjson');
  assert.equal(detectFormat(file('a.jsonl', '{}\n')), 'ndjson');
  assert.equal(detectFormat(file('a.json.zstd', '')), 'json');
  assert.equal(detectFormat(file('a.parquet', 'PAR1')), 'parquet');
});

test('format by content when the extension says nothing', () => {
  assert.equal(detectFormat(file('export', 'id;name\n1;a\n')), 'csv');
  assert.equal(detectFormat(file('export2', 'id\tname\n1\ta\n')), 'tsv');
  assert.equal(detectFormat(file('events', '{"a":1}\n{"a":2}\n')), 'ndjson');
  assert.equal(detectFormat(file('doc', '[{"a":1}]')), 'json');
  assert.equal(detectFormat(file('blob.dat', 'PAR1\u0000\u0000')), 'parquet');
  assert.equal(detectFormat(file('events.gz', new Uint8Array(gzipSync('{"a":1}\n')))), 'ndjson');
});

test('unknown format names the file', () => {
  const path = file('notes.bin', 'hello world');
  assert.throws(() => detectFormat(path), (e: unknown) => e instanceof InvalidInput && e.message.includes('notes.bin') && /unknown file format/.test(e.message));
});

test('missing file is NotFound, a directory is InvalidInput, both naming the path', () => {
  const missing = join(dir, 'nope.csv');
  assert.throws(() => detectFormat(missing), (e: unknown) => e instanceof NotFound && e.message.includes('nope.csv'));
  const sub = join(dir, 'landing.csv');
  mkdirSync(sub);
  assert.throws(() => detectFormat(sub), (e: unknown) => e instanceof InvalidInput && /landing\.csv is a directory/.test(e.message));
});
