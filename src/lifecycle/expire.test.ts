/** Expiry removes old snapshots in one commit, then exactly the files only they referenced. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput, NotFound } from '../errors.js';
import { referencedFiles, type Table } from '../table/index.js';
import { withLake, type Lake } from '../testing/lake.js';
import { expireSnapshots } from './expire.js';

const T = { namespace: 's', name: 't' };

async function listing(lake: Lake, table: Table): Promise<string[]> {
  return (await lake.store.list(lake.store.keyOf(table.metadata.location) + '/')).map((o) => o.key).sort();
}

async function referenced(lake: Lake, table: Table): Promise<string[]> {
  return [...(await referencedFiles(lake.store, table.metadata, table.metadataLocation))].map((u) => lake.store.keyOf(u)).sort();
}

async function rows(lake: Lake, sql: string): Promise<string[]> {
  const r = await lake.sql.execute(sql);
  return r.rows.map((row) => row.map(String).join(','));
}

/** s.t after a create, five inserts, a delete and an update (copy-on-write): eight snapshots. */
async function manySnapshots(lake: Lake): Promise<bigint[]> {
  await lake.sql.execute('CREATE TABLE s.t AS SELECT range AS id FROM range(1, 4)');
  for (let n = 4; n <= 12; n += 2) await lake.sql.execute(`INSERT INTO s.t VALUES (${n}), (${n + 1})`);
  await lake.sql.execute('DELETE FROM s.t WHERE id <= 2');
  await lake.sql.execute('UPDATE s.t SET id = 99 WHERE id = 3');
  const table = await lake.catalog.loadTable('s', 't');
  return table.metadata.snapshots.map((s) => s['snapshot-id']);
}

test('expiry keeps the last snapshot and a tagged one, removes exactly the files only the others referenced, and a dry run changes nothing', async () => {
  await withLake(async (lake) => {
    const ids = await manySnapshots(lake);
    assert.equal(ids.length, 8);
    const table = await lake.catalog.loadTable('s', 't');
    const tagged = ids[0]!;
    await table.commitChange({ requirements: [], updates: [{ action: 'set-snapshot-ref', 'ref-name': 'v1', type: 'tag', 'snapshot-id': tagged }] });
    const tagRows = await rows(lake, `SELECT id FROM s.t FOR VERSION AS OF ${tagged} ORDER BY id`);
    const currentRows = await rows(lake, 'SELECT id FROM s.t ORDER BY id');
    const before = await listing(lake, table);
    assert.deepEqual(before, await referenced(lake, table), 'no orphans to begin with');

    const dry = await expireSnapshots(lake.catalog, { tables: [T], olderThanMs: 0, retainLast: 1, dryRun: true });
    assert.deepEqual(await listing(lake, table), before, 'a dry run removes nothing');
    const location = table.metadataLocation;
    await table.refresh();
    assert.equal(table.metadataLocation, location, 'a dry run commits nothing');

    const result = await expireSnapshots(lake.catalog, { tables: [T], olderThanMs: 0, retainLast: 1 });
    const [t] = result.tables;
    await table.refresh();
    const kept = table.metadata.snapshots.map((s) => s['snapshot-id']);
    assert.deepEqual(new Set(kept), new Set([ids[7], tagged]), 'the last one and the tagged one stay');
    assert.deepEqual(new Set(t!.snapshotsExpired), new Set(ids.filter((id) => !kept.includes(id)).map(String)));
    assert.equal(table.metadata.refs['v1']?.['snapshot-id'], tagged, 'the tag survives');
    assert.deepEqual(t!.removed, dry.tables[0]!.removed, 'the dry run listed what expiry removed');

    const after = await listing(lake, table);
    const needed = await referenced(lake, table);
    assert.deepEqual(after.filter((k) => !needed.includes(k)), [], 'every file left is referenced');
    assert.deepEqual(needed.filter((k) => !after.includes(k)), [], 'no referenced file was removed');
    assert.deepEqual(t!.removed, before.filter((k) => !after.includes(k)).sort(), 'what it reports is what went');
    assert.ok(t!.removed.some((k) => k.endsWith('.parquet')), 'the data file only an expired snapshot read went (the DELETE\'s, which the UPDATE rewrote)');
    assert.ok(t!.removed.some((k) => k.includes('/snap-')), 'their manifest lists went');

    assert.deepEqual(await rows(lake, 'SELECT id FROM s.t ORDER BY id'), currentRows);
    assert.deepEqual(await rows(lake, `SELECT id FROM s.t FOR VERSION AS OF ${tagged} ORDER BY id`), tagRows, 'time travel to a kept snapshot works');
    const gone = ids[3]!;
    await assert.rejects(lake.sql.execute(`SELECT * FROM s.t FOR VERSION AS OF ${gone}`), (e: unknown) => {
      assert.ok(e instanceof NotFound, String(e));
      assert.match(e.message, new RegExp(`snapshot ${gone} of s\\.t was expired`));
      return true;
    });
  });
});

