import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withEngine } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { bronze, expectation, runRaw } from './test-support.js';

test('null tokens, trim, case and formats standardize values before typing', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'b', ['id', 'status', 'name', 'ts', 'note', 'day'], [
      ['1', '  Shipped ', 'ada LOVELACE', '2024-03-01 10:30:00', 'N/A', '01/02/2024'],
      ['2', 'PLACED', '  grace  hopper', '03/04/2024 17:05', '', '2024-02-29'],
      ['3', 'null', 'x', '  ', ' - ', null],
    ]);
    const { merged, quarantine, out } = await runRaw(engine, {
      source: 'bronze.b', key: ['id'],
      columns: {
        id: { type: 'long' },
        status: { type: 'string', trim: true, case: 'lower' },
        name: { type: 'string', trim: true, case: 'title' },
        ts: { type: 'timestamp', formats: ['%Y-%m-%d %H:%M:%S', '%m/%d/%Y %H:%M'] },
        note: { type: 'string', null_tokens: ['N/A'] },
        day: { type: 'date', formats: ['%m/%d/%Y', '%Y-%m-%d'] },
      },
    }, src);
    assert.deepEqual(quarantine, []);
    assert.deepEqual(merged.map((r) => [r['id'], r['status'], r['name'], r['ts'], r['note'], r['day']]), [
      ['1', 'shipped', 'Ada Lovelace', '2024-03-01 10:30:00', null, '2024-01-02'],
      ['2', 'placed', 'Grace  Hopper', '2024-03-04 17:05:00', '', '2024-02-29'],
      ['3', null, 'X', null, ' - ', null],
    ]);
    assert.deepEqual(out.counts, { rows_in: 3, rows_written: 3, rows_quarantined: 0, rows_deduplicated: 0 });
  });
});

test('numbers and booleans: thousands separators, whole-number fractions, yes/no', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'b', ['id', 'amount', 'qty', 'ok', 'ratio'], [
      ['1', '1,234.50', '12.00', 'yes', '0.5'],
      ['2', '-7', '1,000', 'F', '1e3'],
      ['3', '12.345', ' 3 ', 'N', '-0'],
    ]);
    const { merged } = await runRaw(engine, {
      source: 'bronze.b', key: ['id'],
      columns: { id: { type: 'int' }, amount: { type: 'decimal(12,2)' }, qty: { type: 'long' }, ok: { type: 'boolean' }, ratio: { type: 'double' } },
    }, src);
    assert.deepEqual(merged.map((r) => [r['id'], r['amount'], r['qty'], r['ok'], r['ratio']]), [
      [1, '1234.50', '12', true, 0.5],
      [2, '-7.00', '1000', false, 1000],
      [3, '12.35', '3', false, -0],
    ]);
  });
});

test('a value that cannot be cast is quarantined by the implicit type rule, never silently nulled', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'b', ['order_id', 'order_ts', 'amount', 'qty'], [
      ['1', '2024-01-05 10:00:00', '10.00', '1'],
      ['2', '2024-13-45', '11.00', '2'],
      ['abc', '2024-01-05 10:00:00', '12.00', '3'],
      ['4', '2024-01-05 10:00:00', '1,2', '2.5'],
      ['5', 'N/A', '', '-'],
    ]);
    const { merged, quarantine, out } = await runRaw(engine, {
      source: 'bronze.b', key: 'order_id',
      columns: {
        order_id: { type: 'long' },
        order_ts: { type: 'timestamp', formats: ['%Y-%m-%d %H:%M:%S'] },
        amount: { type: 'decimal(12,2)' },
        qty: { type: 'int' },
      },
    }, src);
    assert.deepEqual(merged.map((r) => r['order_id']), ['1', '5']);
    assert.deepEqual(merged[1], { order_id: '5', order_ts: null, amount: null, qty: null, _ingested_at: merged[1]!['_ingested_at'], _source_file: 'landing/part-0.csv', _source_line: '5', _batch_id: 'b1' });
    assert.deepEqual(quarantine.map((q) => [q['rule'], q['column'], q['reason']]), [
      ['type', 'order_ts', 'order_ts: cannot read "2024-13-45" as timestamp (formats: %Y-%m-%d %H:%M:%S)'],
      ['type', 'order_id', 'order_id: cannot read "abc" as long'],
      ['type', 'amount', 'amount: cannot read "1,2" as decimal(12, 2); qty: cannot read "2.5" as int'],
    ]);
    const q = quarantine[0]!;
    assert.equal(q['run_id'], 'run-1');
    assert.equal(q['_source_file'], 'landing/part-0.csv');
    assert.equal(q['_source_line'], '2');
    assert.deepEqual(JSON.parse(q['original'] as string), { order_id: '2', order_ts: '2024-13-45', amount: '11.00', qty: '2', _batch_id: 'b1' });
    assert.equal(expectation(out, 'type', 'order_ts').failing_rows, 1);
    assert.deepEqual(expectation(out, 'type', 'order_ts').sample, ['2024-13-45']);
    assert.equal(out.expectations.some((e) => e.column === 'order_ts' && e.rule !== 'type'), false);
  });
});

