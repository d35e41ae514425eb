import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileFixture } from './file-test-fixture.js';
import { dropReadResult, readFiles } from './file-reader.js';
import { scanFiles } from './file-scan.js';
import { quoteIdent, quoteLiteral } from '../core/sql-text.js';

const fx = fileFixture('scan');
const file = fx.file;

/** Streams the files into a result (as a COPY would: every column), returning rows, rejects and warnings. */
async function stream(paths: string[], orderBy = '') {
  const scan = await scanFiles(fx.engine, paths);
  let calls = 0;
  try {
    const result = await scan.consume((sql) => {
      calls += 1;
      return fx.engine.allJson(`SELECT * FROM (${sql})${orderBy}`);
    });
    return { ...result, calls, columns: scan.columns };
  } finally {
    await scan.close();
  }
}

test('streamed rows and rejects match the exact reader, physical lines included', async () => {
  // Quoted newlines, blank lines and ragged rows: DuckDB alone would number the rejects 5 and 8.
  const text = 'id,note,n\n1,"two\nlines",10\n\n2,plain,20\n3,x\n\n\n4,"a\n\nb",40\n5,ok,50,extra\n6,end,60\n';
  const path = file('multi.csv', text);
  const exact = await readFiles(fx.engine, [path]);
  try {
    const streamed = await stream([path]);
    assert.deepEqual(streamed.rejects, exact.rejects);
    assert.deepEqual(streamed.rejects.map((r) => r.line), [6, 12]);
    const rows = await fx.engine.allJson(`SELECT id, note, n FROM ${quoteIdent(exact.relation)} ORDER BY _source_line`);
    assert.deepEqual(streamed.value, rows);
    assert.equal(streamed.calls, 1);
    assert.deepEqual(streamed.warnings, []);
  } finally {
    await dropReadResult(fx.engine, exact);
  }
});

test('a file without rejects needs no second look; a bad line deep in a big file gets its exact line', async () => {
  const rows = Array.from({ length: 5000 }, (_, i) => `${i},"v\n${i}"`).join('\n');
  const clean = await stream([file('clean.csv', `id,v\n${rows}\n`)]);
  assert.equal(clean.value.length, 5000);
  assert.deepEqual(clean.rejects, []);
  // Each record spans two lines, so record 4001 starts on line 2 + 2 * 4000.
  const bad = await stream([file('deep.csv', `id,v\n${rows.replace('4000,"v\n4000"', '4000,"v\n4000",extra')}\n`)]);
  assert.equal(bad.value.length, 4999);
  assert.deepEqual(bad.rejects.map((r) => [r.line, r.error]), [[8002, 'expected 2 columns, found 3']]);
});

test('invalid UTF-8 is a reject on its line, the other rows stream', async () => {
  const path = file('latin1.csv', new Uint8Array([...Buffer.from('id,name\n1,a\n2,caf'), 0xe9, ...Buffer.from('\n3,c\n')]));
  const r = await stream([path]);
  assert.deepEqual(r.value, [{ id: '1', name: 'a' }, { id: '3', name: 'c' }]);
  assert.deepEqual(r.rejects.map((x) => [x.file, x.line, x.column, x.error]), [
    [path, 3, 'name', 'invalid UTF-8: E9 at byte 6 of the line (shown as U+FFFD in raw); the file is not all UTF-8: save it as UTF-8 and put it back'],
  ]);
});

test('a stray carriage return: the consumer runs again over a lenient read, with a warning', async () => {
  const r = await stream([file('cr.csv', 'a,b\n1,x\ry\n2,z\n')]);
  assert.equal(r.calls, 2);
  assert.equal(r.value.length, 2);
  assert.ok(r.warnings.some((w) => w.includes('cr.csv: read leniently, strict CSV parsing failed')), r.warnings.join('\n'));
});

test('a consumer failing for its own reasons is not retried', async () => {
  const scan = await scanFiles(fx.engine, [file('fine.csv', 'a\n1\n')]);
  let calls = 0;
  try {
    await assert.rejects(scan.consume(async () => {
      calls += 1;
      throw new Error('write: disk full');
    }), /disk full/);
    assert.equal(calls, 1);
  } finally {
    await scan.close();
  }
});

test('CSV, NDJSON and Parquet stream as one union by name, types widened, rejects from each', async () => {
  const csv = file('a.csv', 'id,amount\n1,10\n2,20\n');
  const ndjson = file('b.ndjson', '{"id":3,"amount":2.5,"channel":"web"}\n{"id":4,\n');
  const parquet = join(fx.dir, 'c.parquet');
  await fx.engine.run(`COPY (SELECT 'x5' AS id, 30 AS amount) TO ${quoteLiteral(parquet)} (FORMAT parquet)`);
  const r = await stream([csv, ndjson, parquet], ' ORDER BY id');
  assert.deepEqual(r.columns, [
    { name: 'id', duckdbType: 'VARCHAR' },
    { name: 'amount', duckdbType: 'DOUBLE' },
    { name: 'channel', duckdbType: 'VARCHAR' },
  ]);
  assert.deepEqual(r.value, [
    { id: '1', amount: 10, channel: null },
    { id: '2', amount: 20, channel: null },
    { id: '3', amount: 2.5, channel: 'web' },
    { id: 'x5', amount: 30, channel: null },
  ]);
  assert.deepEqual(r.rejects.map((x) => [x.file, x.line]), [[ndjson, 2]]);
});
