import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { withLake } from '../testing/lake.js';
import { ingestSource } from './bronze-ingest.js';
import { land } from '../testing/bronze.js';
import { landingStatus } from './landing-status.js';

const WHEN = 'on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC';

test('the landing status says what became of each file: ingested, rejected whole and why, duplicate, changed', async () => {
  await withLake(async (lake) => {
    const status = async () => new Map((await landingStatus(lake.catalog, { orders: {} })).map((e) => [e.path.replace('landing/orders/', ''), `${e.status}: ${e.detail}`]));
    const whole = new Uint8Array(gzipSync(`id,v\n${Array.from({ length: 3000 }, (_, i) => `${i},x`).join('\n')}\n`));
    await land(lake.store, 'landing/orders/a.csv', 'id,v\n1,a\n2,b\n');
    await land(lake.store, 'landing/orders/a_copy.csv', 'id,v\n1,a\n2,b\n');
    await land(lake.store, 'landing/orders/ragged.csv', 'id,v\n3,c\n4,d,e\n');
    await land(lake.store, 'landing/orders/cut.csv.gz', whole.subarray(0, whole.length >> 1));
    assert.equal((await status()).get('a.csv'), 'pending: new: the next ingest takes it');
    await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r1' });

    const first = await status();
    assert.match(first.get('a.csv') ?? '', new RegExp(`^done: ingested ${WHEN}: 2 rows$`));
    assert.match(first.get('a_copy.csv') ?? '', new RegExp(`^done: duplicate of landing/orders/a\\.csv \\(same content, ${WHEN}\\): not ingested again$`));
    assert.match(first.get('ragged.csv') ?? '', new RegExp(`^done: ingested ${WHEN}: 1 row, 1 rejected \\(in bronze\\.orders_rejects\\)$`));
    assert.match(first.get('cut.csv.gz') ?? '', new RegExp(`^done: rejected whole ${WHEN}: the gzip data ends early: the file was cut short`));

    // The user puts the whole file back under the same name, and a fixed copy of ragged.csv under a new one.
    await land(lake.store, 'landing/orders/cut.csv.gz', whole);
    await land(lake.store, 'landing/orders/ragged_fixed.csv', 'id,v\n3,c\n4,d\n');
    const fixed = await status();
    assert.match(fixed.get('cut.csv.gz') ?? '', new RegExp(`^pending: changed since it was rejected whole ${WHEN}: the gzip data ends early.*; the next ingest takes the new content$`));
    assert.equal(fixed.get('ragged_fixed.csv'), 'pending: new: the next ingest takes it');
    await ingestSource(lake.catalog, lake.engine, 'orders', {}, { runId: 'r2' });

    const after = await status();
    assert.match(after.get('cut.csv.gz') ?? '', new RegExp(`^done: ingested ${WHEN}: 3,000 rows$`));
    assert.match(after.get('ragged_fixed.csv') ?? '', new RegExp(`^done: ingested ${WHEN}: 2 rows$`));
  });
});
