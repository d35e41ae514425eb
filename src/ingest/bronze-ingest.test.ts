import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLake } from '../testing/lake.js';
import { InvalidInput } from '../errors.js';
import { currentSchema } from '../table/index.js';
import { ingestSource } from './bronze-ingest.js';
import { SUMMARY_BATCH, SUMMARY_FINGERPRINTS } from './bronze-ledger.js';
import { count, land, query, snapshots } from '../testing/bronze.js';
import { landingStatus } from './landing-status.js';

test('CSV lands as text with bronze columns; a ragged line goes to rejects with its line and reason', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/a.csv', 'id,name,amount\n1,alice,10.50\n2,bob,20,extra\n3,carol,007\n');
    await land(lake.store, 'landing/orders/b.csv', 'id,name,amount\n4,dave,40\n');
    const progress: { files: number; rows: number; bytes: number }[] = [];
    const r = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'run-1', onProgress: (p) => progress.push(p) });

    assert.equal(r.table, 'bronze.orders');
    assert.deepEqual([r.rowsIn, r.rowsWritten, r.rowsRejected], [4, 3, 1]);
    assert.deepEqual(r.files.map((f) => [f.path, f.status, f.rows, f.rejects]), [
      ['landing/orders/a.csv', 'ingested', 2, 1],
      ['landing/orders/b.csv', 'ingested', 1, 0],
    ]);
    assert.deepEqual(progress.map((p) => [p.files, p.rows]), [[1, 3], [2, 4]]);
    assert.equal(progress.at(-1)?.bytes, r.bytesRead);
    assert.ok(r.bytesWritten > 0 && r.snapshotId !== undefined);

    const table = await lake.catalog.loadTable('bronze', 'orders');
    const schema = currentSchema(table.metadata);
    assert.deepEqual(schema.fields.map((f) => `${f.name}:${String(f.type)}`), [
      'id:string', 'name:string', 'amount:string',
      '_ingested_at:timestamptz', '_source_file:string', '_source_line:long', '_batch_id:string',
    ]);
    const spec = table.metadata['partition-specs'].find((s) => s['spec-id'] === table.metadata['default-spec-id']);
    assert.deepEqual(spec?.fields.map((f) => f.transform), ['day']);

    // Text is kept as written: "007" and "10.50" are not numbers yet; silver types them.
    const rows = await query(lake, 'SELECT id, amount, _source_file, _source_line, _batch_id FROM bronze.orders ORDER BY id');
    assert.deepEqual(rows.map((x) => [x.id, x.amount, x._source_file, Number(x._source_line), x._batch_id]), [
      ['1', '10.50', 'landing/orders/a.csv', 2, 'run-1'],
      ['3', '007', 'landing/orders/a.csv', 4, 'run-1'],
      ['4', '40', 'landing/orders/b.csv', 2, 'run-1'],
    ]);
    const times = await query(lake, 'SELECT count(DISTINCT _ingested_at) AS n FROM bronze.orders');
    assert.equal(Number(times[0]?.n), 1, 'one _ingested_at per batch');

    const rejects = await query(lake, 'SELECT file, line, raw, error, fingerprint, batch_id FROM bronze.orders_rejects');
    assert.equal(rejects.length, 1);
    assert.deepEqual([rejects[0]?.file, Number(rejects[0]?.line), rejects[0]?.raw, rejects[0]?.batch_id], ['landing/orders/a.csv', 3, '2,bob,20,extra', 'run-1']);
    assert.match(String(rejects[0]?.error), /expected 3 columns, found 4/);
    assert.equal(rejects[0]?.fingerprint, r.files[0]?.fingerprint);
  });
});

