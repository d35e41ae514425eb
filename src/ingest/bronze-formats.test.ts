import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { quoteLiteral } from '../engine/index.js';
import { withLake } from '../testing/lake.js';
import { currentSchema } from '../table/index.js';
import { typeText } from './bronze-schema.js';
import { ingestSource } from './bronze-ingest.js';
import { count, land, query } from '../testing/bronze.js';

const reconciles = (r: { rowsIn: number; rowsWritten: number; rowsRejected: number }): void =>
  assert.equal(r.rowsIn, r.rowsWritten + r.rowsRejected, 'rows in = written + rejected');

async function columnTypes(lake: Parameters<Parameters<typeof withLake>[0]>[0], table: string): Promise<string[]> {
  const t = await lake.catalog.loadTable('bronze', table);
  return currentSchema(t.metadata).fields.map((f) => `${f.name}:${typeText(f.type)}`);
}

test('NDJSON keeps nested types; a malformed line goes to rejects with its line', async () => {
  await withLake(async (lake) => {
    await land(
      lake.store,
      'landing/sensors/s1.ndjson',
      '{"device":"d1","temp":21.5,"loc":{"lat":1.5,"lon":2.5},"tags":["a"]}\n{"device":"d2","temp":22.0,\n{"device":"d3","temp":19.25,"loc":null,"tags":[]}\n',
    );
    const r = await ingestSource(lake.catalog, lake.engine, 'sensors', {}, { runId: 'r1' });
    reconciles(r);
    assert.deepEqual([r.rowsWritten, r.rowsRejected], [2, 1]);
    assert.deepEqual((await columnTypes(lake, 'sensors')).slice(0, 4), [
      'device:string', 'temp:double', 'loc:struct<lat:double,lon:double>', 'tags:list<string>',
    ]);
    const rows = await query(lake, 'SELECT device, loc.lat AS lat, _source_line FROM bronze.sensors ORDER BY device');
    assert.deepEqual(rows.map((x) => [x.device, x.lat, Number(x._source_line)]), [['d1', 1.5, 1], ['d3', null, 3]]);
    const rejects = await query(lake, 'SELECT line, raw, error FROM bronze.sensors_rejects');
    assert.deepEqual([Number(rejects[0]?.line), rejects[0]?.raw], [2, '{"device":"d2","temp":22.0,']);
    assert.match(String(rejects[0]?.error), /malformed JSON/);
  });
});

test('a JSON array, gzip CSV and NDJSON, and Parquet all land', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/customers/c.json', '[{"id":1,"name":"Ann"},{"id":2,"name":"Bo"}]');
    await land(lake.store, 'landing/payments/p.csv.gz', new Uint8Array(gzipSync('id,amount\n1,9.99\n2,5\n')));
    await land(lake.store, 'landing/events/e.ndjson.gz', new Uint8Array(gzipSync('{"id":1}\n{"id":2}\n{"id":3}\n')));
    const pq = lake.store.enginePath('landing/devices/d.parquet');
    await lake.store.put('landing/devices/d.parquet', '');
    await lake.engine.run(`COPY (SELECT range AS id, 'dev' || range AS name, DATE '2024-01-01' + range::INT AS since FROM range(3)) TO ${quoteLiteral(pq)} (FORMAT parquet)`);
    await land(lake.store, 'landing/devices/d.parquet', new Uint8Array(await lake.store.get('landing/devices/d.parquet')));

    for (const [source, rows] of [['customers', 2], ['payments', 2], ['events', 3], ['devices', 3]] as const) {
      const r = await ingestSource(lake.catalog, lake.engine, source, {}, { runId: 'r1' });
      reconciles(r);
      assert.equal(r.rowsWritten, rows, source);
      assert.equal(r.rowsRejected, 0, source);
    }
    assert.deepEqual(await query(lake, 'SELECT id, name FROM bronze.customers ORDER BY id'), [{ id: '1', name: 'Ann' }, { id: '2', name: 'Bo' }]);
    assert.deepEqual(await query(lake, 'SELECT amount FROM bronze.payments ORDER BY id'), [{ amount: '9.99' }, { amount: '5' }]);
    assert.deepEqual((await columnTypes(lake, 'devices')).slice(0, 3), ['id:long', 'name:string', 'since:date']);
    const lines = await query(lake, 'SELECT count(*) AS n FROM bronze.devices WHERE _source_line IS NULL');
    assert.equal(Number(lines[0]?.n), 3, 'Parquet rows have no line');
  });
});

