import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { fileFixture } from './file-test-fixture.js';
import { readFiles, type ReadResult } from './file-reader.js';
import { quoteIdent, quoteLiteral } from '../core/sql-text.js';
import { LocalStore } from '../../storage/index.js';

const fx = fileFixture('json');
const file = fx.file;

async function rows(result: ReadResult, columns: string): Promise<Record<string, unknown>[]> {
  return fx.engine.allJson(`SELECT ${columns} FROM ${quoteIdent(result.relation)} ORDER BY _source_file, _source_line`);
}

const NDJSON = [
  '{"id":1,"user":{"name":"a","tags":["x","y"]},"at":"2024-01-02"}',
  '{"id":2,"user":{"name":"b","tags":[]}}',
  '{"id":3, oops}',
  '',
  '[1,2]',
  '{"id":"four","late":{"k":1}}',
  '{"id":5}',
].join('\n');

/** A store on the fixture's folder that will not hand over a file whole, only stream it. */
class StreamOnlyStore extends LocalStore {
  override get(key: string): Promise<Buffer> {
    return Promise.reject(new Error(`the reader asked for all of ${key} at once`));
  }
}

test('NDJSON is read through its store as a stream, never held whole in Node, and numbered as before', async () => {
  file('streamed.ndjson', `${NDJSON}\n`);
  const result = await readFiles(fx.engine, [{ path: join(fx.dir, 'streamed.ndjson'), store: new StreamOnlyStore(fx.dir), key: 'streamed.ndjson' }]);
  assert.deepEqual(result.rejects.map((r) => r.line), [3, 5]);
  assert.deepEqual(await rows(result, '_source_line, id'), [
    { _source_line: '1', id: '1' },
    { _source_line: '2', id: '2' },
    { _source_line: '6', id: '"four"' },
    { _source_line: '7', id: '5' },
  ]);
});

test('NDJSON: malformed and non-object lines are rejects with line and parser reason', async () => {
  const path = file('events.ndjson', `${NDJSON}\n`);
  const result = await readFiles(fx.engine, [path]);
  assert.equal(result.rowsRead + result.rejects.length, 6, 'six non-blank lines');
  assert.deepEqual(
    result.rejects.map((r) => [r.file, r.line, r.raw, r.error]),
    [
      [path, 3, '{"id":3, oops}', 'malformed JSON at byte 9: expected double-quoted property name'],
      [path, 5, '[1,2]', 'expected a JSON object, found an array'],
    ],
  );
  assert.deepEqual(await rows(result, '_source_line'), [1, 2, 6, 7].map((l) => ({ _source_line: String(l) })));
});

test('NDJSON read whole and NDJSON read line by line agree: rows, line numbers and rejects', async () => {
  // A plain file is read whole; the same bytes gzipped, or with a CR or a byte-order mark, are
  // scanned line by line. Blank and all-space lines still count as lines.
  const text = `${NDJSON}\n   \n\n{"id":8,"deep":{"a":[{"b":null}]}}\n{"id":9}`;
  const reads = [
    ['plain.ndjson', text],
    ['zipped.ndjson.gz', new Uint8Array(gzipSync(text))],
    ['crlf.ndjson', text.replaceAll('\n', '\r\n')],
    ['bom.ndjson', `\uFEFF${text}`],
  ] as const;
  const seen = [];
  for (const [name, content] of reads) {
    const path = file(name, content);
    const result = await readFiles(fx.engine, [path]);
    seen.push({
      rows: await rows(result, 'id::VARCHAR AS id, _source_line'),
      rejects: result.rejects.map((r) => [r.line, r.raw, r.error]),
      columns: result.columns,
      warnings: result.warnings.map((w) => w.replace(path, 'F')),
    });
  }
  for (const other of seen.slice(1)) assert.deepEqual(other, seen[0]);
  assert.deepEqual(seen[0]?.rows.map((r) => r['_source_line']), ['1', '2', '6', '7', '10', '11']);
  assert.deepEqual(seen[0]?.rejects.map((r) => r[0]), [3, 5]);
});

