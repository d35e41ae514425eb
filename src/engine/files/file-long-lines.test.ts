import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { MAX_LINE_BYTES } from './file-lines.js';
import { longestPlainLine, LongLineWatch } from './file-long-lines.js';
import { localInput } from './file-input.js';
import { readFiles } from './file-reader.js';
import { fileFixture } from './file-test-fixture.js';

const fx = fileFixture('long-lines', 2);
const over = 'z'.repeat(MAX_LINE_BYTES + 1);

test('the longest line over the limit is found with its start, in a plain file and in chunks going by', async () => {
  const text = `a\n${'y'.repeat(MAX_LINE_BYTES)}\nb\n${over}\n${'w'.repeat(MAX_LINE_BYTES + 5)}`;
  const path = fx.file('lines.txt', text);
  const expected = { offset: 2 + MAX_LINE_BYTES + 1 + 2 + MAX_LINE_BYTES + 2, bytes: MAX_LINE_BYTES + 5 };
  assert.deepEqual(await longestPlainLine(localInput(path)), expected, 'a line of exactly the limit is not over it; the last line needs no newline');
  const watch = new LongLineWatch();
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += 16 * 1024) watch.feed(bytes.subarray(i, i + 16 * 1024));
  assert.deepEqual(watch.finish(), expected);
  assert.equal(await longestPlainLine(localInput(fx.file('short.txt', `a\n${'y'.repeat(MAX_LINE_BYTES)}\n`))), null);
});

test('a CSV line just under the limit loads; just over, it is a reject on its line and the next rows keep theirs', async () => {
  const under = 'u'.repeat(MAX_LINE_BYTES - 10);
  const path = fx.file('edge.csv', `id,v\n1,${under}\n2,${over}\n3,c\n`);
  const r = await readFiles(fx.engine, [path]);
  const rows = await fx.engine.all<{ id: bigint; n: bigint; line: bigint }>(`SELECT id, strlen(v) AS n, _source_line AS line FROM ${r.relation} ORDER BY id`);
  assert.deepEqual(rows.map((x) => [Number(x.id), Number(x.n), Number(x.line)]), [[1, under.length, 2], [3, 1, 4]]);
  assert.deepEqual(r.rejects.map((x) => [x.file, x.line]), [[path, 3]]);
  assert.match(r.rejects[0]?.error ?? '', /^line is 16,777,219 bytes, more than the 16 MiB Silt reads in one line; split the value/);
});

test('a quoted CSV record over the limit across several short lines is one reject at its first line (DuckDB finds it)', async () => {
  const value = ['p'.repeat(9 * 1024 ** 2), 'q'.repeat(9 * 1024 ** 2)].join('\n');
  const path = fx.file('multi.csv', `id,v\n1,a\n2,"${value}"\n3,c\n`);
  const r = await readFiles(fx.engine, [path]);
  assert.equal(r.rowsRead, 2);
  assert.deepEqual(r.rejects.map((x) => x.line), [3]);
  assert.match(r.rejects[0]?.error ?? '', /^line is 18,874,373 bytes, more than the 16 MiB/);
  const rows = await fx.engine.all<{ id: bigint }>(`SELECT id FROM ${r.relation} ORDER BY id`);
  assert.deepEqual(rows.map((x) => Number(x.id)), [1, 3]);
});

test('a quoted CSV record holding a line over the limit is one reject at its first line, whatever its quotes', async () => {
  const text = `id,v\n1,"a ""quoted"" start\n${over}\nend"\n2,"b\n"\n3,c\n`;
  for (const [name, content] of [['quoted.csv', text], ['quoted.csv.gz', new Uint8Array(gzipSync(text))]] as const) {
    const path = fx.file(name, content);
    const r = await readFiles(fx.engine, [path]);
    const rows = await fx.engine.all<{ id: bigint; v: string; line: bigint }>(`SELECT id, v, _source_line AS line FROM ${r.relation} ORDER BY id`);
    assert.deepEqual(rows.map((x) => [Number(x.id), x.v, Number(x.line)]), [[2, 'b\n', 5], [3, 'c', 7]], name);
    assert.deepEqual(r.rejects.map((x) => [x.file, x.line, x.column]), [[path, 2, null]], name);
    assert.match(r.rejects[0]?.error ?? '', /^line is 16,777,244 bytes, more than the 16 MiB Silt reads in one line; split the value/, name);
    assert.ok(r.rejects[0]?.raw?.startsWith('1,"a ""quoted"" start\nzzz') && r.rejects[0].raw.length < 5000, name);
  }
});

test('a .json file of one record per line has its long line set aside like an .ndjson one', async () => {
  const path = fx.file('lines.json', `{"id":1}\n{"id":2,"v":"${'y'.repeat(33 * 1024 ** 2)}"}\n{"id":3}\n`);
  const r = await readFiles(fx.engine, [path]);
  assert.equal(r.rowsRead, 2);
  assert.deepEqual(r.rejects.map((x) => [x.file, x.line]), [[path, 2]]);
  assert.match(r.rejects[0]?.error ?? '', /^line is 34,603,023 bytes, more than the 16 MiB Silt reads in one line; split the record/);
});

test('a file of old-Mac lines (carriage returns only) past 16 MiB is ordinary lines, read whole', async () => {
  const rows = Array.from({ length: 1_000_000 }, (_, i) => `${i},value ${i}`);
  const text = `id,v\r${rows.join('\r')}\r`;
  assert.ok(text.length > MAX_LINE_BYTES);
  const path = fx.file('mac.csv', text);
  assert.equal(await longestPlainLine(localInput(path)), null);
  const r = await readFiles(fx.engine, [path]);
  assert.deepEqual([r.rowsRead, r.rejects.length], [1_000_000, 0]);
});
