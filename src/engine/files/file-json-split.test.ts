/** JSON documents DuckDB cannot read whole: their good records land, each bad piece is a reject. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitDocument } from './file-json-split.js';
import { fileFixture } from './file-test-fixture.js';
import { readFiles, type ReadResult } from './file-reader.js';
import { quoteIdent } from '../core/sql-text.js';

const fx = fileFixture('json-split');

async function ids(result: ReadResult): Promise<string[]> {
  const rows = await fx.engine.all<{ id: bigint }>(`SELECT id FROM ${quoteIdent(result.relation)} ORDER BY _source_line`);
  return rows.map((r) => String(r.id));
}

const rejected = (result: ReadResult) => result.rejects.map((r) => [r.line, r.raw, r.error]);

test('a trailing comma in an array loses nothing and is noted', async () => {
  const result = await readFiles(fx.engine, [fx.file('trailing.json', '[{"id":1,"v":"a"},{"id":2,"v":"b"},]')]);
  assert.deepEqual(await ids(result), ['1', '2']);
  assert.equal(result.rejects.length, 0);
  assert.match(result.warnings.join('\n'), /trailing\.json: an empty element \(a stray comma\) after record 2 was skipped/);
});

test('a cut-off array: the complete records land, the cut tail is a reject with its record number', async () => {
  const result = await readFiles(fx.engine, [fx.file('cut.json', '[\n{"id":1,"v":"a"},\n{"id":2,"v":"b"},\n{"id":4},{"id":5,"v')]);
  assert.deepEqual(await ids(result), ['1', '2', '4']);
  assert.deepEqual(rejected(result), [[4, '{"id":5,"v', 'malformed JSON at byte 10: unterminated string']]);
  assert.match(result.warnings.join('\n'), /cut\.json: the file ends before the array closes/);
});

test('one bad record, scalars, and invalid UTF-8 inside an array are rejects of their own', async () => {
  const utf8 = (text: string) => new Uint8Array(Buffer.from(text));
  const bytes = new Uint8Array(Buffer.concat([utf8('[{"id":1},{"id":2,,},7,"s",[1],{"id":3,"n":"caf'), new Uint8Array([0xe9]), utf8('"},{"id":4}]')]));
  const result = await readFiles(fx.engine, [fx.file('mixed.json', bytes)]);
  assert.deepEqual(await ids(result), ['1', '4']);
  assert.deepEqual(rejected(result), [
    [2, '{"id":2,,}', 'malformed JSON at byte 8: expected double-quoted property name'],
    [3, '7', 'expected a JSON object, found a number'],
    [4, '"s"', 'expected a JSON object, found a string'],
    [5, '[1]', 'expected a JSON object, found an array'],
    [6, '{"id":3,"n":"caf\ufffd"}', 'invalid UTF-8 (the file is not UTF-8 encoded)'],
  ]);
});

test('objects written one after another, with a stray value between them', async () => {
  const result = await readFiles(fx.engine, [fx.file('concat.json', '{"id":1}{"id":2} 42 {\n"id":3}')]);
  assert.deepEqual(await ids(result), ['1', '2', '3']);
  assert.deepEqual(rejected(result), [[3, '42', 'expected a JSON object, found a number']]);
});

test('the split ignores brackets and commas inside strings', () => {
  const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
  const split = splitDocument(new Uint8Array(Buffer.from('\ufeff [ {"a":"],[{\\"}"} , {"b":[1,2]} ] ')));
  assert.deepEqual(split.pieces.map(text), ['{"a":"],[{\\"}"}', '{"b":[1,2]}']);
  assert.deepEqual(split.notes, []);
  assert.deepEqual(splitDocument(new Uint8Array(Buffer.from('[1] x'))).notes, ["text follows the array's closing ]"]);
});

test('NDJSON saved as .json whose first line is broken: read line by line, the other lines land', async () => {
  const result = await readFiles(fx.engine, [fx.file('lines.json', '{"id":1,"v"\n{"id":2,"v":"b"}\n{"id":3,"v":"c"}\n')]);
  assert.deepEqual(await ids(result), ['2', '3']);
  assert.deepEqual(rejected(result), [[1, '{"id":1,"v"', 'malformed JSON at byte 11: unexpected end of input']]);
});

test('a pretty-printed object is one record, not lines', async () => {
  const result = await readFiles(fx.engine, [fx.file('pretty.json', '{\n  "id": 1,\n  "v": {"k": [1, 2]}\n}\n{\n  "id": 2\n}\n')]);
  assert.deepEqual(await ids(result), ['1', '2']);
  assert.equal(result.rejects.length, 0);
});