test('one run makes one bronze snapshot naming every file; the ledger records them', async () => {
  await withLake(async (lake) => {
    for (const n of [1, 2, 3]) await land(lake.store, `landing/orders/o${n}.csv`, `id\n${n}\n`);
    const r = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' });
    const table = await lake.catalog.loadTable('bronze', 'orders');
    assert.equal(table.metadata.snapshots.length, 1);
    const summary = table.metadata.snapshots[0]!.summary;
    assert.equal(summary[SUMMARY_BATCH], 'r1');
    assert.deepEqual(summary[SUMMARY_FINGERPRINTS]?.split(','), r.files.map((f) => f.fingerprint));
    const ledger = await lake.catalog.ingestedFiles.list('orders');
    assert.deepEqual(ledger.map((f) => [f.path, f.rows, f.rejects, f.snapshotId]).sort(), [
      ['landing/orders/o1.csv', 1, 0, r.snapshotId],
      ['landing/orders/o2.csv', 1, 0, r.snapshotId],
      ['landing/orders/o3.csv', 1, 0, r.snapshotId],
    ]);
  });
});

test('the same file twice adds nothing, and neither does the same content under another name', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/a.csv', 'id,name\n1,alice\n2,bob\n');
    await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' });
    const again = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r2' });
    assert.deepEqual(again.files.map((f) => f.status), ['already-ingested']);
    assert.deepEqual([again.rowsIn, again.rowsWritten, again.snapshotId], [0, 0, undefined]);

    await land(lake.store, 'landing/orders/copy-of-a.csv', 'id,name\n1,alice\n2,bob\n');
    const copy = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r3' });
    assert.deepEqual(copy.files.map((f) => [f.path, f.status]), [
      ['landing/orders/a.csv', 'already-ingested'],
      ['landing/orders/copy-of-a.csv', 'already-ingested'],
    ]);
    assert.equal(await count(lake, 'bronze.orders'), 2);
    assert.equal(await snapshots(lake, 'bronze', 'orders'), 1);

    // A file rewritten in place with new content is new again.
    await land(lake.store, 'landing/orders/a.csv', 'id,name\n1,alice\n2,bob\n3,carol\n');
    const changed = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r4' });
    assert.deepEqual([changed.rowsWritten, await count(lake, 'bronze.orders')], [3, 5]);
  });
});

test('hidden, partial and temporary files are left alone; a file still being modified waits; landingStatus shows them', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/a.csv', 'id\n1\n');
    await land(lake.store, 'landing/orders/.hidden.csv', 'id\n2\n');
    await land(lake.store, 'landing/orders/.orders_0002.csv.partial', 'id\n3\n');
    await land(lake.store, 'landing/orders/b.csv.partial', 'id\n4\n');
    await land(lake.store, 'landing/orders/c.csv.tmp', 'id\n5\n');
    await land(lake.store, 'landing/orders/_SUCCESS', '');
    await land(lake.store, 'landing/orders_old/x.csv', 'id\n7\n');
    await land(lake.store, 'landing/orders/d.csv', 'id\n6\n', 0);
    await land(lake.store, 'landing/orders/e.csv', 'id\n8\n', 0);

    const before = await landingStatus(lake.catalog, { orders: {} });
    assert.deepEqual(before.map((e) => [e.path, e.status]), [
      ['landing/orders/a.csv', 'pending'],
      ['landing/orders/b.csv.partial', 'incomplete'],
      ['landing/orders/c.csv.tmp', 'incomplete'],
      ['landing/orders/d.csv', 'incomplete'],
      ['landing/orders/e.csv', 'incomplete'],
      ['landing/orders_old/x.csv', 'unclaimed'],
      ['landing/orders/.hidden.csv', 'ignored'],
      ['landing/orders/.orders_0002.csv.partial', 'ignored'],
      ['landing/orders/_SUCCESS', 'ignored'],
    ]);
    // d.csv was just copied and settles; e.csv is still being written while ingest waits.
    const writer = setTimeout(() => void land(lake.store, 'landing/orders/e.csv', 'id\n8\n9\n', 0), 700);
    const r = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' }).finally(() => clearTimeout(writer));
    assert.deepEqual(r.files.map((f) => f.path), ['landing/orders/a.csv', 'landing/orders/d.csv']);
    assert.deepEqual(r.incomplete, ['landing/orders/b.csv.partial', 'landing/orders/c.csv.tmp', 'landing/orders/e.csv']);
    assert.deepEqual(await query(lake, 'SELECT id FROM bronze.orders ORDER BY id'), [{ id: '1' }, { id: '6' }]);

    const after = new Map((await landingStatus(lake.catalog, { orders: {} })).map((e) => [e.path, e]));
    assert.equal(after.get('landing/orders/a.csv')?.status, 'done');
    assert.equal(after.get('landing/orders/a.csv')?.size, 5);
    assert.equal(after.get('landing/orders/d.csv')?.status, 'done');
    assert.equal(after.get('landing/orders/b.csv.partial')?.status, 'incomplete');
    assert.notEqual(after.get('landing/orders/e.csv')?.status, 'done');
  });
});

