/** Many small manifests become few in one replace commit; every reader sees the same rows. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManifestReader } from '../table/table-io.js';
import { currentSnapshot, type Table } from '../table/index.js';
import { withLake, type Lake } from '../testing/lake.js';
import { rewriteManifests } from './rewrite-manifests.js';

const T = { namespace: 's', name: 't' };

async function manifestsOf(lake: Lake, table: Table) {
  return new ManifestReader(lake.store, 's.t').manifests(currentSnapshot(table.metadata)!);
}

async function rows(lake: Lake, sql: string): Promise<string[]> {
  return (await lake.sql.execute(sql)).rows.map((r) => r.map(String).join(','));
}

test('rewrite-manifests folds twelve appends\' manifests (and the delete files\' ones) into one each, with the same rows, entries and sequence numbers', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute("CREATE TABLE s.t AS SELECT range AS id, 'a' AS v FROM range(0, 3)");
    await lake.sql.execute("ALTER TABLE s.t SET TBLPROPERTIES ('write.delete.mode' = 'merge-on-read')");
    for (let n = 1; n <= 11; n++) await lake.sql.execute(`INSERT INTO s.t VALUES (${n * 10}, 'b'), (${n * 10 + 1}, 'c')`);
    await lake.sql.execute('DELETE FROM s.t WHERE id = 10');
    await lake.sql.execute('DELETE FROM s.t WHERE id = 21');
    const table = await lake.catalog.loadTable('s', 't');
    const before = await manifestsOf(lake, table);
    const plan = async () => (await table.planFiles()).files.map((f) => `${f.filePath} ${f.deletes?.dataSequenceNumber ?? ""} ${f.deletes?.files.map((d) => d.file.filePath).join('+') ?? ''}`).sort();
    const filesBefore = await plan();
    const seqBefore = (await table.liveEntries()).map((e) => `${e.dataFile.filePath}@${e.sequenceNumber}/${e.fileSequenceNumber}/${e.snapshotId}`).sort();
    const all = await rows(lake, 'SELECT id, v FROM s.t ORDER BY id');
    assert.equal(before.length, 14);

    const dry = await rewriteManifests(lake.catalog, { tables: [T], dryRun: true });
    assert.deepEqual(dry, [{ table: 's.t', replaced: 14, created: 2, kept: 0 }]);
    assert.equal((await manifestsOf(lake, await lake.catalog.loadTable('s', 't'))).length, 14, 'a dry run commits nothing');

    const [r] = await rewriteManifests(lake.catalog, { tables: [T] });
    assert.deepEqual(r, { table: 's.t', replaced: 14, created: 2, kept: 0 });
    await table.refresh();
    const snap = currentSnapshot(table.metadata)!;
    assert.equal(snap.summary.operation, 'replace');
    const after = await manifestsOf(lake, table);
    assert.deepEqual(after.map((m) => m.content).sort(), [0, 1], 'one data manifest, one delete manifest');
    assert.ok(after.every((m) => m.addedFilesCount === 0 && m.existingFilesCount > 0), 'entries are EXISTING');
    assert.deepEqual(await plan(), filesBefore, 'the same files, with the same delete files');
    assert.deepEqual((await table.liveEntries()).map((e) => `${e.dataFile.filePath}@${e.sequenceNumber}/${e.fileSequenceNumber}/${e.snapshotId}`).sort(), seqBefore, 'sequence numbers and snapshot ids kept');
    assert.deepEqual(await rows(lake, 'SELECT id, v FROM s.t ORDER BY id'), all);
    assert.equal(snap.summary['total-records'], currentSnapshot({ ...table.metadata, 'current-snapshot-id': snap['parent-snapshot-id']! })!.summary['total-records']);

    const again = await rewriteManifests(lake.catalog, { tables: [T] });
    assert.deepEqual(again, [{ table: 's.t', replaced: 0, created: 0, kept: 0 }], 'nothing left to rewrite');
  });
});
