/** JSON files that are not plain UTF-8 lines: UTF-16/32, byte-order marks, NUL bytes, huge lines. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { wideEncoding } from './file-encoding.js';
import { fileFixture } from './file-test-fixture.js';
import { readFiles } from './file-reader.js';
import { quoteIdent } from '../core/sql-text.js';

const fx = fileFixture('json-encoding');

const NDJSON = '{"id":1,"name":"café"}\n{"id":2,"name":"ok"}\n';
const ARRAY = '[{"id":1,"name":"café"},{"id":2,"name":"ok"}]';
const utf16le = (text: string) => new Uint8Array(Buffer.from(text, 'utf16le'));
const utf16be = (text: string) => new Uint8Array(Buffer.from(text, 'utf16le').swap16());
const bytes = (...parts: (number[] | Uint8Array)[]) => new Uint8Array(Buffer.concat(parts.map((p) => new Uint8Array(p))));

test('UTF-16 JSON files, with or without a byte-order mark, are refused whole, naming the encoding and what to do', async () => {
  const files: [string, Uint8Array, string][] = [
    ['le.ndjson', bytes([0xff, 0xfe], utf16le(NDJSON)), 'UTF-16 LE'],
    ['be.ndjson', bytes([0xfe, 0xff], utf16be(NDJSON)), 'UTF-16 BE'],
    ['le.json', bytes([0xff, 0xfe], utf16le(ARRAY)), 'UTF-16 LE'],
    ['be.json', utf16be(ARRAY), 'UTF-16 BE'],
    ['le.json.gz', new Uint8Array(gzipSync(utf16le(ARRAY))), 'UTF-16 LE'],
  ];
  for (const [name, content, encoding] of files) {
    const path = fx.file(name, content);
    await assert.rejects(readFiles(fx.engine, [path]), new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the file is ${encoding} encoded.*save it as UTF-8`), name);
  }
});

test('the encoding sniff leaves UTF-8 (with or without a byte-order mark) alone', () => {
  const utf8 = (text: string) => new Uint8Array(Buffer.from(text));
  assert.equal(wideEncoding(utf8(`\ufeff${NDJSON}`)), null);
  assert.equal(wideEncoding(utf8(ARRAY)), null);
  assert.equal(wideEncoding(utf8('{')), null);
  assert.match(wideEncoding(bytes([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0])) ?? '', /^UTF-32 LE/);
});

test('a byte-order mark before NDJSON is not part of the first record', async () => {
  const result = await readFiles(fx.engine, [fx.file('bom.ndjson', `\ufeff${NDJSON}`)]);
  assert.equal(result.rejects.length, 0);
  assert.deepEqual(await fx.engine.allJson(`SELECT name FROM ${quoteIdent(result.relation)} ORDER BY _source_line`), [{ name: 'café' }, { name: 'ok' }]);
});

test('a line with a NUL byte is a reject that keeps the line as raw text', async () => {
  const path = fx.file('nul.ndjson', '{"x":1}\n{"x":2,"y":"a\0b"}\n{"x":3}\n');
  const result = await readFiles(fx.engine, [path]);
  assert.equal(result.rowsRead, 2);
  assert.deepEqual(result.rejects.map((r) => [r.line, r.raw]), [[2, '{"x":2,"y":"a\0b"}']]);
  assert.match(result.rejects[0]?.error ?? '', /NUL byte/);
});

test('a JSON array on one line longer than 16 MB is read as an array, records and all', async () => {
  const records = Array.from({ length: 150_000 }, (_, i) => JSON.stringify({ id: i, pad: 'x'.repeat(100) }));
  const text = `[${records.join(',')}]`;
  assert.ok(text.length > 16 * 1024 * 1024);
  for (const [name, content] of [['big.json', text], ['big.json.gz', new Uint8Array(gzipSync(text))]] as const) {
    const result = await readFiles(fx.engine, [fx.file(name, content)]);
    assert.deepEqual([result.rowsRead, result.rejects.length], [150_000, 0], name);
  }
});

test('an NDJSON line past 16 MB is a reject saying how long it is and what to do; a JSON array takes that record', async () => {
  const big = `{"id":2,"v":"${'y'.repeat(17 * 1024 * 1024)}"}`;
  const lines = await readFiles(fx.engine, [fx.file('long.ndjson', `{"id":1}\n${big}\n{"id":3}\n`)]);
  assert.equal(lines.rowsRead, 2);
  assert.equal(lines.rejects.length, 1);
  const [reject] = lines.rejects;
  assert.equal(reject?.line, 2);
  assert.match(reject?.error ?? '', /^line is 17,825,807 bytes, more than the 16 MiB Silt reads in one line; split the record/);
  assert.ok(reject?.raw?.startsWith('{"id":2,"v":"yyy') && reject.raw.endsWith('…'), 'raw holds the start of the line');
  const array = await readFiles(fx.engine, [fx.file('long.json', `[{"id":1},${big},{"id":3}]`)]);
  assert.deepEqual([array.rowsRead, array.rejects.length], [3, 0]);
});

test('a byte-order mark starting a line in mid-file (files joined with cat) is not part of the record', async () => {
  const result = await readFiles(fx.engine, [fx.file('joined.ndjson', `\ufeff{"id":1}\n\ufeff{"id":2}\n`)]);
  assert.deepEqual([result.rowsRead, result.rejects.length], [2, 0]);
});
