import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fileFixture } from './file-test-fixture.js';
import { readFiles, type ReadResult } from './file-reader.js';
import { quoteIdent, quoteLiteral } from '../core/sql-text.js';

const fx = fileFixture('csv');
const file = fx.file;

async function rows(result: ReadResult, columns: string): Promise<Record<string, unknown>[]> {
  return fx.engine.allJson(`SELECT ${columns} FROM ${quoteIdent(result.relation)} ORDER BY _source_file, _source_line`);
}

/** Every reject names file, line and reason, and good + rejected = records. */
function assertAccounted(result: ReadResult, records: number): void {
  assert.equal(result.rowsRead + result.rejects.length, records, 'rows + rejects = records');
  for (const r of result.rejects) {
    assert.ok(r.file.length > 0 && typeof r.line === 'number' && r.line > 0 && r.error.length > 0, JSON.stringify(r));
  }
}

test('ragged rows are rejected with their line and reason; the rest loads', async () => {
  const path = file('ragged.csv', 'id,name,amount\n1,alice,10\n2,bob,20,extra\n3,carol\n4,dave,40\n');
  const result = await readFiles(fx.engine, [path]);
  assertAccounted(result, 4);
  assert.deepEqual(
    result.rejects.map((r) => [r.line, r.column, r.raw, r.error]),
    [
      [3, null, '2,bob,20,extra', 'expected 3 columns, found 4'],
      [4, 'amount', '3,carol', 'expected 3 columns, found 2'],
    ],
  );
  assert.ok(result.rejects.every((r) => r.file === path));
  assert.deepEqual(await rows(result, 'id, name, _source_line'), [
    { id: '1', name: 'alice', _source_line: '2' },
    { id: '4', name: 'dave', _source_line: '5' },
  ]);
  assert.deepEqual(result.columns, [
    { name: 'id', duckdbType: 'BIGINT' },
    { name: 'name', duckdbType: 'VARCHAR' },
    { name: 'amount', duckdbType: 'BIGINT' },
  ]);
});

test('quoted newlines and blank lines: every record keeps its physical first line', async () => {
  // DuckDB 1.5 itself would call the "3,x" reject line 5 and the last reject line 8.
  const text = 'id,note,n\n1,"two\nlines",10\n\n2,plain,20\n3,x\n\n\n4,"a\n\nb",40\n5,ok,50,extra\n6,end,60\n';
  const result = await readFiles(fx.engine, [file('multi.csv', text)]);
  assertAccounted(result, 6);
  assert.deepEqual(result.rejects.map((r) => r.line), [6, 12]);
  assert.deepEqual(await rows(result, 'id, _source_line'), [
    { id: '1', _source_line: '2' },
    { id: '2', _source_line: '5' },
    { id: '4', _source_line: '9' },
    { id: '6', _source_line: '13' },
  ]);
  assert.deepEqual(result.warnings, []);
});

test('CRLF line ends, BOM and a semicolon delimiter', async () => {
  const path = file('bom.csv', '\uFEFFid;name\r\n1;"a;b"\r\n2;b\r\n');
  const result = await readFiles(fx.engine, [path]);
  assertAccounted(result, 2);
  assert.deepEqual(await rows(result, 'id, name, _source_line'), [
    { id: '1', name: 'a;b', _source_line: '2' },
    { id: '2', name: 'b', _source_line: '3' },
  ]);
});

test('pipe and tab delimiters are detected; an explicit delimiter wins', async () => {
  const pipe = await readFiles(fx.engine, [file('pipe.csv', 'a|b|c\n1|x,y|3\n')]);
  assert.deepEqual(await rows(pipe, 'a, b, c'), [{ a: '1', b: 'x,y', c: '3' }]);
  const tsv = await readFiles(fx.engine, [file('tab.tsv', 'a\tb\n1\tx;y\n')]);
  assert.deepEqual(await rows(tsv, 'a, b'), [{ a: '1', b: 'x;y' }]);
  const tabInCsv = await readFiles(fx.engine, [file('tab.csv', 'a\tb\n1\t2\n')]);
  assert.deepEqual(tabInCsv.columns.map((c) => c.name), ['a', 'b']);
  const forced = await readFiles(fx.engine, [file('forced.csv', 'a,b;c\n1,2;3\n')], { delimiter: ';' });
  assert.deepEqual(forced.columns.map((c) => c.name), ['a,b', 'c']);
});