test('nested STRUCT columns flatten to parent_child columns; lists stay lists', async () => {
  await withEngine({}, async (engine) => {
    await engine.run(`CREATE TABLE j AS SELECT * FROM (VALUES
      (1, {'lat': 52.5, 'lon': 13.4, 'place': {'city': 'Berlin'}}, ['a', 'b'], TIMESTAMPTZ '2024-01-01 00:00:00+00'),
      (2, {'lat': NULL, 'lon': 2.35, 'place': {'city': 'Paris'}}, [], TIMESTAMPTZ '2024-01-01 00:00:00+00')
    ) AS t(id, location, tags, _ingested_at)`);
    const { merged } = await runRaw(engine, {
      source: 'bronze.j', key: ['id'],
      columns: {
        id: { type: 'long' },
        location_lat: { type: 'double' },
        city: { type: 'string', from: 'location_place_city', case: 'upper' },
        tags: { type: 'list<string>' },
        tags_text: { type: 'string', from: 'tags' },
      },
    }, 'j');
    assert.deepEqual(merged.map((r) => [r['id'], r['location_lat'], r['city'], r['tags'], r['tags_text']]), [
      ['1', 52.5, 'BERLIN', ['a', 'b'], '["a","b"]'],
      ['2', null, 'PARIS', [], '[]'],
    ]);
    await assert.rejects(
      runRaw(engine, { source: 'bronze.j', flatten: false, columns: { location_lat: { type: 'double' } } }, 'j'),
      (e: unknown) => e instanceof InvalidInput && /silver\.orders: column location_lat reads location_lat, which the source does not have \(did you mean location\?\); source columns: id, location, tags, _ingested_at/.test(e.message),
    );
  });
});

test('a misspelled source column is named with a suggestion', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'b', ['order_id', 'customer'], [['1', 'x']]);
    await assert.rejects(
      runRaw(engine, { source: 'bronze.b', columns: { order_id: { type: 'long' }, customer_id: { type: 'long', from: 'custmer' } } }, src),
      /transform: silver\.orders: column customer_id reads custmer, which the source does not have \(did you mean customer\?\)/,
    );
  });
});

test('silt.yaml text that reaches SQL as data (names, null tokens, formats, patterns, values) stays data', async () => {
  await withEngine({}, async (engine) => {
    const hostile = "x'); SELECT 1; --";
    const src = await bronze(engine, 'b', ['id', 'it\'s "col"', 'day', 'tag'], [
      ['1', hostile, "01'02'2024", "it's"],
      ['2', 'kept', "03'04'2024", 'x /* */ ) , ('],
    ]);
    const { merged, quarantine } = await runRaw(engine, {
      source: 'bronze.b', key: ['id'],
      columns: {
        id: { type: 'long' },
        'we"ird': { type: 'string', from: 'it\'s "col"', null_tokens: [hostile] },
        day: { type: 'date', formats: ["%d'%m'%Y"] },
        tag: { type: 'string' },
      },
      expectations: [
        { rule: 'allowed_values', column: 'tag', values: ["it's", "'); DROP TABLE t; --"], policy: 'drop' },
        { rule: 'regex', column: 'tag', pattern: "^[a-z']+$", policy: 'warn' },
      ],
    }, src);
    assert.deepEqual(merged.map((r) => [r['id'], r['we"ird'], r['day'], r['tag']]), [['1', null, '2024-02-01', "it's"]]);
    assert.deepEqual(quarantine.map((r) => [r['rule'], r['column']]), [['allowed_values', 'tag']]);
  });
});
