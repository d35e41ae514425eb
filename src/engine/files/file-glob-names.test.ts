import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileFixture } from './file-test-fixture.js';
import { dropReadResult, readFiles } from './file-reader.js';
import { quoteIdent } from '../core/sql-text.js';

const fx = fileFixture('glob-names');

// DuckDB's readers take a path as a glob; a landing file named like one must still be read alone.
const NAMES = ['g*.csv', 'g1.csv', 'a[1].csv', 'a1.csv', 'what?.csv', 'whatX.csv', 'with space.csv', "it's.csv", 'q"d.csv', 'ünï €.csv'];

test('a file whose name holds glob characters, quotes or spaces is read exactly, alone', async () => {
  for (const name of NAMES) fx.file(name, `id,name\n1,${name.replaceAll('"', '')}\n`);
  for (const name of NAMES) {
    const result = await readFiles(fx.engine, [`${fx.dir}/${name}`]);
    try {
      const rows = await fx.engine.all<{ name: string }>(`SELECT name FROM ${quoteIdent(result.relation)}`);
      assert.deepEqual(rows.map((r) => r.name), [name.replaceAll('"', '')], name);
    } finally {
      await dropReadResult(fx.engine, result);
    }
  }
});

test('a Parquet file named like a glob is read alone', async () => {
  const path = (name: string) => `${fx.dir}/${name}`;
  await fx.engine.run(`COPY (SELECT 1 AS id) TO '${path('p*.parquet')}' (FORMAT parquet)`);
  await fx.engine.run(`COPY (SELECT 2 AS id) TO '${path('p2.parquet')}' (FORMAT parquet)`);
  const result = await readFiles(fx.engine, [path('p*.parquet')]);
  try {
    const rows = await fx.engine.all<{ id: number }>(`SELECT id FROM ${quoteIdent(result.relation)}`);
    assert.deepEqual(rows.map((r) => r.id), [1]);
  } finally {
    await dropReadResult(fx.engine, result);
  }
});

test('NDJSON and JSON array files named like globs are read alone', async () => {
  for (const [name, other, text] of [
    ['e*.ndjson', 'e1.ndjson', (id: number) => `{"id":${id}}\n`],
    ['r[1].json', 'r1.json', (id: number) => `[{"id":${id}}]`],
  ] as const) {
    fx.file(name, text(1));
    fx.file(other, text(2));
    const result = await readFiles(fx.engine, [`${fx.dir}/${name}`]);
    try {
      const rows = await fx.engine.all<{ id: bigint }>(`SELECT id FROM ${quoteIdent(result.relation)}`);
      assert.deepEqual(rows.map((r) => Number(r.id)), [1], name);
    } finally {
      await dropReadResult(fx.engine, result);
    }
  }
});
