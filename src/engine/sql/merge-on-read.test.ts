/**
 * Merge-on-read: tables with position and equality delete files (what Spark and Trino write in
 * that mode, and what Silt's DELETE/UPDATE write when the table asks) read with those rows gone,
 * in the scope the spec gives each delete file.
 */
import assert from 'node:assert/strict';
import { rm, stat, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EnvironmentFault, InvalidInput } from '../../errors.js';
import { referencedFiles, type DataFile, type PartitionValue, type Table } from '../../table/index.js';
import { commitEqualityDeletes, withLake, type Lake } from '../../testing/lake.js';
import { quoteLiteral } from '../core/index.js';

const rowsOf = async (lake: Lake, sql: string): Promise<unknown[][]> => (await lake.sql.execute(sql)).rows;
const MOR = `SET TBLPROPERTIES ('write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read')`;

test('merge-on-read DELETE and UPDATE add position delete files and remove no data file; queries and time travel apply them', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t PARTITIONED BY (bucket(4, id)) AS SELECT i AS id, 'v' || i AS v FROM range(40) t(i)`);
    await lake.sql.execute(`ALTER TABLE a.t ${MOR}`);
    const table = await lake.catalog.loadTable('a', 't');
    const created = table.metadata['current-snapshot-id']!;
    const before = (await table.planFiles()).files.map((f) => f.filePath).sort();

    assert.equal((await lake.sql.execute('DELETE FROM a.t WHERE id % 5 = 0')).message, 'deleted 8 rows from a.t');
    assert.equal((await lake.sql.execute(`UPDATE a.t SET v = 'changed' WHERE id IN (1, 2, 5)`)).message, 'updated 2 rows in a.t', 'row 5 is already deleted');
    assert.deepEqual(await rowsOf(lake, 'SELECT count(*), count(DISTINCT id) FROM a.t'), [['32', '32']]);
    assert.deepEqual(await rowsOf(lake, 'SELECT id, v FROM a.t WHERE id < 6 ORDER BY id'), [['1', 'changed'], ['2', 'changed'], ['3', 'v3'], ['4', 'v4']]);
    assert.deepEqual(await rowsOf(lake, `SELECT count(*) FROM a.t FOR VERSION AS OF ${created}`), [['40']], 'time travel reads the deletes of that snapshot: none');

    await table.refresh();
    const [deleted, updated] = table.metadata.snapshots.slice(-2).map((s) => s.summary);
    assert.equal(deleted!.operation, 'delete');
    assert.equal(deleted!['added-data-files'], '0');
    assert.equal(deleted!['deleted-data-files'], '0');
    assert.equal(deleted!['added-position-deletes'], '8');
    assert.equal(deleted!['total-position-deletes'], '8');
    assert.equal(deleted!['added-delete-files'], deleted!['total-delete-files']);
    assert.equal(updated!.operation, 'overwrite');
    assert.equal(updated!['added-data-files'], '1');
    assert.equal(updated!['added-position-deletes'], '2');
    assert.equal(updated!['total-position-deletes'], '10');
    const after = (await table.planFiles()).files;
    assert.deepEqual(after.map((f) => f.filePath).filter((p) => before.includes(p)).sort(), before, 'every data file stays');
    const deleteFiles = after.flatMap((f) => f.deletes?.files.map((d) => d.file.filePath) ?? []);
    assert.equal(new Set(deleteFiles).size, 4, 'one position delete file per data file touched: 3 by the DELETE, 1 by the UPDATE');
    const kept = await referencedFiles(lake.store, table.metadata, table.metadataLocation);
    assert.ok(deleteFiles.every((p) => kept.has(p)), 'vacuum keeps the delete files');

    // Copy-on-write again on top: the rewritten files leave out the rows deleted before.
    await lake.sql.execute(`ALTER TABLE a.t UNSET TBLPROPERTIES ('write.delete.mode')`);
    assert.equal((await lake.sql.execute('DELETE FROM a.t WHERE id = 3')).message, 'deleted 1 row from a.t');
    assert.deepEqual(await rowsOf(lake, 'SELECT count(*) FROM a.t'), [['31']]);
    await table.refresh();
    assert.equal(table.metadata.snapshots.at(-1)!.summary.operation, 'overwrite', 'a copy-on-write delete that rewrites files is an overwrite');
  });
});

test('an equality delete removes matching rows (NULL matching NULL) of older data files only, never rows appended after it', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t AS SELECT i AS id, CASE WHEN i = 9 THEN NULL ELSE 'k' || (i % 3) END AS k FROM range(10) t(i)`);
    const table = await lake.catalog.loadTable('a', 't');
    const before = table.metadata['current-snapshot-id']!;
    // field ids: id 1, k 2
    await commitEqualityDeletes(lake, table, `SELECT * FROM (VALUES ('k1'), (NULL)) v(k)`, { k: 2 });
    assert.deepEqual(await rowsOf(lake, 'SELECT id FROM a.t ORDER BY id'), [['0'], ['2'], ['3'], ['5'], ['6'], ['8']]);
    await lake.sql.execute(`INSERT INTO a.t VALUES (100, 'k1'), (101, NULL)`);
    assert.deepEqual(await rowsOf(lake, 'SELECT id FROM a.t WHERE id >= 100 ORDER BY id'), [['100'], ['101']], 'rows appended after the delete stay');
    assert.deepEqual(await rowsOf(lake, `SELECT count(*) FROM a.t FOR VERSION AS OF ${before}`), [['10']]);
    await table.refresh();
    const summary = table.metadata.snapshots.at(-2)!.summary;
    assert.equal(summary.operation, 'delete');
    assert.equal(summary['added-equality-deletes'], '2');
    assert.equal(summary['total-equality-deletes'], '2');

    // Several columns: a row goes only when all of them match.
    await commitEqualityDeletes(lake, table, `SELECT * FROM (VALUES (0, 'k0'), (2, 'k0')) v(id, k)`, { id: 1, k: 2 });
    assert.deepEqual(await rowsOf(lake, 'SELECT id FROM a.t ORDER BY id'), [['2'], ['3'], ['5'], ['6'], ['8'], ['100'], ['101']]);
  });
});

