import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { quoteLiteral } from '../engine/index.js';
import { withLake } from '../testing/lake.js';
import { InvalidInput } from '../errors.js';
import { ingestSource } from './bronze-ingest.js';
import { loadFiles } from './load.js';
import { count, land, query } from '../testing/bronze.js';

const csv = `id,v\n${Array.from({ length: 5000 }, (_, i) => `${i},value ${i}`).join('\n')}\n`;

test('a cut gzip file, a UTF-16 file and a bad header are rejected whole, the batch lands, and none is retried', async () => {
  await withLake(async (lake) => {
    const gz = new Uint8Array(gzipSync(csv));
    await land(lake.store, 'landing/orders/good.csv', 'id,v\n1,a\n2,b\n');
    await land(lake.store, 'landing/orders/cut.csv.gz', gz.subarray(0, gz.length >> 1));
    await land(lake.store, 'landing/orders/empty.csv.gz', '');
    await land(lake.store, 'landing/orders/wide.csv', new Uint8Array([0xff, 0xfe, ...Buffer.from('id,v\n3,c\n', 'utf16le')]));
    await land(lake.store, 'landing/orders/open.csv', '"id,v\n4,d\n');
    const first = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' });
    assert.deepEqual([first.rowsIn, first.rowsWritten, first.rowsRejected], [6, 2, 4]);
    assert.deepEqual(await query(lake, 'SELECT id FROM bronze.orders ORDER BY id'), [{ id: '1' }, { id: '2' }]);
    const rejects = await query(lake, 'SELECT file, line, error FROM bronze.orders_rejects ORDER BY file');
    assert.deepEqual(rejects.map((r) => [r.file, r.line]), [
      ['landing/orders/cut.csv.gz', null],
      ['landing/orders/empty.csv.gz', null],
      ['landing/orders/open.csv', null],
      ['landing/orders/wide.csv', null],
    ]);
    const errors = rejects.map((r) => String(r.error));
    assert.match(errors[0] ?? '', /^landing\/orders\/cut\.csv\.gz: the gzip data ends early: the file was cut short/);
    assert.match(errors[1] ?? '', /the file is empty, so not gzip data/);
    assert.match(errors[2] ?? '', /line 1 \(the header\) opens a quote that is never closed/);
    assert.match(errors[3] ?? '', /UTF-16 LE encoded .*save it as UTF-8/);
    for (const e of errors) assert.doesNotMatch(e, /\/tmp|silt-engine/, 'errors name the store key, not a local path');

    const again = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r2' });
    assert.deepEqual([again.rowsIn, again.files.every((f) => f.status === 'already-ingested')], [0, true]);
    assert.equal(await count(lake, 'bronze.orders_rejects'), 4, 'a rejected file is not retried on every run');
  });
});

test('a Parquet file with a damaged data page is rejected whole; the other files of its batch land', async () => {
  await withLake(async (lake) => {
    const key = 'landing/devices/bad.parquet';
    await lake.store.put(key, '');
    await lake.engine.run(`COPY (SELECT range AS id, 'name ' || range AS name FROM range(200000)) TO ${quoteLiteral(lake.store.enginePath(key))} (FORMAT parquet)`);
    const damaged = new Uint8Array(await lake.store.get(key));
    // Scramble the data pages, not the footer: DuckDB still reads the schema and the row count.
    for (let i = 1000; i < damaged.length - 4096; i += 3) damaged[i] = ((damaged[i] ?? 0) * 7 + 13) % 256;
    await land(lake.store, key, damaged);
    await land(lake.store, 'landing/devices/good.ndjson', '{"id":1,"name":"ok"}\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'devices', {}, { runId: 'r1' });
    assert.deepEqual([r.rowsIn, r.rowsWritten, r.rowsRejected], [2, 1, 1]);
    const rejects = await query(lake, 'SELECT file, error FROM bronze.devices_rejects');
    assert.equal(rejects[0]?.file, key);
    assert.match(String(rejects[0]?.error), /^cannot read Parquet: .*landing\/devices\/bad\.parquet/);
  });
});

test('an empty landing file is rejected whole by ingest, and refused by load, in the same words', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/good.csv', 'id,v\n1,a\n');
    await land(lake.store, 'landing/orders/empty.csv', '');
    await land(lake.store, 'landing/orders/blank.csv', '\n  \n');
    const run = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' });
    assert.deepEqual([run.rowsWritten, run.rowsRejected], [1, 2]);
    const rejects = await query(lake, 'SELECT file, line, error FROM bronze.orders_rejects ORDER BY file');
    assert.deepEqual(rejects.map((r) => [r.file, r.line]), [['landing/orders/blank.csv', null], ['landing/orders/empty.csv', null]]);
    for (const r of rejects) assert.match(String(r.error), new RegExp(`^${String(r.file)}: the file is empty \\(no header, no records\\)`));

    const empty = path.join(lake.dir, 'empty.csv');
    await writeFile(empty, '');
    await assert.rejects(
      loadFiles(lake.catalog, lake.engine, [empty], { into: 'raw.orders' }),
      (e: Error) => e instanceof InvalidInput && e.message.startsWith(`load: ${empty}: the file is empty (no header, no records)`),
    );
  });
});
