/**
 * Compaction: many small files and merge-on-read deletes become a few files holding exactly the
 * live rows, in one `replace` commit; writers committing meanwhile lose nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSize } from '../config/index.js';
import { CommitConflict, InvalidInput, NotFound } from '../errors.js';
import { commitEqualityDeletes, withLake, type Lake } from '../testing/lake.js';
import { writeDataFiles } from '../engine/index.js';
import { currentSchema, referencedFiles, type DataFile, type Table } from '../table/index.js';
import { compactTables, type CompactOptions } from './compact.js';

const rowsOf = async (lake: Lake, sql: string): Promise<unknown[][]> => (await lake.sql.execute(sql)).rows;
const ALL = 'SELECT id, region, v FROM a.t ORDER BY id, region, v';
const MOR = `ALTER TABLE a.t SET TBLPROPERTIES ('write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read')`;

/**
 * a.t partitioned by region (3 partitions), `inserts` commits of 3 rows each (one file per
 * partition each), then position deletes (DELETE and UPDATE) and an equality delete, and a row
 * appended after the equality delete that matches it (it must stay).
 */
async function smallFilesTable(lake: Lake, inserts: number): Promise<Table> {
  await lake.sql.execute(`CREATE TABLE a.t (id BIGINT, region VARCHAR, v VARCHAR) PARTITIONED BY (region)`);
  const created = await lake.catalog.loadTable('a', 't');
  const m = created.metadata;
  // One file per id and region, as `inserts` commits of one row per region would leave them: one
  // COPY partitioned by region and id, each file then recorded in its region's partition alone.
  const spec = m['partition-specs'][0]!;
  const byId = { ...spec, fields: [...spec.fields, { 'source-id': 1, 'field-id': 1001, name: 'id', transform: 'identity' }] };
  const written = await writeDataFiles(lake.engine, {
    selectSql: `SELECT i AS id, r AS region, left(r, 1) || i AS v FROM range(${inserts}) t(i), (VALUES ('eu'), ('us'), ('apac')) x(r)`,
    schema: currentSchema(m), spec: byId, store: lake.store, tableLocation: m.location, tableProperties: m.properties,
  });
  const files: DataFile[] = written.map((f) => ({ ...f, partition: f.partition.slice(0, 1) }));
  await created.append(files);
  await lake.sql.execute(MOR);
  await lake.sql.execute(`DELETE FROM a.t WHERE id % 7 = 0 AND region <> 'apac'`);
  await lake.sql.execute(`UPDATE a.t SET v = 'changed' WHERE id % 10 = 3`);
  const table = await lake.catalog.loadTable('a', 't');
  // field ids: id 1, region 2, v 3
  await commitEqualityDeletes(lake, table, `SELECT * FROM (VALUES ('a5'), ('a6')) v(v)`, { v: 3 }, { specId: 0, partition: ['apac'] });
  await lake.sql.execute(`INSERT INTO a.t VALUES (1000, 'apac', 'a5')`);
  await table.refresh();
  return table;
}

async function compact(lake: Lake, opts: CompactOptions = {}) {
  return compactTables({ catalog: lake.catalog, engine: lake.engine }, opts);
}

