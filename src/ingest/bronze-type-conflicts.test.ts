/** A value that does not fit the type bronze already has: a reject saying what was expected and found, never a changed value. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLake } from '../testing/lake.js';
import { ingestSource } from './bronze-ingest.js';
import { land, query } from '../testing/bronze.js';

test('values convert to the column type only when exact; the rest are rejects naming what was expected and found', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/events/a.ndjson', '{"id":1,"amount":1.5,"ok":true}\n');
    await ingestSource(lake.catalog, lake.engine, 'events', {}, { runId: 'r1' });
    await land(
      lake.store,
      'landing/events/b.ndjson',
      [
        '{"id":"five","amount":2,"ok":false}',
        '{"id":7.5,"amount":2,"ok":false}',
        '{"id":"7.5","amount":2,"ok":false}',
        '{"id":true,"amount":2,"ok":false}',
        '{"id":"6","amount":2,"ok":false}',
        '{"id":7.0,"amount":2,"ok":false}',
        '{"id":8,"amount":true,"ok":false}',
        '{"id":9,"amount":2,"ok":1}',
        '{"id":10,"amount":"2.5","ok":"true"}',
      ].join('\n'),
    );
    const r = await ingestSource(lake.catalog, lake.engine, 'events', {}, { runId: 'r2' });
    assert.equal(r.rowsIn, r.rowsWritten + r.rowsRejected);
    const landed = await query(lake, `SELECT id, amount, ok FROM bronze.events WHERE _source_file LIKE '%b.ndjson' ORDER BY _source_line`);
    assert.deepEqual(landed.map((x) => [String(x.id), x.amount, x.ok]), [['6', 2, false], ['7', 2, false], ['10', 2.5, true]]);
    const rejects = await query(lake, 'SELECT line, error FROM bronze.events_rejects ORDER BY line');
    const conflict = (column: string, type: string, found: string) => {
      const expected = { long: 'an integer', double: 'a number', boolean: 'true or false' }[type];
      return `type conflict: column ${column} is ${type} in bronze.events: expected ${expected}, found ${found}`;
    };
    assert.deepEqual(rejects.map((x) => [Number(x.line), x.error]), [
      [1, conflict('id', 'long', 'a string "five"')],
      [2, conflict('id', 'long', 'a number 7.5')],
      [3, conflict('id', 'long', 'a string "7.5"')],
      [4, conflict('id', 'long', 'a boolean true')],
      [7, conflict('amount', 'double', 'a boolean true')],
      [8, conflict('ok', 'boolean', 'a number 1')],
    ]);
  });
});

test('a file none of whose rows fit: each row is a reject with its own value', async () => {
  await withLake(async (lake) => {
    await land(lake.store, 'landing/orders/a.ndjson', '{"id":1}\n');
    await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' });
    await land(lake.store, 'landing/orders/b.ndjson', '{"id":"A-1","extra":1}\n{"id":"A-2","extra":2}\n');
    const r = await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r2' });
    assert.deepEqual([r.rowsWritten, r.rowsRejected, r.newColumns], [0, 2, []]);
    const rejects = await query(lake, 'SELECT line, error FROM bronze.orders_rejects ORDER BY line');
    assert.deepEqual(rejects.map((x) => x.error), [
      'type conflict: column id is long in bronze.orders: expected an integer, found a string "A-1"',
      'type conflict: column id is long in bronze.orders: expected an integer, found a string "A-2"',
    ]);
  });
});