test('duplicate and blank header names are made unique, with a warning each', async () => {
  const result = await readFiles(fx.engine, [file('dup.csv', ' a ,a,,b,A\n1,2,3,4,5\n')]);
  assert.deepEqual(result.columns.map((c) => c.name), ['a', 'a_2', 'column_3', 'b', 'A_3']);
  assert.equal(result.warnings.length, 3);
  assert.match(result.warnings[1] ?? '', /column 3 has no name; named it column_3/);
});

test('invalid UTF-8 rejects just that line', async () => {
  const bytes = new Uint8Array([...new TextEncoder().encode('id,name\n1,a\n2,'), 0xff, 0xfe, ...new TextEncoder().encode('x\n3,c\n')]);
  const result = await readFiles(fx.engine, [file('latin.csv', bytes)]);
  assertAccounted(result, 3);
  assert.deepEqual(result.rejects.map((r) => [r.line, r.raw, r.error]), [
    [3, '2,\uFFFD\uFFFDx', 'invalid UTF-8: FF at byte 3, FE at byte 4 of the line (shown as U+FFFD in raw); the file is not all UTF-8: save it as UTF-8 and put it back'],
  ]);
});

test('unterminated and stray quotes are rejects, not crashes', async () => {
  const text = 'id,name,amount\n1,alice,10\n"7,"bad",3\n5,eve,50\n6,"open,60\n8,h,80\n';
  const result = await readFiles(fx.engine, [file('quotes.csv', text)]);
  // The open quote on line 5 swallows the rest of the file: each line it swallowed is a reject.
  assertAccounted(result, 5);
  assert.deepEqual(result.rejects.map((r) => [r.line, r.raw]), [[3, '"7,"bad",3'], [5, '6,"open,60'], [6, '8,h,80']]);
  assert.match(result.rejects[0]?.error ?? '', /quote/);
  assert.match(result.rejects[1]?.error ?? '', /^unclosed quote starting at line 5: the quoted value runs on over lines 5-6/);
  assert.equal(result.rejects[2]?.error, 'not read: inside the unclosed quote starting at line 5');
  assert.deepEqual(await rows(result, 'id, _source_line'), [
    { id: '1', _source_line: '2' },
    { id: '5', _source_line: '4' },
  ]);
});

test('a stray carriage return: read leniently with warnings instead of failing the file', async () => {
  const result = await readFiles(fx.engine, [file('cr.csv', 'a,b\n1,x\ry\n2,z\n')]);
  assert.equal(result.rowsRead, 2);
  assert.ok(result.warnings.some((w) => w.includes('cr.csv: read leniently')));
  assert.ok(result.warnings.some((w) => w.includes("line numbers are DuckDB's record count")));
});

test('a value that does not fit the sniffed type is a reject naming the column and value', async () => {
  // DuckDB sniffs types from the first rows (20480 by default): line 30002 is past them.
  const text = `n,s\n${Array.from({ length: 30000 }, (_, i) => `${i},x`).join('\n')}\nabc,y\n`;
  const result = await readFiles(fx.engine, [file('cast.csv', text)]);
  assertAccounted(result, 30001);
  assert.deepEqual(result.rejects.map((r) => [r.line, r.column, r.error]), [[30002, 'n', 'column n: cannot convert "abc" to BIGINT']]);
});

test('an empty file is refused whole (ingest and load agree); a header-only file loads zero rows', async () => {
  await assert.rejects(readFiles(fx.engine, [file('empty.csv', '')]), /empty\.csv: the file is empty \(no header, no records\)/);
  const headerOnly = await readFiles(fx.engine, [file('header.csv', 'x,y\n')]);
  assert.equal(headerOnly.rowsRead, 0);
  assert.deepEqual(headerOnly.columns.map((c) => c.name), ['x', 'y']);
});

