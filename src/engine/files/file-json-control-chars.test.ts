/** JSON keys and lines holding NUL and other control characters: nothing crashes, nothing is lost. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileFixture } from './file-test-fixture.js';
import { readFiles } from './file-reader.js';
import { quoteIdent, quoteLiteral } from '../core/sql-text.js';

const fx = fileFixture('json-control');

test('a key holding a NUL or another control character becomes a column named with _ instead', async () => {
  const path = fx.file('keys.ndjson', '{"a\\u0000b":1,"c\\u0001d":"x","e\\nf":true}\n{"a\\u0000b":2,"c\\u0001d":"y","e\\nf":false}\n');
  const result = await readFiles(fx.engine, [path]);
  assert.deepEqual(result.columns.map((c) => c.name), ['a_b', 'c_d', 'e_f']);
  const rows = await fx.engine.allJson(`SELECT a_b, c_d, e_f FROM ${quoteIdent(result.relation)} ORDER BY _source_line`);
  assert.deepEqual(rows, [{ a_b: '1', c_d: 'x', e_f: true }, { a_b: '2', c_d: 'y', e_f: false }]);
  assert.equal(result.rejects.length, 0);
  assert.match(result.warnings.join('\n'), /key 1 name "a\\u0000b" holds control characters; named it a_b/);
});

test('keys that differ only by case and hold a NUL are read key by key', async () => {
  const path = fx.file('cases.ndjson', '{"a\\u0000b":1,"A":1}\n{"a\\u0000b":2,"a":2}\n');
  const result = await readFiles(fx.engine, [path]);
  assert.equal(result.rowsRead, 2);
  assert.deepEqual(result.columns.map((c) => c.name), ['a_b', 'A', 'a_2']);
});

test('a NUL inside a string constant reaches DuckDB intact', async () => {
  const rows = await fx.engine.allJson(`SELECT strlen(${quoteLiteral("it's a\0b")}) AS n`);
  assert.deepEqual(rows, [{ n: '8' }]);
});