test('a new column evolves the bronze schema; earlier rows read it as NULL', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/a.csv', 'id,name\n1,alice\n');
    await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' });
    await land(lake.store, 'landing/orders/b.csv', 'id,name,coupon\n2,bob,SPRING\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r2' });
    assert.deepEqual(r.newColumns, ['coupon']);
    const rows = await query(lake, 'SELECT id, coupon, _batch_id FROM bronze.orders ORDER BY id');
    assert.deepEqual(rows, [
      { id: '1', coupon: null, _batch_id: 'r1' },
      { id: '2', coupon: 'SPRING', _batch_id: 'r2' },
    ]);
    assert.equal(await snapshots(lake, 'bronze', 'orders'), 2, 'schema change and rows in one commit');
  });
});

test('a source path, table, format and delimiter from the config are used', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/shop/exports/x.txt', 'id;city\n1;Paris, TX\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'shop', { path: 'shop/exports/', table: 'raw.shop_orders', format: 'csv', delimiter: ';' }, { runId: 'r1' });
    assert.equal(r.table, 'raw.shop_orders');
    assert.deepEqual(await query(lake, 'SELECT id, city FROM raw.shop_orders'), [{ id: '1', city: 'Paris, TX' }]);
    assert.equal(await count(lake, 'raw.shop_orders_rejects'), 0);
  });
});

test('a bad source name or run id is refused, naming it', async () => {
  await withLake(async (lake) => {
    await assert.rejects(
      ingestSource(lake.catalog, lake.engine, 'Web Events', {}, { runId: 'r1' }),
      (e: unknown) => e instanceof InvalidInput && /^ingest: source name "Web Events"/.test(e.message),
    );
    await assert.rejects(
      ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: ' ' }),
      (e: unknown) => e instanceof InvalidInput && /^ingest: orders: a run id is required/.test(e.message),
    );
  });
});

test('files an earlier attempt of the same run committed count as this run ingesting them; other runs skip them', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/a.csv', 'id\n1\n2\nx,y\n');
    await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'run-1' });
    await land(lake.store, 'landing/orders/b.csv', 'id\n3\n');
    await land(lake.store, 'landing/orders/copy-of-a.csv', 'id\n1\n2\nx,y\n');
    // The step, run again within run-1 (say alone, after running out of memory beside others).
    const again = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'run-1' });
    assert.deepEqual(again.files.map((f) => [f.path, f.status, f.rows, f.rejects]), [
      ['landing/orders/a.csv', 'ingested', 2, 1],
      ['landing/orders/b.csv', 'ingested', 1, 0],
      ['landing/orders/copy-of-a.csv', 'already-ingested', 0, 0],
    ]);
    assert.deepEqual([again.rowsIn, again.rowsWritten, again.rowsRejected], [4, 3, 1]);
    assert.equal(await count(lake, 'bronze.orders'), 3, 'nothing ingested twice');
    const later = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'run-2' });
    assert.deepEqual([later.rowsIn, later.rowsWritten, later.rowsRejected], [0, 0, 0]);
    assert.ok(later.files.every((f) => f.status === 'already-ingested'));
  });
});