test('NDJSON read whole checks in DuckDB the lines its scan does not read: the same rows and rejects as a line-by-line read', async () => {
  // The plain file's records are taken as the Node scan reads them; DuckDB judges only the other
  // lines, some of which it reads (NaN, a trailing comma, a byte-order mark where files were joined).
  const text = [
    '{"id":1,"s":"a\\u00e9\\ud83d\\ude00"}',
    '{"id":2,"s":NaN}',
    '{"id":3,"s":"x",}',
    '\uFEFF{"id":4,"s":"joined"}',
    '{"id":5,"s":"tab\there"}',
    '{"id":6,"s":"\\q"}',
    '{"id":7,"s":"\\ud800"}',
    '  {"id":8,"s":"spaced"}  ',
    '{"id":9,"s":"cut',
  ].join('\n');
  const seen = [];
  for (const [name, content] of [['plain.ndjson', text], ['zipped.ndjson.gz', new Uint8Array(gzipSync(text))]] as const) {
    const path = file(`scan-${name}`, content);
    const result = await readFiles(fx.engine, [path]);
    seen.push({ rows: await rows(result, 'id::VARCHAR AS id, s::VARCHAR AS s, _source_line'), rejects: result.rejects.map((r) => [r.line, r.raw]) });
  }
  assert.deepEqual(seen[1], seen[0]);
  assert.deepEqual(seen[0]?.rows.map((r) => r['_source_line']), ['1', '2', '3', '4', '8']);
  assert.equal(seen[0]?.rows[3]?.['s'], '"joined"', 'the byte-order mark is not part of the record');
  assert.deepEqual(seen[0]?.rejects.map((r) => r[0]), [5, 6, 7, 9]);
});

test('NDJSON: nested objects stay STRUCT, arrays LIST, rare keys are kept, mixed types stay JSON', async () => {
  const result = await readFiles(fx.engine, [file('nested.jsonl', NDJSON)]);
  const types = Object.fromEntries(result.columns.map((c) => [c.name, c.duckdbType]));
  assert.deepEqual(types, {
    id: 'JSON',
    user: 'STRUCT("name" VARCHAR, tags VARCHAR[])',
    at: 'VARCHAR',
    late: 'STRUCT(k UBIGINT)',
  });
  const first = (await rows(result, 'id, user, late'))[0];
  assert.deepEqual(first, { id: '1', user: { name: 'a', tags: ['x', 'y'] }, late: null });
});

test('NDJSON: an integer past BIGINT in a top-level column is a reject naming the column', async () => {
  const result = await readFiles(fx.engine, [file('big.ndjson', '{"n":1}\n{"n":18446744073709551615}\n')]);
  assert.deepEqual(result.rejects.map((r) => [r.line, r.column]), [[2, 'n']]);
  assert.match(result.rejects[0]?.error ?? '', /^column n: /);
  assert.equal(result.rowsRead, 1);
});

test('NDJSON: invalid UTF-8 line is a reject showing its text; gzip input works', async () => {
  const bytes = new Uint8Array([...new TextEncoder().encode('{"a":1}\n{"a":"é'), 0xff, ...new TextEncoder().encode('"}\n{"a":3}\n')]);
  const result = await readFiles(fx.engine, [file('bad.ndjson.gz', new Uint8Array(gzipSync(bytes)))]);
  assert.deepEqual(result.rejects.map((r) => [r.line, r.raw, r.error]), [[2, '{"a":"é\uFFFD"}', 'invalid UTF-8 (the file is not UTF-8 encoded)']]);
  assert.deepEqual(await rows(result, 'a, _source_line'), [
    { a: '1', _source_line: '1' },
    { a: '3', _source_line: '3' },
  ]);
});

