/** NDJSON far larger than DuckDB's memory limit still reads whole: every record, every key. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseByteSize } from '../core/duckdb.js';
import { readFiles } from './file-reader.js';
import { fileFixture } from './file-test-fixture.js';
import { quoteIdent } from '../core/sql-text.js';

const LIMIT = '128MiB';
const fx = fileFixture('json-memory', 2, LIMIT);

/** About 24 MB of events; the last record alone carries the key `late`. */
function events(file: number): string {
  const lines: string[] = [];
  for (let i = 0; i < 80_000; i++) {
    lines.push(JSON.stringify({ id: i, file, kind: ['view', 'click', 'buy'][i % 3], page: `/p/${i % 977}`, user: { id: `u-${i % 5003}`, agent: 'x'.repeat(150 + (i % 50)) }, at: '2026-05-01T10:00:00Z' }));
  }
  lines.push(JSON.stringify({ id: 80_000, file, late: { k: 1 } }));
  return `${lines.join('\n')}\n`;
}

test('NDJSON files several times the memory limit are read side by side, to the last record and its new key', async () => {
  const paths = [fx.file('a.ndjson', events(1)), fx.file('b.ndjson', events(2))];
  const result = await readFiles(fx.engine, paths);
  assert.deepEqual(result.rejects, []);
  assert.equal(result.rowsRead, 2 * 80_001);
  const late = await fx.engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(result.relation)} WHERE struct_extract(late, 'k') = 1`);
  assert.equal(Number(late[0]?.n), 2);
});

test('memory sizes read as DuckDB prints them', () => {
  assert.equal(parseByteSize('161.0 MiB'), 161 * 2 ** 20);
  assert.equal(parseByteSize('4GB'), 4e9);
  assert.equal(parseByteSize('1.5 GiB'), 1.5 * 2 ** 30);
  assert.equal(parseByteSize('512 bytes'), 512);
  assert.equal(parseByteSize('no limit'), Infinity);
});