test('an equality delete of a partitioned spec applies in its own partition only', async () => {
  await withLake(async (lake) => {
    // Columns named like the reader's own (seq, scope) are the table's to use.
    await lake.sql.execute(`CREATE TABLE a.p PARTITIONED BY (region) AS SELECT * FROM (VALUES (1, 'eu', 'x'), (2, 'us', 'x'), (3, 'eu', 'x'), (1, 'us', 'x')) v(seq, region, scope)`);
    const table = await lake.catalog.loadTable('a', 'p');
    await commitEqualityDeletes(lake, table, `SELECT 1 AS seq, 'x' AS scope`, { seq: 1, scope: 3 }, { specId: 0, partition: ['eu'] });
    assert.deepEqual(await rowsOf(lake, 'SELECT seq, region FROM a.p ORDER BY region, seq'), [[3, 'eu'], [1, 'us'], [2, 'us']]);
  });
});

test('a position delete file covering several data files, without bounds (partition granularity), removes exactly its rows', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE a.t AS SELECT range AS id FROM range(5)');
    await lake.sql.execute('INSERT INTO a.t SELECT range + 10 AS id FROM range(5)');
    const table = await lake.catalog.loadTable('a', 't');
    const uri = `${table.metadata.location}/data/pos-delete.parquet`;
    const rows = (await table.planFiles()).files.flatMap((f) => [`(${quoteLiteral(f.filePath)}, 1)`, `(${quoteLiteral(f.filePath)}, 3)`]);
    await lake.engine.run(`COPY (SELECT * FROM (VALUES ${rows.join(', ')}) v(file_path, pos) ORDER BY file_path, pos) TO ${quoteLiteral(fileURLToPath(uri))} ` +
      '(FORMAT parquet, FIELD_IDS {file_path: 2147483546, pos: 2147483545})');
    const file: DataFile = {
      content: 1, filePath: uri, fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 4, fileSizeInBytes: (await stat(fileURLToPath(uri))).size,
    };
    await table.commitWith(table.rowDeltaChange(async () => ({ data: [], deletes: [file] })));
    await lake.sql.execute('INSERT INTO a.t SELECT range + 20 AS id FROM range(5)');
    assert.deepEqual((await rowsOf(lake, 'SELECT id FROM a.t ORDER BY id')).map((r) => Number(r[0])), [0, 2, 4, 10, 12, 14, 20, 21, 22, 23, 24]);
  });
});