test('a JSON type conflict sends that file to rejects as JSON rows; the rest of the batch loads', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/events/e1.ndjson', '{"id":1,"user":{"name":"a"}}\n');
    await ingestSource(lake.catalog, lake.engine, 'events', {}, { runId: 'r1' });
    await land(lake.store, 'landing/events/e2.ndjson', '{"id":"x-2","user":{"name":"b"}}\n{"id":"x-3","user":{"name":"c"}}\n');
    await land(lake.store, 'landing/events/e3.ndjson', '{"id":4,"user":{"name":"d"},"extra":true}\n');

    const r = await ingestSource(lake.catalog, lake.engine, 'events', {}, { runId: 'r2' });
    reconciles(r);
    assert.deepEqual([r.rowsIn, r.rowsWritten, r.rowsRejected], [3, 1, 2]);
    assert.deepEqual(r.typeConflicts, [
      { file: 'landing/events/e2.ndjson', column: 'id', detail: 'type conflict: column id is long in bronze.events, file has string' },
    ]);
    assert.deepEqual(r.newColumns, ['extra']);
    assert.deepEqual(r.files.map((f) => [f.path, f.status, f.rows, f.rejects]), [
      ['landing/events/e1.ndjson', 'already-ingested', 0, 0],
      ['landing/events/e2.ndjson', 'ingested', 0, 2],
      ['landing/events/e3.ndjson', 'ingested', 1, 0],
    ]);
    assert.deepEqual(await query(lake, 'SELECT id, extra FROM bronze.events ORDER BY id'), [{ id: '1', extra: null }, { id: '4', extra: true }]);
    const rejects = await query(lake, 'SELECT file, line, raw, error FROM bronze.events_rejects ORDER BY line');
    assert.deepEqual(rejects.map((x) => [x.file, Number(x.line), JSON.parse(String(x.raw)), x.error]), [
      ['landing/events/e2.ndjson', 1, { id: 'x-2', user: { name: 'b' } }, 'type conflict: column id is long in bronze.events: expected an integer, found a string "x-2"'],
      ['landing/events/e2.ndjson', 2, { id: 'x-3', user: { name: 'c' } }, 'type conflict: column id is long in bronze.events: expected an integer, found a string "x-3"'],
    ]);
  });
});

test('a column with no value in a file is no conflict; numbers widen where Iceberg allows', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/sensors/a.ndjson', '{"id":1,"loc":{"lat":1.5}}\n');
    await ingestSource(lake.catalog, lake.engine, 'sensors', {}, { runId: 'r1' });
    await land(lake.store, 'landing/sensors/b.ndjson', '{"id":2,"loc":null}\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'sensors', {}, { runId: 'r2' });
    assert.deepEqual([r.rowsWritten, r.rowsRejected, r.typeConflicts.length], [1, 0, 0]);
    assert.deepEqual(await query(lake, 'SELECT id, loc.lat AS lat FROM bronze.sensors ORDER BY id'), [{ id: '1', lat: 1.5 }, { id: '2', lat: null }]);
  });
});

test('nested values arriving in a text column are kept as JSON text', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/events/a.ndjson', '{"id":1,"payload":"plain"}\n');
    await ingestSource(lake.catalog, lake.engine, 'events', {}, { runId: 'r1' });
    await land(lake.store, 'landing/events/b.ndjson', '{"id":2,"payload":{"k":[1,2]}}\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'events', {}, { runId: 'r2' });
    assert.equal(r.rowsWritten, 1);
    assert.deepEqual(await query(lake, 'SELECT payload FROM bronze.events ORDER BY id'), [{ payload: 'plain' }, { payload: '{"k":[1,2]}' }]);
  });
});

test('a file of unknown format is one reject naming the file, and is not retried', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/readme.md', 'just some notes\n');
    await land(lake.store, 'landing/orders/a.csv', 'id\n1\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' });
    reconciles(r);
    assert.deepEqual([r.rowsIn, r.rowsWritten, r.rowsRejected], [2, 1, 1]);
    const rejects = await query(lake, 'SELECT file, line, error FROM bronze.orders_rejects');
    assert.equal(rejects.length, 1);
    assert.equal(rejects[0]?.file, 'landing/orders/readme.md');
    assert.equal(rejects[0]?.line, null);
    assert.match(String(rejects[0]?.error), /^landing\/orders\/readme\.md: unknown file format/);
    const again = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r2' });
    assert.equal(again.rowsIn, 0);
    assert.equal(await count(lake, 'bronze.orders_rejects'), 1);
  });
});

