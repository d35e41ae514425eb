import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from '../engine/index.js';
import { CommitConflict } from '../errors.js';
import { withLake } from '../testing/lake.js';
import { openRejectsTable, RejectStage, replaceRejects } from './bronze-rejects.js';
import { ingestSource } from './bronze-ingest.js';
import { count, land, query, snapshots } from '../testing/bronze.js';
import { landingStatus } from './landing-status.js';

const crash = (): never => {
  throw new Error('simulated crash');
};

test('a crash between the bronze commit and the ledger: the next run restores the ledger and adds nothing', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/a.csv', 'id,name\n1,alice\n2,bob,x\n');
    await land(lake.store, 'landing/orders/b.csv', 'id,name\n3,carol\n');
    await assert.rejects(
      ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1', interrupt: { afterBronze: crash } }),
      /simulated crash/,
    );
    assert.deepEqual(await lake.catalog.ingestedFiles.list('orders'), [], 'the crash came before the ledger write');
    assert.equal(await count(lake, 'bronze.orders'), 2);
    const status = await landingStatus(lake.catalog, { orders: {} });
    assert.deepEqual(status.map((s) => s.status), ['done', 'done'], 'status reads the bronze snapshots too');

    const rerun = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r2' });
    assert.deepEqual(rerun.files.map((f) => f.status), ['already-ingested', 'already-ingested']);
    assert.equal(rerun.rowsIn, 0);
    assert.equal(await count(lake, 'bronze.orders'), 2);
    assert.equal(await count(lake, 'bronze.orders_rejects'), 1);
    assert.equal(await snapshots(lake, 'bronze', 'orders'), 1);

    const ledger = await lake.catalog.ingestedFiles.list('orders');
    assert.deepEqual(ledger.map((f) => [f.path, f.size, f.rows, f.rejects, f.batchId]).sort(), [
      ['landing/orders/a.csv', 24, 1, 1, 'r1'],
      ['landing/orders/b.csv', 16, 1, 0, 'r1'],
    ]);
  });
});

test('a crash between the rejects commit and the bronze commit: the rerun replaces those rejects, never doubles them', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/a.csv', 'id,name\n1,alice\n2,bob,x\n3\n');
    await assert.rejects(
      ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1', interrupt: { afterRejects: crash } }),
      /simulated crash/,
    );
    assert.equal(await count(lake, 'bronze.orders_rejects'), 2);
    assert.equal(await count(lake, 'bronze.orders'), 0);

    const rerun = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r2' });
    assert.deepEqual([rerun.rowsIn, rerun.rowsWritten, rerun.rowsRejected], [3, 1, 2]);
    assert.deepEqual(await query(lake, 'SELECT line, batch_id FROM bronze.orders_rejects ORDER BY line'), [
      { line: '3', batch_id: 'r2' },
      { line: '4', batch_id: 'r2' },
    ]);
    assert.equal(await count(lake, 'bronze.orders'), 1);
  });
});

test('committing rejects again for the same fingerprints replaces them and keeps the others', async () => {
  await withLake(async (lake) => {
    const table = await openRejectsTable(lake.catalog, 'bronze', 'x_rejects');
    const commit = async (fingerprint: string, batch: string, n: number): Promise<void> => {
      const stage = await RejectStage.open(lake.engine, batch, '2024-05-01T00:00:00Z');
      try {
        const rejects = Array.from({ length: n }, (_, i) => ({ file: `${fingerprint}.csv`, line: i + 2, column: null, raw: `bad ${i}`, error: 'oops' }));
        await stage.addRejects(rejects, fingerprint);
        await replaceRejects(lake.catalog, lake.engine, table, [fingerprint], {}, stage);
      } finally {
        await stage.drop();
      }
    };
    await commit('aaa', 'b1', 2);
    await commit('bbb', 'b1', 1);
    await commit('aaa', 'b2', 3);
    const rows = await query(lake, 'SELECT fingerprint, batch_id, count(*) AS n FROM bronze.x_rejects GROUP BY ALL ORDER BY ALL');
    assert.deepEqual(rows.map((r) => [r.fingerprint, r.batch_id, Number(r.n)]), [['aaa', 'b2', 3], ['bbb', 'b1', 1]]);

    // Nothing to add and nothing to replace: no commit.
    const before = (await table.refresh()).snapshots.length;
    await commit('ccc', 'b3', 0);
    assert.equal((await table.refresh()).snapshots.length, before);
  });
});

test('an ingest that commits the same files first makes the slower one stop without loading them', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/a.csv', 'id,name\n1,x\n2,y,z\n');
    const other = await Engine.open({ threads: 1 });
    try {
      const slow = ingestSource(lake.catalog, lake.engine, 'orders', {}, {
        runId: 'slow',
        interrupt: {
          afterRejects: async () => {
            const fast = await ingestSource(lake.catalog, other, 'orders', {}, { runId: 'fast' });
            assert.equal(fast.rowsWritten, 1);
          },
        },
      });
      await assert.rejects(slow, (e: unknown) => e instanceof CommitConflict && /^ingest: orders: landing\/orders\/a\.csv was ingested by another run meanwhile/.test(e.message));
    } finally {
      other.close();
    }
    assert.deepEqual(await query(lake, 'SELECT id, _batch_id FROM bronze.orders'), [{ id: '1', _batch_id: 'fast' }]);
    assert.deepEqual(await query(lake, 'SELECT line, batch_id FROM bronze.orders_rejects'), [{ line: '3', batch_id: 'fast' }]);
  });
});

// Two ingests that both sort out the same files before either commits: the loser's append is
// refused inside its commit attempt (checkNotTaken in bronze-batch.ts).
test('two ingests of one source at once never load a file twice', async () => {
  await withLake(async (lake) => {
    for (const n of [1, 2, 3]) await land(lake.store, `landing/orders/o${n}.csv`, `id,name\n${n},x\n${n + 10},y\n`);
    const other = await Engine.open({ threads: 1 });
    try {
      const results = await Promise.allSettled([
        ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'a' }),
        ingestSource(lake.catalog, other, 'orders', {}, { runId: 'b' }),
      ]);
      for (const r of results) {
        if (r.status === 'rejected') assert.match(String(r.reason), /CommitConflict: ingest: orders: .* was ingested by another run meanwhile/);
      }
      assert.ok(results.some((r) => r.status === 'fulfilled'));
    } finally {
      other.close();
    }
    assert.equal(await count(lake, 'bronze.orders'), 6);
    const rerun = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'c' });
    assert.equal(rerun.rowsIn, 0);
    assert.equal(await count(lake, 'bronze.orders'), 6);
  });
});
