/** Records nested thousands deep are rejects with a reason; they never crash the process. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './file-json-depth.js';
import { fileFixture } from './file-test-fixture.js';
import { readFiles } from './file-reader.js';
import { quoteIdent } from '../core/sql-text.js';

const fx = fileFixture('json-depth');

const arrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const objects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
const DEEP = /^nested deeper than 128 levels/;

async function ids(relation: string): Promise<string[]> {
  const rows = await fx.engine.all<{ id: bigint }>(`SELECT id FROM ${quoteIdent(relation)} ORDER BY _source_line`);
  return rows.map((r) => String(r.id));
}

test('NDJSON: lines nested 5,000 and 100,000 deep are rejects; the lines around them land', async () => {
  const lines = ['{"id":1}', `{"id":2,"v":${arrays(5000)}}`, `{"id":3,"v":${objects(100_000)}}`, '{"id":4}'];
  const result = await readFiles(fx.engine, [fx.file('deep.ndjson', `${lines.join('\n')}\n`)]);
  assert.deepEqual(await ids(result.relation), ['1', '4']);
  assert.deepEqual(result.rejects.map((r) => r.line), [2, 3]);
  for (const r of result.rejects) assert.match(r.error, DEEP);
  assert.ok(result.rejects[0]?.raw?.startsWith('{"id":2,"v":[[['), 'the reject keeps the start of the record');
});

test('a JSON array holding a record nested 100,000 deep: that record is a reject, the others land', async () => {
  const result = await readFiles(fx.engine, [fx.file('deep.json', `[{"id":1},{"id":2,"v":${objects(100_000)}},{"id":3}]`)]);
  assert.deepEqual(await ids(result.relation), ['1', '3']);
  assert.deepEqual(result.rejects.map((r) => [r.line, DEEP.test(r.error)]), [[2, true]]);
});

test(`a record nested exactly ${MAX_JSON_DEPTH} deep lands`, async () => {
  const result = await readFiles(fx.engine, [fx.file('limit.ndjson', `{"id":1,"v":${arrays(MAX_JSON_DEPTH - 1)}}\n`)]);
  assert.equal(result.rejects.length, 0);
  assert.equal(result.rowsRead, 1);
});

test('depth counts brackets outside strings only', () => {
  assert.equal(nestedDeeperThan(`{"s":"${'['.repeat(300)}\\"{{"}`, 2), false);
  assert.equal(nestedDeeperThan('{"a":[{"b":[]}]}', 3), true);
  assert.equal(nestedDeeperThan('{"a":[{"b":[]}]}', 4), false);
});

test('a short record nested past the limit, but not deep enough to endanger the parser, is a reject too', async () => {
  const lines = ['{"id":1}', `{"id":2,"v":${arrays(MAX_JSON_DEPTH + 50)}}`, '{"id":3,"w":{"x":[1]}}'];
  const result = await readFiles(fx.engine, [fx.file('mid.ndjson', `${lines.join('\n')}\n`)]);
  assert.deepEqual(await ids(result.relation), ['1', '3']);
  assert.deepEqual(result.rejects.map((r) => [r.line, DEEP.test(r.error)]), [[2, true]]);
  assert.deepEqual(result.columns.map((c) => c.name).filter((n) => !n.startsWith('_')), ['id', 'w'], 'no column from the rejected record');
});
