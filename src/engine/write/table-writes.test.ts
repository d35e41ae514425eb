import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeRows, replaceRows, replaceWhere } from './table-writes.js';
import { withLake, type Lake } from '../../testing/lake.js';

async function rows(lake: Lake, sql: string): Promise<unknown[][]> {
  return (await lake.sql.execute(sql)).rows;
}

test('mergeRows upserts by key and rewrites only files holding those keys', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE s.t AS SELECT * FROM (VALUES (1, \'a\'), (2, \'b\')) v(id, v)');
    await lake.sql.execute("INSERT INTO s.t VALUES (10, 'x')");
    const table = await lake.catalog.loadTable('s', 't');
    await lake.engine.run("CREATE TEMP TABLE src AS SELECT * FROM (VALUES (2::BIGINT, 'B'), (3::BIGINT, 'c')) v(id, v)");
    await mergeRows(lake.engine, table, lake.store, 'src', ['id']);
    assert.deepEqual(await rows(lake, 'SELECT id, v FROM s.t ORDER BY id'), [
      [1, 'a'],
      [2, 'B'],
      [3, 'c'],
      [10, 'x'],
    ]);
    const last = table.metadata.snapshots.at(-1)!;
    assert.equal(last.summary.operation, 'overwrite');
    assert.equal(last.summary['deleted-data-files'], '1', 'the file holding id 10 was not rewritten');
  });
});

test('replaceWhere deletes matching rows and inserts in one commit; NULL predicates keep rows', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute("CREATE TABLE s.q AS SELECT * FROM (VALUES ('b1', 1), ('b2', 2), (NULL, 3)) v(batch, n)");
    const table = await lake.catalog.loadTable('s', 'q');
    const before = table.metadata.snapshots.length;
    await replaceWhere(lake.engine, table, lake.store, { where: "t.batch = 'b1'", insert: "SELECT 'b1' AS batch, 10 AS n" });
    assert.deepEqual(await rows(lake, 'SELECT batch, n FROM s.q ORDER BY n'), [
      ['b2', 2],
      [null, 3],
      ['b1', 10],
    ]);
    assert.equal(table.metadata.snapshots.length, before + 1);
  });
});

test('replaceRows swaps the whole content', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE g.m AS SELECT range AS id FROM range(5)');
    const table = await lake.catalog.loadTable('g', 'm');
    await replaceRows(lake.engine, table, lake.store, 'SELECT range + 100 AS id FROM range(2)', { summary: { 'silt.run-id': 'r1' } });
    assert.deepEqual(await rows(lake, 'SELECT id FROM g.m ORDER BY id'), [['100'], ['101']]);
    assert.equal(table.metadata.snapshots.at(-1)!.summary['silt.run-id'], 'r1');
  });
});
