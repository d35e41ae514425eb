import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLake, type Lake } from '../../testing/lake.js';

const rowsOf = async (lake: Lake, sql: string): Promise<unknown[][]> => (await lake.sql.execute(sql)).rows;

test('merge-on-read DELETE and UPDATE write position delete files that queries apply', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t PARTITIONED BY (bucket(4, id)) AS SELECT i AS id, 'v' || i AS v FROM range(40) t(i)`);
    await lake.sql.execute(`ALTER TABLE a.t SET TBLPROPERTIES ('write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read')`);
    const before = (await (await lake.catalog.loadTable('a', 't')).planFiles()).files.map((f) => f.filePath).sort();
    const del = await lake.sql.execute('DELETE FROM a.t WHERE id % 5 = 0');
    assert.equal(del.message, 'deleted 8 rows from a.t');
    const upd = await lake.sql.execute(`UPDATE a.t SET v = 'changed' WHERE id IN (1, 2)`);
    assert.equal(upd.message, 'updated 2 rows in a.t');
    assert.deepEqual(await rowsOf(lake, 'SELECT count(*) FROM a.t'), [['32']]);
    assert.deepEqual(await rowsOf(lake, 'SELECT id, v FROM a.t WHERE id < 4 ORDER BY id'), [['1', 'changed'], ['2', 'changed'], ['3', 'v3']]);
    const t = await lake.catalog.loadTable('a', 't');
    const [s1, s2, s3] = t.metadata.snapshots.slice(-3);
    console.log(JSON.stringify([s1?.summary, s2?.summary, s3?.summary], null, 1));
    const after = (await t.planFiles()).files;
    assert.deepEqual(after.filter((f) => before.includes(f.filePath)).map((f) => f.filePath).sort(), before, 'no data file was removed');
  });
});
