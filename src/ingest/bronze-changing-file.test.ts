import assert from 'node:assert/strict';
import { appendFileSync, utimesSync } from 'node:fs';
import { test } from 'node:test';
import { withLake } from '../testing/lake.js';
import { ingestSource } from './bronze-ingest.js';
import { count, land } from '../testing/bronze.js';

test('a file that grows while it is read is not ingested half; the next run takes it whole', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/a.csv', 'id,v\n1,a\n');
    await land(lake.store, 'landing/orders/b.csv', 'id,v\n2,b\n3,c\n');
    const growing = lake.store.enginePath('landing/orders/b.csv');
    let appended = false;
    // Progress comes after each file is read and before anything is committed: the copy goes on.
    const first = await ingestSource(lake.catalog, lake.engine, 'orders', {}, {
      runId: 'r1',
      onProgress: () => {
        if (appended) return;
        appended = true;
        appendFileSync(growing, '4,d\n');
      },
    });
    assert.deepEqual(first.files.map((f) => f.path), ['landing/orders/a.csv']);
    assert.deepEqual([first.rowsIn, first.rowsWritten], [1, 1]);
    assert.deepEqual(first.incomplete, ['landing/orders/b.csv']);
    assert.match(first.warnings.join('\n'), /landing\/orders\/b\.csv: changed while it was being read .*the next run takes it/);
    assert.equal(await count(lake, 'bronze.orders'), 1);

    const settled = new Date(Date.now() - 10_000);
    utimesSync(growing, settled, settled);
    const second = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r2' });
    assert.deepEqual([second.rowsIn, second.rowsWritten, second.incomplete], [3, 3, []]);
    assert.equal(await count(lake, 'bronze.orders'), 4);
  });
});

test('when every file of a batch changed under the read, nothing is committed', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/b.csv', 'id,v\n2,b\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'orders', {}, {
      runId: 'r1',
      onProgress: () => appendFileSync(lake.store.enginePath('landing/orders/b.csv'), '3,c\n'),
    });
    assert.deepEqual([r.rowsIn, r.files, r.incomplete, r.snapshotId], [0, [], ['landing/orders/b.csv'], undefined]);
    assert.equal(await lake.catalog.tableExists('bronze', 'orders'), false);
    assert.deepEqual(await lake.catalog.ingestedFiles.list('orders'), []);
  });
});
