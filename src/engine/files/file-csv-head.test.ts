import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fileFixture } from './file-test-fixture.js';
import { headLines } from './file-csv-head.js';
import { localInput } from './file-input.js';

const fx = fileFixture('head', 1);
const file = (name: string, content: string | Uint8Array) => localInput(fx.file(name, content));

test('BOM, CRLF, blank lines and a last line without a newline', async () => {
  assert.deepEqual(await headLines(fx.engine, file('a.csv', '\uFEFFid,name\r\n1,a\r\n\r\n2,b'), 'none'), ['id,name', '1,a', '', '2,b']);
  assert.deepEqual(await headLines(fx.engine, file('empty.csv', ''), 'none'), []);
  assert.deepEqual(await headLines(fx.engine, file('nl.csv', '\n'), 'none'), ['']);
});

test('a big file gives its first 200 whole lines; a gzip file is read through', async () => {
  const text = Array.from({ length: 20000 }, (_, i) => `${i},${'x'.repeat(i % 50)}`).join('\n');
  const lines = await headLines(fx.engine, file('big.csv', text), 'none');
  assert.equal(lines.length, 200);
  assert.deepEqual(lines, text.split('\n').slice(0, 200));
  assert.deepEqual(await headLines(fx.engine, file('big.csv.gz', new Uint8Array(gzipSync(text))), 'gzip'), text.split('\n').slice(0, 200));
});

test('a first line longer than 64 KiB and old-Mac line ends come whole from DuckDB', async () => {
  const wide = Array.from({ length: 9000 }, (_, i) => `column_${i}`).join(',');
  const lines = await headLines(fx.engine, file('wide.csv', `${wide}\n${'1,'.repeat(8999)}1\n`), 'none');
  assert.equal(lines[0], wide);
  assert.equal(lines.length, 2);
  assert.deepEqual(await headLines(fx.engine, file('mac.csv', 'a,b\r1,2\r'), 'none'), ['a,b', '1,2']);
});