test('single-column file: blank lines are NULL records', async () => {
  const result = await readFiles(fx.engine, [file('one.csv', 'v\n1\n\n2\n')]);
  assertAccounted(result, 3);
  assert.deepEqual(await rows(result, 'v, _source_line'), [
    { v: '1', _source_line: '2' },
    { v: null, _source_line: '3' },
    { v: '2', _source_line: '4' },
  ]);
});

test('no header: columns are column_<n>', async () => {
  const result = await readFiles(fx.engine, [file('nohead.csv', '1,a\n2,b\n')], { header: false });
  assert.deepEqual(result.columns.map((c) => c.name), ['column_1', 'column_2']);
  assert.deepEqual(await rows(result, 'column_1, _source_line'), [
    { column_1: '1', _source_line: '1' },
    { column_1: '2', _source_line: '2' },
  ]);
});

test('gzip and zstd compressed CSV', async () => {
  const gz = await readFiles(fx.engine, [file('c.csv.gz', new Uint8Array(gzipSync('a,b\n1,x\n2,y,z\n')))]);
  assertAccounted(gz, 2);
  assert.deepEqual(gz.rejects.map((r) => r.line), [3]);
  const zst = join(fx.dir, 'c.csv.zst');
  await fx.engine.run(`COPY (SELECT i AS a, 'v' || i AS b FROM range(3) t(i)) TO ${quoteLiteral(zst)} (FORMAT csv, HEADER, COMPRESSION zstd)`);
  const result = await readFiles(fx.engine, [zst]);
  assert.deepEqual(await rows(result, 'a, b, _source_line'), [
    { a: '0', b: 'v0', _source_line: '2' },
    { a: '1', b: 'v1', _source_line: '3' },
    { a: '2', b: 'v2', _source_line: '4' },
  ]);
});

test('several files combine by name; a later file adds a column and types widen', async () => {
  const first = file('day1.csv', 'id,amount\n1,10\n2,20\n');
  const second = file('day2.csv', 'AMOUNT,id,channel\n2.5,3,web\n');
  const third = file('day3.csv', 'id,amount\nx4,30\n');
  const progress: number[] = [];
  const result = await readFiles(fx.engine, [first, second, third], { onProgress: (p) => progress.push(p.files) });
  assert.deepEqual(progress, [1, 2, 3]);
  assert.deepEqual(result.columns, [
    { name: 'id', duckdbType: 'VARCHAR' },
    { name: 'amount', duckdbType: 'DOUBLE' },
    { name: 'channel', duckdbType: 'VARCHAR' },
  ]);
  assert.equal(result.rowsRead, 4);
  assert.ok(result.bytesRead > 0);
  const all = await fx.engine.allJson(`SELECT id, amount, channel, _source_file FROM ${quoteIdent(result.relation)} ORDER BY _source_file, _source_line`);
  assert.deepEqual(all, [
    { id: '1', amount: 10, channel: null, _source_file: first },
    { id: '2', amount: 20, channel: null, _source_file: first },
    { id: '3', amount: 2.5, channel: 'web', _source_file: second },
    { id: 'x4', amount: 30, channel: null, _source_file: third },
  ]);
});

test('a bad file among good ones fails with NotFound naming it', async () => {
  const good = file('good.csv', 'a\n1\n');
  await assert.rejects(readFiles(fx.engine, [good, join(fx.dir, 'missing.csv')]), (e: Error) => e.name === 'NotFound' && e.message.includes('missing.csv'));
  await assert.rejects(readFiles(fx.engine, [fx.dir]), (e: Error) => e.name === 'InvalidInput' && e.message.includes('is a directory'));
  await assert.rejects(readFiles(fx.engine, [file('x.weird', '\u0000\u0001')]), (e: Error) => e.name === 'InvalidInput' && e.message.includes('x.weird'));
});
