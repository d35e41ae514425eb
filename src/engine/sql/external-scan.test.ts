import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import type { ExternalColumn, ExternalFormat } from '../../catalog/index.js';
import { withLake, type Lake } from '../../testing/lake.js';

async function put(file: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
}

/** Registers files already on disk as an external table, as the crawler would. */
async function register(
  lake: Lake,
  name: string,
  location: string,
  format: ExternalFormat,
  columns: ExternalColumn[],
  files: string[],
  options: Record<string, string> = {},
): Promise<void> {
  await lake.catalog.externalTables.save({
    namespace: 'ext',
    name,
    location,
    format,
    options,
    schema: { columns, changes: [] },
    upsertFiles: files.map((p) => ({ path: p, size: 1, modifiedMs: 0, partition: '', addedMs: 0 })),
    removeFiles: [],
    nowMs: 0,
  });
}

const rows = async (lake: Lake, sql: string): Promise<unknown[][]> => (await lake.sql.execute(sql)).rows;

test('external CSV: files at mixed depths, gzip, a recorded column no file has, cast to recorded types', async () => {
  await withLake(async (lake) => {
    const loc = path.join(lake.dir, 'csv');
    await put(path.join(loc, 'root.csv'), 'id,v\n1,10\n');
    await put(path.join(loc, 'k=a/x.csv.gz'), new Uint8Array(gzipSync('id,v\n2,20\n')));
    await put(path.join(loc, 'k=b/y.csv'), 'id,v,extra\n3,30,z\n');
    await register(
      lake,
      't',
      loc,
      'csv',
      [
        { name: 'id', type: 'INTEGER' },
        { name: 'v', type: 'DOUBLE' },
        { name: 'gone', type: 'DATE' },
        { name: 'k', type: 'VARCHAR', partition: true },
      ],
      ['root.csv', 'k=a/x.csv.gz', 'k=b/y.csv'],
      { delim: ',', header: 'true' },
    );
    const result = await lake.sql.execute('SELECT * FROM ext.t ORDER BY id');
    assert.deepEqual(result.columns, [
      { name: 'id', type: 'INTEGER' },
      { name: 'v', type: 'DOUBLE' },
      { name: 'gone', type: 'DATE' },
      { name: 'k', type: 'VARCHAR' },
    ]);
    assert.deepEqual(result.rows, [[1, 10, null, null], [2, 20, null, 'a'], [3, 30, null, 'b']]);
    assert.deepEqual(await rows(lake, `SELECT id FROM ext.t WHERE k = 'b'`), [[3]]);
  });
});

test('external TSV, JSON (arrays and NDJSON together) and Parquet with hive partitions', async () => {
  await withLake(async (lake) => {
    const tsv = path.join(lake.dir, 'tsv');
    await put(path.join(tsv, 'a.tsv'), 'id\tname\n1\tx, y\n');
    await register(lake, 'tabs', tsv, 'tsv', [{ name: 'id', type: 'BIGINT' }, { name: 'name', type: 'VARCHAR' }], ['a.tsv']);
    assert.deepEqual(await rows(lake, 'SELECT * FROM ext.tabs'), [['1', 'x, y']]);

    const json = path.join(lake.dir, 'json');
    await put(path.join(json, 'a.ndjson'), '{"id":1,"tags":{"k":"v"}}\n');
    await put(path.join(json, 'b.json'), '[{"id":2}]');
    await register(lake, 'docs', json, 'json', [{ name: 'id', type: 'BIGINT' }, { name: 'tags', type: 'STRUCT(k VARCHAR)' }], ['a.ndjson', 'b.json']);
    assert.deepEqual(await rows(lake, 'SELECT id, tags.k FROM ext.docs ORDER BY id'), [['1', 'v'], ['2', null]]);

    const pq = path.join(lake.dir, 'pq');
    await fs.mkdir(path.join(pq, 'dt=2024-01-05'), { recursive: true });
    await lake.engine.run(`COPY (SELECT 7 AS n) TO '${path.join(pq, 'dt=2024-01-05', 'f.parquet')}' (FORMAT parquet)`);
    await register(lake, 'pq', pq, 'parquet', [{ name: 'n', type: 'BIGINT' }, { name: 'dt', type: 'DATE', partition: true }], ['dt=2024-01-05/f.parquet']);
    const r = await lake.sql.execute('SELECT n, dt FROM ext.pq');
    assert.deepEqual(r.columns.map((c) => c.type), ['BIGINT', 'DATE']);
    assert.deepEqual(r.rows, [['7', '2024-01-05']]);
  });
});

test('an external table with no files reads as empty with its columns', async () => {
  await withLake(async (lake) => {
    await register(lake, 'empty', path.join(lake.dir, 'none'), 'csv', [{ name: 'a', type: 'BIGINT' }], []);
    const r = await lake.sql.execute('SELECT * FROM ext.empty');
    assert.deepEqual(r.columns, [{ name: 'a', type: 'BIGINT' }]);
    assert.deepEqual(r.rows, []);
  });
});
