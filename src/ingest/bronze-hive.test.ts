/** Hive folders (`year=2026/month=11/`) in landing paths become bronze columns, in plain and spread ingest. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { quoteLiteral } from '../engine/index.js';
import { withLake, type Lake } from '../testing/lake.js';
import { count, land, query } from '../testing/bronze.js';
import { currentSchema } from '../table/index.js';
import { ingestSource, spreadSource } from './bronze-ingest.js';
import { stageTask } from './bronze-stage.js';
import type { SourceConfig } from './source-config.js';

async function columnTypes(lake: Lake, table: string): Promise<Record<string, unknown>> {
  const [ns, name] = table.split('.') as [string, string];
  return Object.fromEntries(currentSchema((await lake.catalog.loadTable(ns, name)).metadata).fields.map((f) => [f.name, f.type]));
}

async function landOrders(lake: Lake): Promise<void> {
  await land(lake.store, 'landing/orders/year=2026/month=11/a.csv', 'id,amount\n1,10\n2,20\n');
  await land(lake.store, 'landing/orders/year=2026/month=12/b.csv', 'id,amount\n3,30\n');
  await land(lake.store, 'landing/orders/region=eu%20west/year=2025/month=01/c.csv', 'id,amount\n4,40\n');
  await land(lake.store, 'landing/orders/d.csv', 'id,amount\n5,50\n');
}

const ROWS = 'SELECT id, amount, year, month, region FROM bronze.orders ORDER BY id';
const EXPECTED = [
  ['1', '10', '2026', '11', null],
  ['2', '20', '2026', '11', null],
  ['3', '30', '2026', '12', null],
  ['4', '40', '2025', '1', 'eu west'],
  ['5', '50', null, null, null],
];
const asRows = (rows: Record<string, unknown>[]) => rows.map((r) => [r['id'], r['amount'], r['year'], r['month'], r['region']].map((v) => (v === null ? null : String(v))));

test('key=value folders become bronze columns: integers when every value is one, text otherwise, NULL for files outside them', async () => {
  await withLake(async (lake) => {
    await landOrders(lake);
    const r = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' });
    assert.deepEqual([r.rowsWritten, r.rowsRejected], [5, 0]);
    assert.deepEqual(asRows(await query(lake, ROWS)), EXPECTED);
    const types = await columnTypes(lake, 'bronze.orders');
    assert.deepEqual([types['year'], types['month'], types['region']], ['long', 'long', 'string']);

    // A later folder whose value is not an integer, under a key bronze holds as integers: its rows are rejects naming the column.
    await land(lake.store, 'landing/orders/year=unknown/e.csv', 'id,amount\n6,60\n');
    const again = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r2' });
    assert.deepEqual([again.rowsIn, again.rowsWritten, again.rowsRejected], [1, 0, 1]);
    const [reject] = await query(lake, 'SELECT file, error FROM bronze.orders_rejects');
    assert.equal(reject!['file'], 'landing/orders/year=unknown/e.csv');
    assert.match(String(reject!['error']), /year/);
  });
});

test('a key with a value that is not an integer is text; hive_columns: false keeps the path out of the rows', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/events/day=2026-11-01/a.json', '{"id": 1}\n');
    await land(lake.store, 'landing/events/day=7/b.json', '{"id": 2}\n');
    await land(lake.store, 'landing/events/day=__HIVE_DEFAULT_PARTITION__/c.json', '{"id": 3}\n');
    await ingestSource(lake.catalog, lake.engine, 'events', {}, { runId: 'r1' });
    assert.deepEqual((await query(lake, 'SELECT id, day FROM bronze.events ORDER BY id')).map((r) => [Number(r['id']), r['day']]), [[1, '2026-11-01'], [2, '7'], [3, null]]);
    assert.equal((await columnTypes(lake, 'bronze.events'))['day'], 'string');

    // Parquet too: DuckDB's own reading of the path does not add the folder columns twice.
    const local = path.join(lake.dir, 'a.parquet');
    await lake.engine.run(`COPY (SELECT 1 AS id, 'x' AS v) TO ${quoteLiteral(local)} (FORMAT parquet)`);
    await land(lake.store, 'landing/pq/year=2026/a.parquet', new Uint8Array(await readFile(local)));
    await ingestSource(lake.catalog, lake.engine, 'pq', {}, { runId: 'r1' });
    assert.deepEqual((await query(lake, 'SELECT id, v, year FROM bronze.pq')).map((r) => [Number(r['id']), r['v'], Number(r['year'])]), [[1, 'x', 2026]]);

    await land(lake.store, 'landing/plain/year=2026/a.json', '{"id": 1}\n');
    await ingestSource(lake.catalog, lake.engine, 'plain', { hive_columns: false }, { runId: 'r1' });
    assert.equal('year' in (await columnTypes(lake, 'bronze.plain')), false);
  });
});

test('a file with its own column named as a folder key is rejected whole, naming both; a rerun changes nothing', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/year=2026/a.csv', 'id,amount\n1,10\n');
    await land(lake.store, 'landing/orders/year=2026/b.csv', 'id,Year\n2,2025\n3,2024\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' });
    assert.deepEqual([r.rowsIn, r.rowsWritten, r.rowsRejected], [3, 1, 2]);
    const rejects = await query(lake, 'SELECT file, line, raw, error FROM bronze.orders_rejects ORDER BY line');
    assert.deepEqual(rejects.map((x) => [x['file'], Number(x['line']), x['raw']]), [
      ['landing/orders/year=2026/b.csv', 2, '{"id":"2","Year":"2025"}'],
      ['landing/orders/year=2026/b.csv', 3, '{"id":"3","Year":"2024"}'],
    ]);
    assert.match(String(rejects[0]!['error']), /the file has a column Year and its folder year=2026 gives a column year too; rename the column or the folder, or set hive_columns: false on sources\.orders/);
    const rerun = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r2' });
    assert.deepEqual([rerun.rowsIn, await count(lake, 'bronze.orders'), await count(lake, 'bronze.orders_rejects')], [0, 1, 2]);
  });
});

test('spread ingest (tasks staged apart, committed by the run) gives the same folder columns', async () => {
  await withLake(async (lake) => {
    await landOrders(lake);
    const source: SourceConfig = {};
    const r = await spreadSource(lake.catalog, lake.engine, 'orders', source, {
      runId: 'r1',
      filesPerTask: 1,
      runTasks: async (tasks) => {
        for (const t of tasks) await stageTask(lake.catalog, lake.engine, source, t, { jobId: `job-${t.seq}`, worker: 'here' });
      },
    });
    assert.equal(r.tasks.length, 3);
    assert.deepEqual(asRows(await query(lake, ROWS)), EXPECTED);
  });
});