test('hundreds of small files with position and equality deletes compact into one file per partition holding exactly the live rows', async () => {
  await withLake(async (lake) => {
    const table = await smallFilesTable(lake, 100);
    const before = await rowsOf(lake, ALL);
    const planned = await table.planFiles();
    assert.ok(planned.files.length >= 300, `${planned.files.length} data files before`);
    assert.ok(planned.files.some((f) => f.deletes?.files.some((d) => d.file.content === 1)), 'position deletes apply');
    assert.ok(planned.files.some((f) => f.deletes?.files.some((d) => d.file.content === 2)), 'the equality delete applies');
    assert.ok(before.some((r) => r[0] === '1000' && r[2] === 'a5'), 'the row appended after the equality delete is there');
    const snapshotBefore = table.metadata['current-snapshot-id']!;

    const dry = await compact(lake, { dryRun: true });
    await table.refresh();
    assert.equal(table.metadata['current-snapshot-id'], snapshotBefore, 'a dry run commits nothing');
    const plan = dry.tables[0]!;
    assert.deepEqual(plan.partitions.map((p) => p.partition), ['region=apac', 'region=eu', 'region=us']);
    assert.equal(plan.partitions.reduce((n, p) => n + p.dataFiles, 0), planned.files.length);
    assert.ok(plan.partitions.every((p) => p.outputFiles === 1));
    assert.equal(plan.snapshotId, undefined);

    const progress: number[] = [];
    const done = (await compact(lake, { onProgress: (p) => progress.push(p.filesDone) })).tables[0]!;
    assert.deepEqual(await rowsOf(lake, ALL), before, 'the same rows, row for row');
    assert.equal(done.dataFilesRemoved, planned.files.length);
    assert.equal(done.dataFilesAdded, 3);
    assert.equal(done.rowsWritten, before.length);
    assert.equal(progress.at(-1), planned.files.length);

    await table.refresh();
    const after = await table.planFiles();
    assert.equal(after.files.length, 3, 'one file per partition');
    assert.deepEqual(after.files.filter((f) => f.deletes), [], 'no delete applies to the new files');
    assert.deepEqual(after.files.map((f) => f.partition).sort(), [['apac'], ['eu'], ['us']]);
    const snapshot = table.metadata.snapshots.at(-1)!;
    assert.equal(snapshot['snapshot-id'], done.snapshotId);
    assert.equal(snapshot.summary.operation, 'replace');
    assert.equal(snapshot.summary['total-data-files'], '3');
    assert.equal(snapshot.summary['total-delete-files'], '0', 'every delete file is folded in and removed');
    assert.equal(snapshot.summary['total-position-deletes'], '0');
    assert.equal(snapshot.summary['total-equality-deletes'], '0');
    assert.equal(snapshot.summary['total-records'], String(before.length));
    assert.equal(snapshot['sequence-number'], table.metadata['last-sequence-number']);
    const entries = await table.liveEntries();
    assert.ok(entries.every((e) => e.sequenceNumber === snapshot['sequence-number']), 'the new files carry the new sequence number');
    const apac = after.files.find((f) => f.partition[0] === 'apac')!;
    assert.equal(apac.recordCount, before.filter((r) => r[1] === 'apac').length, 'record counts are the live rows');
    assert.ok(apac.lowerBounds?.get(1) && apac.upperBounds?.get(1), 'column bounds are recorded');

    assert.deepEqual(await rowsOf(lake, `SELECT id, region, v FROM a.t FOR VERSION AS OF ${snapshotBefore} ORDER BY id, region, v`), before, 'time travel reads the old files');
    // Rows appended after the equality delete still stay: it is gone, and the rewritten row with it.
    await lake.sql.execute(`INSERT INTO a.t VALUES (2000, 'apac', 'a6')`);
    assert.deepEqual(await rowsOf(lake, `SELECT id FROM a.t WHERE v = 'a6' ORDER BY id`), [['2000']]);

    const again = (await compact(lake)).tables[0]!;
    assert.deepEqual(again.partitions.map((p) => [p.partition, p.dataFiles]), [['region=apac', 2]], 'only the partition with a new small file is compacted again');
    assert.deepEqual(await rowsOf(lake, `SELECT id FROM a.t WHERE v = 'a6' ORDER BY id`), [['2000']]);
  });
});

test('an append committed while compaction writes is kept: the compaction rebases on it', async () => {
  await withLake(async (lake) => {
    const table = await smallFilesTable(lake, 10);
    const before = await rowsOf(lake, ALL);
    const done = await compact(lake, {
      beforeCommit: async () => {
        await lake.sql.execute(`INSERT INTO a.t VALUES (500, 'eu', 'raced')`);
      },
    });
    assert.ok(done.tables[0]!.snapshotId !== undefined);
    const rows = await rowsOf(lake, ALL);
    assert.deepEqual(rows, [...before, ['500', 'eu', 'raced']].sort(byRow));
    await table.refresh();
    assert.equal((await table.planFiles()).files.length, 4, 'three compacted files and the raced one');
  });
});

