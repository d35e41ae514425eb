/** Landing far larger than DuckDB's memory limit ingests whole, in batches the limit can hold. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLake } from '../testing/lake.js';
import { ingestSource } from './bronze-ingest.js';
import { count, land, snapshots } from '../testing/bronze.js';

const FILES = 8;
const ROWS = 120_000;

function orders(file: number): string {
  const lines = ['order_id,customer_id,order_ts,status,amount,email'];
  for (let i = 0; i < ROWS; i++) {
    lines.push(`o-${file}-${i},c-${i % 9973},2026-05-${String(1 + (i % 28)).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00Z,shipped,${(i % 1000) / 10},user${i}@example.com`);
  }
  return `${lines.join('\n')}\n`;
}

test('CSV landing several times the memory limit lands every row, one batch per quarter of the limit', async () => {
  await withLake(
    async (lake) => {
      let bytes = 0;
      for (let f = 1; f <= FILES; f++) {
        const text = orders(f);
        bytes += text.length;
        await land(lake.store, `landing/orders/o${f}.csv`, text);
      }
      assert.ok(bytes > 64 * 2 ** 20, `${bytes} bytes of landing`);
      const r = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'big' });
      assert.deepEqual([r.rowsIn, r.rowsWritten, r.rowsRejected], [FILES * ROWS, FILES * ROWS, 0]);
      assert.equal(await count(lake, 'bronze.orders'), FILES * ROWS);
      assert.ok((await snapshots(lake, 'bronze', 'orders')) > 1, 'more than one batch');
    },
    { threads: 2, memoryLimit: '48MiB' },
  );
});