test('a filtered query reads only the files that may match, each with only the delete files that apply to it', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t PARTITIONED BY (bucket(8, id)) AS SELECT i AS id, i * 2 AS v FROM range(800) t(i)`);
    await lake.sql.execute(`ALTER TABLE a.t ${MOR}`);
    await lake.sql.execute('DELETE FROM a.t WHERE id % 100 = 7');
    const one = await lake.sql.execute('SELECT id, v FROM a.t WHERE id IN (7, 8)');
    assert.deepEqual(one.rows, [['8', '16']]);
    assert.ok(one.stats.files_scanned <= 2, `scanned ${one.stats.files_scanned} of ${one.stats.files_total}`);
    assert.equal(one.stats.files_total, 8);
    const plan = await (await lake.catalog.loadTable('a', 't')).planFiles({ filter: { op: '=', column: 'id', value: 7 } });
    assert.equal(plan.files.length, 1);
    assert.equal(plan.files[0]!.deletes?.files.length, 1, 'the delete file of that data file, not of the others');
    assert.equal((await lake.sql.execute('SELECT count(*) FROM a.t')).rows[0]![0], '792');
  });
});

test('a missing or damaged delete file fails the query naming the table and the file', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE ops.e AS SELECT range AS id FROM range(10)`);
    await lake.sql.execute(`ALTER TABLE ops.e ${MOR}`);
    await lake.sql.execute('DELETE FROM ops.e WHERE id = 3');
    const [f] = (await (await lake.catalog.loadTable('ops', 'e')).planFiles()).files;
    const del = fileURLToPath(f!.deletes!.files[0]!.file.filePath);
    const size = (await stat(del)).size;

    await writeFile(del, new Uint8Array(size).fill(7)); // same size, not Parquet
    await assert.rejects(lake.sql.execute('SELECT count(*) FROM ops.e'), (e: unknown) => {
      assert.ok(e instanceof EnvironmentFault, String(e));
      assert.match(e.message, /ops\.e/);
      assert.ok(e.message.includes(del), e.message);
      assert.match(e.message, /damaged/);
      return true;
    });
    await rm(del);
    await assert.rejects(lake.sql.execute('SELECT count(*) FROM ops.e'), (e: unknown) => {
      assert.ok(e instanceof EnvironmentFault, String(e));
      assert.match(e.message, /ops\.e/);
      assert.match(e.message, /position delete file \S+ is missing/);
      assert.ok(e.message.includes(f!.deletes!.files[0]!.file.filePath), e.message);
      return true;
    });
  });
});

test('a table with a column named file_row_number is refused for position deletes, naming the column and what to do', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE a.c AS SELECT range AS id, range AS file_row_number FROM range(10)');
    await lake.sql.execute(`ALTER TABLE a.c ${MOR}`);
    await assert.rejects(lake.sql.execute('DELETE FROM a.c WHERE id = 3'), (e: unknown) => {
      assert.ok(e instanceof InvalidInput, String(e));
      assert.match(e.message, /^table a\.c: its column file_row_number .* copy-on-write/);
      return true;
    });
    assert.deepEqual(await rowsOf(lake, 'SELECT count(*) FROM a.c'), [['10']]);
  });
});