test('a delete committed while compaction writes is never undone: the compaction conflicts, plans again and folds it in', async () => {
  await withLake(async (lake) => {
    await smallFilesTable(lake, 10);
    let raced = 0;
    const done = await compact(lake, {
      beforeCommit: async () => {
        if (raced++ === 0) await lake.sql.execute(`DELETE FROM a.t WHERE id = 4`);
      },
    });
    assert.equal(raced, 2, 'the first attempt conflicted and the table was compacted again');
    assert.deepEqual(await rowsOf(lake, 'SELECT count(*) FROM a.t WHERE id = 4'), [['0']]);
    assert.ok(done.tables[0]!.snapshotId !== undefined);
  });
});

test('a table another writer keeps deleting from fails with a conflict naming it and what to do', async () => {
  await withLake(async (lake) => {
    await smallFilesTable(lake, 4);
    let id = 1;
    await assert.rejects(
      compact(lake, { beforeCommit: async () => void (await lake.sql.execute(`DELETE FROM a.t WHERE id = ${id++}`)) }),
      (e: unknown) => e instanceof CommitConflict && /compact a\.t: another commit deleted rows of .* run silt compact again/.test(e.message),
    );
    assert.equal(id, 4, 'three tries');
    const table = await lake.catalog.loadTable('a', 't');
    const kept = await referencedFiles(lake.store, table.metadata, table.metadataLocation);
    const data = (await lake.store.list('')).filter((o) => o.key.includes('/data/')).map((o) => lake.store.uri(o.key));
    assert.deepEqual(data.filter((uri) => !kept.has(uri)), [], 'the files written by failed attempts are removed');
  });
});

test('--sort-by writes each partition in that order; a bad column, a bad size and an unknown table are refused by name', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.s (id BIGINT, k VARCHAR)`);
    for (const id of [5, 3, 9, 1]) await lake.sql.execute(`INSERT INTO a.s VALUES (${id}, 'x')`);
    await compact(lake, { sortBy: ['id'] });
    const table = await lake.catalog.loadTable('a', 's');
    const [file] = (await table.planFiles()).files;
    const path = await lake.store.engineFiles([lake.store.keyOf(file!.filePath)]);
    assert.deepEqual(await lake.engine.allJson(`SELECT id::INT AS id FROM read_parquet('${path[0]}')`), [{ id: 1 }, { id: 3 }, { id: 5 }, { id: 9 }]);

    await assert.rejects(compact(lake, { tables: [{ namespace: 'a', name: 's' }], sortBy: ['nope'] }), (e: unknown) =>
      e instanceof InvalidInput && e.message.includes('compact a.s: --sort-by names "nope", which is not a column of the table (columns: id, k)'));
    await assert.rejects(compact(lake, { tables: [{ namespace: 'a', name: 'missing' }] }), (e: unknown) => e instanceof NotFound && e.message.includes('a.missing'));
    await table.setProperties({ 'write.target-file-size-bytes': 'big' });
    await assert.rejects(compact(lake, { tables: [{ namespace: 'a', name: 's' }] }), (e: unknown) =>
      e instanceof InvalidInput && e.message.includes(`compact a.s: its property write.target-file-size-bytes is "big"`));
    assert.throws(() => parseSize('12 parsecs', 'compact: --target-size'), /compact: --target-size expects a size such as 64MB, 128MiB or 1GB, found "12 parsecs"/);
    assert.throws(() => parseSize('0', 'compact: --target-size'), InvalidInput);
    assert.equal(parseSize('128MiB', 'x'), 128 * 2 ** 20);
    assert.equal(parseSize('64MB', 'x'), 64e6);
    assert.equal(parseSize('4096', 'x'), 4096);
  });
});

function byRow(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (i === 0 && Number.isFinite(nx) && Number.isFinite(ny)) return nx - ny;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}