test('a file column named like a bronze column is kept under another name', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/a.csv', 'id,_batch_id,_source_file\n1,b7,f.csv\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' });
    assert.equal(r.rowsWritten, 1);
    const rows = await query(lake, 'SELECT id, _batch_id_2, _source_file_2, _batch_id, _source_file FROM bronze.orders');
    assert.deepEqual(rows, [{ id: '1', _batch_id_2: 'b7', _source_file_2: 'f.csv', _batch_id: 'r1', _source_file: 'landing/orders/a.csv' }]);
    assert.ok(r.warnings.some((w) => /_batch_id is a bronze column name; kept as _batch_id_2/.test(w)));
  });
});

test('a broken Parquet file goes to rejects, named by store key; an INTERVAL column lands as its text', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/devices/broken.parquet', 'not parquet at all');
    const pq = lake.store.enginePath('landing/devices/iv.parquet');
    await lake.store.put('landing/devices/iv.parquet', '');
    await lake.engine.run(`COPY (SELECT 1 AS id, INTERVAL 1 DAY AS every) TO ${quoteLiteral(pq)} (FORMAT parquet)`);
    await land(lake.store, 'landing/devices/iv.parquet', new Uint8Array(await lake.store.get('landing/devices/iv.parquet')));
    const r = await ingestSource(lake.catalog, lake.engine, 'devices', {}, { runId: 'r1' });
    reconciles(r);
    assert.deepEqual([r.rowsWritten, r.rowsRejected], [1, 1]);
    const rejects = await query(lake, 'SELECT file, line, raw, error FROM bronze.devices_rejects ORDER BY file');
    assert.deepEqual(rejects.map((x) => [x.file, x.line, x.raw]), [['landing/devices/broken.parquet', null, null]]);
    assert.match(String(rejects[0]?.error), /^cannot read Parquet: .*landing\/devices\/broken\.parquet/);
    assert.ok(!String(rejects[0]?.error).includes(lake.dir), 'no local path in the reason');
    assert.deepEqual(await query(lake, 'SELECT id, every FROM bronze.devices'), [{ id: 1, every: '1 day' }]);
  });
});

test('JSON objects whose keys differ between files merge by name: new nested fields are added, none is rejected', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/events/a.ndjson', '{"id":1,"props":{"page":"home","ms":10}}\n');
    await land(lake.store, 'landing/events/b.ndjson', '{"id":2,"props":{"sku":"S-1","page":"cart"}}\n');
    await ingestSource(lake.catalog, lake.engine, 'events', {}, { runId: 'r1' });
    const first = await ingestSource(lake.catalog, lake.engine, 'events', {}, { runId: 'r2' });
    assert.equal(first.rowsIn, 0);
    await land(lake.store, 'landing/events/c.ndjson', '{"id":3,"props":{"ms":5,"sku":"S-2","qty":2}}\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'events', {}, { runId: 'r3' });
    assert.equal(r.rowsRejected, 0);
    assert.deepEqual(r.typeConflicts, []);
    const rows = await query(lake, 'SELECT id, props.page AS page, props.sku AS sku, props.qty AS qty FROM bronze.events ORDER BY id');
    assert.deepEqual(rows, [
      { id: '1', page: 'home', sku: null, qty: null },
      { id: '2', page: 'cart', sku: 'S-1', qty: null },
      { id: '3', page: null, sku: 'S-2', qty: '2' },
    ]);
  });
});

test('values that convert to the column type load; only the rows whose value does not go to rejects', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/sensors/a.ndjson', '{"id":1,"temp":1.5}\n');
    await ingestSource(lake.catalog, lake.engine, 'sensors', {}, { runId: 'r1' });
    await land(lake.store, 'landing/sensors/b.ndjson', '{"id":2,"temp":2}\n{"id":3,"temp":"n/a"}\n{"id":4,"temp":null}\n{"id":5,"temp":"7.25"}\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'sensors', {}, { runId: 'r2' });
    reconciles(r);
    assert.deepEqual([r.rowsIn, r.rowsWritten, r.rowsRejected], [4, 3, 1]);
    assert.deepEqual(r.typeConflicts.map((c) => c.column), ['temp']);
    assert.deepEqual(r.files.map((f) => [f.status, f.rows, f.rejects]), [['already-ingested', 0, 0], ['ingested', 3, 1]]);
    assert.deepEqual(await query(lake, 'SELECT id, temp FROM bronze.sensors ORDER BY id'), [
      { id: '1', temp: 1.5 },
      { id: '2', temp: 2 },
      { id: '4', temp: null },
      { id: '5', temp: 7.25 },
    ]);
    const rejects = await query(lake, 'SELECT line, raw, error FROM bronze.sensors_rejects');
    assert.deepEqual(rejects.map((x) => [Number(x.line), JSON.parse(String(x.raw)), x.error]), [
      [2, { id: 3, temp: 'n/a' }, 'type conflict: column temp is double in bronze.sensors: expected a number, found a string "n/a"'],
    ]);
  });
});