test('JSON array: records numbered by position; non-objects rejected', async () => {
  const result = await readFiles(fx.engine, [file('orders.json', '[{"id":1,"items":[{"sku":"a","qty":2}]},\n {"id":2,"items":[]},\n 7]')]);
  assert.equal(result.rowsRead + result.rejects.length, 3);
  assert.deepEqual(result.rejects.map((r) => [r.line, r.error]), [[3, 'expected a JSON object, found a number']]);
  assert.deepEqual(await rows(result, 'id, items, _source_line'), [
    { id: '1', items: [{ sku: 'a', qty: '2' }], _source_line: '1' },
    { id: '2', items: [], _source_line: '2' },
  ]);
});

test('JSON document that does not parse: its complete records land, the broken one is a reject naming the problem', async () => {
  const path = file('broken.json', '[{"id":1},\n{"id":2\n');
  const result = await readFiles(fx.engine, [path]);
  assert.equal(result.rowsRead, 1);
  assert.deepEqual(result.rejects.map((r) => [r.file, r.line, r.raw]), [[path, 2, '{"id":2']]);
  assert.match(result.rejects[0]?.error ?? '', /^malformed JSON at byte 7: expected ',' or '}' after property value$/);
});

test('pretty-printed JSON objects one after another', async () => {
  const result = await readFiles(fx.engine, [file('pretty.json', '{\n  "a": 1\n}\n{\n  "a": 2\n}\n')]);
  assert.deepEqual(await rows(result, 'a, _source_line'), [
    { a: '1', _source_line: '1' },
    { a: '2', _source_line: '2' },
  ]);
});

test('an NDJSON file of blank lines is refused whole as empty, as load and ingest refuse any empty file', async () => {
  await assert.rejects(readFiles(fx.engine, [file('empty.ndjson', '\n\n')]), /empty\.ndjson: the file is empty \(no header, no records\)/);
});

test('Parquet, combined by name with CSV; _source_line is NULL for Parquet', async () => {
  const parquet = join(fx.dir, 'p.parquet');
  await fx.engine.run(`COPY (SELECT 1::INTEGER AS id, {'k': 'v'} AS meta) TO ${quoteLiteral(parquet)} (FORMAT parquet)`);
  const csv = file('c.csv', 'id,extra\n2,e\n');
  const result = await readFiles(fx.engine, [parquet, csv]);
  assert.deepEqual(result.columns, [
    { name: 'id', duckdbType: 'BIGINT' },
    { name: 'meta', duckdbType: 'STRUCT(k VARCHAR)' },
    { name: 'extra', duckdbType: 'VARCHAR' },
  ]);
  assert.deepEqual(await rows(result, 'id, meta, extra, _source_line'), [
    { id: '2', meta: null, extra: 'e', _source_line: '2' },
    { id: '1', meta: { k: 'v' }, extra: null, _source_line: null },
  ]);
});

test('a struct column meeting a plain column becomes JSON text; nothing is dropped', async () => {
  const a = file('a.ndjson', '{"v":{"x":1}}\n');
  const b = file('b.ndjson', '{"v":"plain"}\n');
  const result = await readFiles(fx.engine, [a, b]);
  assert.deepEqual(result.columns, [{ name: 'v', duckdbType: 'JSON' }]);
  assert.deepEqual(await rows(result, 'v'), [{ v: '{"x":1}' }, { v: '"plain"' }]);
});

test('a file that is not Parquet is one reject', async () => {
  const path = file('fake.parquet', 'PAR1 not really');
  const result = await readFiles(fx.engine, [path]);
  assert.equal(result.rejects.length, 1);
  assert.match(result.rejects[0]?.error ?? '', /^cannot read Parquet: /);
});

/** 3000 alike records, then `late` ones, far past any sample a reader might take its shape from. */
function driftFile(name: string, late: object[]): string {
  const base = (i: number) => ({ id: i, n: i, flag: true, p: { x: 's', y: i }, tags: [1, 2], nul: null, big: i });
  const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify(base(i + 1)));
  late.forEach((r, i) => lines.push(JSON.stringify({ ...base(3001 + i), ...r })));
  return file(name, `${lines.join('\n')}\n`);
}

