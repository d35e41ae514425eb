import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PUSH_DEFAULTS, pushSettings } from './push-config.js';
import { bronzeTables, landingPrefix, sourceSchema, sourcesSchema } from './source-config.js';

test('a source needs nothing: it reads landing/<name>/ into bronze.<name>', () => {
  const config = sourcesSchema.parse({ orders: {} });
  assert.equal(landingPrefix('orders', config.orders!), 'landing/orders/');
  assert.deepEqual(bronzeTables('orders', config.orders!), { namespace: 'bronze', table: 'orders', rejects: 'orders_rejects' });
});

test('path, table, format and delimiter are taken as given', () => {
  const s = sourceSchema.parse({ path: './shop/exports', format: 'tsv', delimiter: '\t', table: 'raw.shop' });
  assert.equal(landingPrefix('shop', s), 'landing/shop/exports/');
  assert.deepEqual(bronzeTables('shop', s), { namespace: 'raw', table: 'shop', rejects: 'shop_rejects' });
});

test('bad source settings are refused, naming the key', () => {
  const problems = (value: unknown): string[] => {
    const r = sourcesSchema.safeParse(value);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  assert.match(problems({ orders: { format: 'xml' } })[0] ?? '', /^orders\.format: /);
  assert.match(problems({ orders: { delimiter: ',,' } })[0] ?? '', /^orders\.delimiter: one character/);
  assert.match(problems({ orders: { table: 'Orders' } })[0] ?? '', /^orders\.table: namespace\.table/);
  assert.match(problems({ orders: { path: '../secrets' } })[0] ?? '', /^orders\.path: a folder under landing\//);
  assert.match(problems({ orders: { pth: 'x' } })[0] ?? '', /pth/);
  assert.match(problems({ 'Web Events': {} })[0] ?? '', /source name of lower-case letters/);
});

test('two sources reading the same landing folder, or one inside the other, are refused: a file would land in two tables', () => {
  const problems = (value: unknown): string[] => {
    const r = sourcesSchema.safeParse(value);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  assert.deepEqual(problems({ orders: {}, customers: { path: 'orders/' } }), [
    'customers.path: a folder no other source reads (source orders reads landing/orders/ too, so its files would be ingested twice)',
  ]);
  assert.deepEqual(problems({ all: { path: '.' }, orders: {} }), [
    'orders.path: a folder no other source reads (source all reads landing/orders/ too, under landing/, so its files would be ingested twice)',
  ]);
  assert.deepEqual(problems({ shop: { path: 'shop' }, shop_eu: { path: 'shop/eu/' }, shopping: {} }).length, 1);
  assert.deepEqual(problems({ orders: {}, orders_archive: { path: 'orders_archive' } }), []);
});

test('push settings: sizes and durations as written in silt.yaml, defaults when left out, bad ones refused naming the key', () => {
  const s = sourceSchema.parse({ push: { batch_bytes: '512KiB', batch_wait: '1.5s', max_body: '2MB' } });
  assert.deepEqual(pushSettings(s.push), { batchBytes: 512 * 1024, batchWaitMs: 1500, maxBodyBytes: 2_000_000 });
  assert.deepEqual(pushSettings(sourceSchema.parse({}).push), PUSH_DEFAULTS);
  const problems = (value: unknown): string[] => {
    const r = sourcesSchema.safeParse(value);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  assert.deepEqual(problems({ iot: { push: { batch_wait: 'soon' } } }), ['iot.push.batch_wait: a duration such as 200ms, 1s or 5m']);
  assert.deepEqual(problems({ iot: { push: { max_body: '16 megs' } } }), ['iot.push.max_body: a size such as 512KiB, 8MiB or 16MB']);
  assert.match(problems({ iot: { push: { batch_size: '1MiB' } } })[0] ?? '', /batch_size/);
});