test('age decides by default: nothing younger than 5 days goes, and past that all but the current one (and what refs keep)', async () => {
  await withLake(async (lake) => {
    const ids = await manySnapshots(lake);
    const table = await lake.catalog.loadTable('s', 't');
    await table.commitChange({ requirements: [], updates: [{ action: 'set-snapshot-ref', 'ref-name': 'old', type: 'tag', 'snapshot-id': ids[0]!, 'max-ref-age-ms': 86_400_000 }] });
    const none = await expireSnapshots(lake.catalog, { tables: [T] });
    assert.deepEqual(none.tables[0]!.snapshotsExpired, [], 'every snapshot is younger than 5 days');
    const later = Date.now() + 6 * 86_400_000;
    const r = await expireSnapshots(lake.catalog, { tables: [T], nowMs: later });
    assert.deepEqual(r.tables[0]!.refsRemoved, ['old'], 'a tag past its max-ref-age-ms goes');
    await table.refresh();
    assert.deepEqual(table.metadata.snapshots.map((s) => s['snapshot-id']), [ids[7]], 'only the current snapshot stays');
  });
});

test('table properties set the defaults; bad options, bad properties and unknown tables are refused by name', async () => {
  await withLake(async (lake) => {
    const ids = await manySnapshots(lake);
    const table = await lake.catalog.loadTable('s', 't');
    await table.setProperties({ 'history.expire.max-snapshot-age-ms': '0', 'history.expire.min-snapshots-to-keep': '3' });
    await expireSnapshots(lake.catalog, { tables: [T] });
    await table.refresh();
    assert.deepEqual(table.metadata.snapshots.map((s) => s['snapshot-id']), ids.slice(5), 'min-snapshots-to-keep 3 kept three');

    await assert.rejects(expireSnapshots(lake.catalog, { tables: [T], retainLast: 0 }), (e: unknown) => e instanceof InvalidInput && /--retain-last must be a whole number of 1 or more/.test(e.message));
    await assert.rejects(expireSnapshots(lake.catalog, { tables: [T], olderThanMs: -1 }), (e: unknown) => e instanceof InvalidInput && /--older-than/.test(e.message));
    await assert.rejects(expireSnapshots(lake.catalog, { tables: [{ namespace: 's', name: 'nope' }] }), (e: unknown) => e instanceof NotFound && /s\.nope/.test(e.message));
    await table.setProperties({ 'history.expire.min-snapshots-to-keep': 'lots' });
    await assert.rejects(expireSnapshots(lake.catalog, { tables: [T] }), (e: unknown) => {
      assert.ok(e instanceof InvalidInput, String(e));
      assert.match(e.message, /^expire: s\.t: table property history\.expire\.min-snapshots-to-keep is "lots", not a whole number/);
      return true;
    });
  });
});

test('expiry racing a writer loses no commit and deletes no file a snapshot it keeps (or the writer made) references', async () => {
  await withLake(async (lake) => {
    await manySnapshots(lake);
    const table = await lake.catalog.loadTable('s', 't');
    const writes = (async () => {
      for (let n = 200; n < 206; n++) await lake.sql.execute(`INSERT INTO s.t VALUES (${n})`);
    })();
    const expiries = (async () => {
      for (let i = 0; i < 3; i++) await expireSnapshots(lake.catalog, { tables: [T], olderThanMs: 0, retainLast: 1 });
    })();
    await Promise.all([writes, expiries]);
    await table.refresh();
    const after = await listing(lake, table);
    assert.deepEqual((await referenced(lake, table)).filter((k) => !after.includes(k)), [], 'every referenced file is there');
    assert.deepEqual(await rows(lake, 'SELECT id FROM s.t WHERE id >= 200 ORDER BY id'), ['200', '201', '202', '203', '204', '205'], 'every insert is there');
  });
});