test('NDJSON: keys, fractions and nulls-then-values that first appear deep into a file are all kept', async () => {
  const late = [{ n: 1.5 }, { extra: 'e' }, { p: { x: 's', y: 1, z: 'deep' } }, { nul: 'late' }, { big: 'BIG' }, { n: -3 }];
  // JSON.stringify cannot write an integer past 2^53, so it goes in as text and is unquoted here.
  const text = readFileSync(driftFile('drift.ndjson', late), 'utf8').replace('"big":"BIG"', '"big":18446744073709551615');
  const result = await readFiles(fx.engine, [file('drift-big.ndjson', text)]);
  const types = Object.fromEntries(result.columns.map((c) => [c.name, c.duckdbType]));
  assert.deepEqual(types, {
    id: 'BIGINT',
    n: 'DOUBLE',
    flag: 'BOOLEAN',
    p: 'STRUCT(x VARCHAR, y UBIGINT, z VARCHAR)',
    tags: 'UBIGINT[]',
    nul: 'VARCHAR',
    big: 'BIGINT',
    extra: 'VARCHAR',
  });
  assert.deepEqual(result.rejects.map((r) => [r.line, r.column]), [[3005, 'big']]);
  assert.equal(result.rowsRead, 3005);
  const kept = await fx.engine.allJson(
    `SELECT _source_line, n, extra, p, nul FROM ${quoteIdent(result.relation)} WHERE _source_line > 3000 ORDER BY _source_line`,
  );
  assert.deepEqual(kept, [
    { _source_line: '3001', n: 1.5, extra: null, p: { x: 's', y: '3001', z: null }, nul: null },
    { _source_line: '3002', n: 3002, extra: 'e', p: { x: 's', y: '3002', z: null }, nul: null },
    { _source_line: '3003', n: 3003, extra: null, p: { x: 's', y: '1', z: 'deep' }, nul: null },
    { _source_line: '3004', n: 3004, extra: null, p: { x: 's', y: '3004', z: null }, nul: 'late' },
    { _source_line: '3006', n: -3, extra: null, p: { x: 's', y: '3006', z: null }, nul: null },
  ]);
});

test('NDJSON: a value of another kind deep into a file turns its column to JSON text, losing nothing', async () => {
  const result = await readFiles(fx.engine, [driftFile('kinds.ndjson', [{ flag: 1 }, { tags: [1, 'two'] }, { p: 'flat' }])]);
  const types = Object.fromEntries(result.columns.map((c) => [c.name, c.duckdbType]));
  assert.deepEqual([types.flag, types.tags, types.p], ['JSON', 'JSON[]', 'JSON']);
  const late = await fx.engine.allJson(
    `SELECT flag, tags, p FROM ${quoteIdent(result.relation)} WHERE _source_line IN (1, 3001, 3002, 3003) ORDER BY _source_line`,
  );
  assert.deepEqual(late, [
    { flag: 'true', tags: ['1', '2'], p: '{"x":"s","y":1}' },
    { flag: '1', tags: ['1', '2'], p: '{"x":"s","y":3001}' },
    { flag: 'true', tags: ['1', '"two"'], p: '{"x":"s","y":3002}' },
    { flag: 'true', tags: ['1', '2'], p: '"flat"' },
  ]);
  assert.equal(result.rowsRead, 3003);
});

test('NDJSON: a key only in records that DuckDB reads and a strict JSON scan does not (NaN, a trailing comma) is still a column', async () => {
  const path = file('extensions.ndjson', '{"id":1,"f":1.5}\n{"id":2,"f":NaN,"late":"x"}\n{"id":3,"tags":["a",],}\n');
  const result = await readFiles(fx.engine, [path]);
  assert.deepEqual(result.columns.map((c) => [c.name, c.duckdbType]), [['id', 'BIGINT'], ['f', 'DOUBLE'], ['late', 'VARCHAR'], ['tags', 'VARCHAR[]']]);
  assert.deepEqual(await rows(result, 'id, late, tags'), [
    { id: '1', late: null, tags: null },
    { id: '2', late: 'x', tags: null },
    { id: '3', late: null, tags: ['a'] },
  ]);
});
