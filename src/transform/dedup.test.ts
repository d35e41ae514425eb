import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withEngine, type Engine } from '../engine/index.js';
import { bronze, expectation, runRaw, type Cell } from './test-support.js';

const CONTRACT = {
  source: 'bronze.orders', key: ['id'], order_by: 'updated_at',
  columns: { id: { type: 'long' }, status: { type: 'string' }, email: { type: 'string' }, updated_at: { type: 'timestamp' } },
};
const HEADER = ['id', 'status', 'email', 'updated_at'];

/** Two bronze batches (files) as one source relation. */
async function twoBatches(engine: Engine, first: Cell[][], second: Cell[][]): Promise<string> {
  await bronze(engine, 'b1', HEADER, first, { ingestedAt: '2024-06-01 00:00:00+00', file: 'landing/a.csv' });
  await bronze(engine, 'b2', HEADER, second, { ingestedAt: '2024-06-02 00:00:00+00', file: 'landing/b.csv' });
  await engine.run('CREATE VIEW src AS SELECT * FROM b1 UNION ALL SELECT * FROM b2');
  return 'src';
}

test('exact duplicates and superseded versions collapse to the latest by order_by', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'b', HEADER, [
      ['1', 'placed', 'a@x.com', '2024-01-01 10:00:00'],
      ['1', 'placed', 'a@x.com', '2024-01-01 10:00:00'],
      ['1', 'delivered', 'a@x.com', '2024-01-03 10:00:00'],
      ['1', 'shipped', 'a@x.com', '2024-01-02 10:00:00'],
      ['2', 'placed', 'b@x.com', '2024-01-01 10:00:00'],
      ['2', 'placed', 'b@x.com', '2024-01-01 10:00:00'],
    ]);
    const { merged, out } = await runRaw(engine, CONTRACT, src);
    assert.deepEqual(merged.map((r) => [r['id'], r['status'], r['_source_line']]), [['1', 'delivered', '3'], ['2', 'placed', '6']]);
    assert.deepEqual(out.counts, { rows_in: 6, rows_written: 2, rows_quarantined: 0, rows_deduplicated: 4 });
  });
});

test('ties on order_by go to the later _ingested_at, then the later file and line', async () => {
  await withEngine({}, async (engine) => {
    const src = await twoBatches(
      engine,
      [['1', 'old-ingest', 'a@x.com', '2024-01-01 10:00:00'], ['2', 'line-1', 'b@x.com', '2024-01-01 10:00:00'], ['2', 'line-2', 'b@x.com', '2024-01-01 10:00:00']],
      [['1', 'new-ingest', 'a@x.com', '2024-01-01 10:00:00']],
    );
    const { merged, out } = await runRaw(engine, CONTRACT, src);
    assert.deepEqual(merged.map((r) => [r['id'], r['status']]), [['1', 'new-ingest'], ['2', 'line-2']]);
    assert.equal(out.counts.rows_deduplicated, 2);
  });
});

test('merge with current: a late older row never overwrites a newer silver row', async () => {
  await withEngine({}, async (engine) => {
    const first = await bronze(engine, 'b1', HEADER, [
      ['1', 'delivered', 'a@x.com', '2024-01-05 10:00:00'],
      ['2', 'placed', 'b@x.com', '2024-01-01 10:00:00'],
      ['3', 'placed', 'c@x.com', '2024-01-01 10:00:00'],
    ], { ingestedAt: '2024-06-01 00:00:00+00', file: 'landing/a.csv' });
    await runRaw(engine, CONTRACT, first, { keepAs: 'current_orders' });
    const second = await bronze(engine, 'b2', HEADER, [
      ['1', 'shipped', 'a@x.com', '2024-01-03 10:00:00'],
      ['2', 'shipped', 'b@x.com', '2024-01-04 10:00:00'],
      ['4', 'placed', 'd@x.com', '2024-01-04 10:00:00'],
    ], { ingestedAt: '2024-06-02 00:00:00+00', file: 'landing/b.csv' });
    const { merged, out } = await runRaw(engine, CONTRACT, second, { current: 'current_orders' });
    assert.deepEqual(merged.map((r) => [r['id'], r['status']]), [['2', 'shipped'], ['4', 'placed']]);
    assert.deepEqual(out.counts, { rows_in: 3, rows_written: 2, rows_quarantined: 0, rows_deduplicated: 1 });

    // Replaying the rows silver already holds (same lineage) changes nothing.
    const replay = await runRaw(engine, CONTRACT, first, { current: 'current_orders' });
    assert.deepEqual(replay.out.counts, { rows_in: 3, rows_written: 0, rows_quarantined: 0, rows_deduplicated: 3 });
  });
});

test('winners equal ranking every row of a key, whether the key repeats in the batch, in silver, or not at all', async () => {
  await withEngine({}, async (engine) => {
    const day = (n: number): string => `2024-01-${String(1 + (n % 28)).padStart(2, '0')} 10:00:00`;
    const first = await bronze(engine, 'b1', HEADER, Array.from({ length: 80 }, (_, j) => [String(40 + j), `cur${j}`, 'a@x.com', day(j * 5)]), {
      ingestedAt: '2024-06-01 00:00:00+00', file: 'landing/a.csv',
    });
    await runRaw(engine, CONTRACT, first, { keepAs: 'current_orders' });
    // Ids 1..110, some once and some up to five times, with tied updated_at values among them.
    const second = await bronze(engine, 'b2', HEADER, Array.from({ length: 300 }, (_, i) => [String(((i * 7) % 110) + 1), `new${i}`, 'a@x.com', day(i * 13)]), {
      ingestedAt: '2024-06-02 00:00:00+00', file: 'landing/b.csv',
    });
    const { merged } = await runRaw(engine, CONTRACT, second, { current: 'current_orders' });
    const expected = await engine.allJson(`
      WITH n AS (SELECT CAST(id AS BIGINT) AS id, status, CAST(updated_at AS TIMESTAMP) AS updated_at, _ingested_at, _source_file, _source_line, 0 AS cur FROM b2),
      c AS (SELECT id, status, updated_at, _ingested_at, _source_file, _source_line, 1 AS cur FROM current_orders WHERE id IN (SELECT id FROM n)),
      r AS (SELECT *, row_number() OVER (PARTITION BY id ORDER BY updated_at DESC, _ingested_at DESC, _source_file DESC, _source_line DESC, cur DESC) AS rk
            FROM (SELECT * FROM n UNION ALL SELECT * FROM c))
      SELECT id, status FROM r WHERE rk = 1 AND cur = 0 ORDER BY id`);
    assert.ok(expected.length > 50 && expected.length < 110, `${expected.length} winners`);
    assert.deepEqual(merged.map((r) => ({ id: r['id'], status: r['status'] })), expected);
  });
});

test('unique is checked after dedup, against the new silver state', async () => {
  await withEngine({}, async (engine) => {
    await bronze(engine, 'cur_src', HEADER, [['9', 'placed', 'taken@x.com', '2024-01-01 10:00:00'], ['8', 'placed', 'moving@x.com', '2024-01-01 10:00:00']]);
    const contract = (policy: string) => ({ ...CONTRACT, expectations: [{ rule: 'unique', column: 'email', policy }] });
    await runRaw(engine, contract('warn'), 'cur_src', { keepAs: 'current_orders' });
    const src = await bronze(engine, 'b', HEADER, [
      ['1', 'placed', 'a@x.com', '2024-01-01 10:00:00'],
      ['1', 'shipped', 'a@x.com', '2024-01-02 10:00:00'],
      ['2', 'placed', 'dup@x.com', '2024-01-01 10:00:00'],
      ['3', 'placed', 'dup@x.com', '2024-01-01 10:00:00'],
      ['4', 'placed', 'taken@x.com', '2024-01-01 10:00:00'],
      ['5', 'placed', 'moving@x.com', '2024-01-01 10:00:00'],
      ['8', 'placed', 'new8@x.com', '2024-01-02 10:00:00'],
    ]);
    const warn = await runRaw(engine, contract('warn'), src, { current: 'current_orders' });
    assert.equal(expectation(warn.out, 'unique').failing_rows, 3);
    assert.deepEqual(expectation(warn.out, 'unique').sample, ['dup@x.com', 'taken@x.com']);
    assert.equal(warn.merged.length, 6);

    const drop = await runRaw(engine, contract('drop'), src, { current: 'current_orders' });
    assert.deepEqual(drop.quarantine.map((q) => [JSON.parse(q['original'] as string).id, q['rule'], q['reason']]), [
      ['2', 'unique', 'email: "dup@x.com" is not unique'],
      ['3', 'unique', 'email: "dup@x.com" is not unique'],
      ['4', 'unique', 'email: "taken@x.com" is not unique'],
    ]);
    assert.deepEqual(drop.merged.map((r) => r['id']), ['1', '5', '8']);
    assert.deepEqual(drop.out.counts, { rows_in: 7, rows_written: 3, rows_quarantined: 3, rows_deduplicated: 1 });
  });
});

test('a missing key is quarantined; without a key only exact duplicates collapse', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'b', HEADER, [
      ['1', 'placed', 'a@x.com', '2024-01-01 10:00:00'],
      ['1', 'placed', 'a@x.com', '2024-01-01 10:00:00'],
      ['1', 'shipped', 'a@x.com', '2024-01-02 10:00:00'],
      ['', 'placed', 'z@x.com', '2024-01-02 10:00:00'],
    ]);
    const keyed = await runRaw(engine, CONTRACT, src);
    assert.deepEqual(keyed.quarantine.map((q) => [q['rule'], q['column'], q['reason']]), [['required', 'id', 'id: key value is missing']]);
    assert.deepEqual(keyed.out.counts, { rows_in: 4, rows_written: 1, rows_quarantined: 1, rows_deduplicated: 2 });

    const { key: _, order_by: __, ...keyless } = CONTRACT;
    const log = await runRaw(engine, keyless, src, { orderBy: 'id, status' });
    assert.deepEqual(log.merged.map((r) => [r['id'], r['status']]), [['1', 'placed'], ['1', 'shipped'], [null, 'placed']]);
    assert.deepEqual(log.out.counts, { rows_in: 4, rows_written: 3, rows_quarantined: 0, rows_deduplicated: 1 });
  });
});

test('references and enrich read the lookup relation; enrich never multiplies rows', async () => {
  await withEngine({}, async (engine) => {
    await engine.run(`CREATE TABLE customers AS SELECT * FROM (VALUES (10, 'gold', 'DE'), (11, 'silver', 'FR'), (11, 'silver', 'FR')) t(customer_id, segment, country)`);
    const src = await bronze(engine, 'b', ['id', 'customer_id'], [['1', '10'], ['2', '11'], ['3', '99'], ['4', null]]);
    const { merged, quarantine, out } = await runRaw(engine, {
      source: 'bronze.orders', key: ['id'],
      columns: { id: { type: 'long' }, customer_id: { type: 'long' } },
      expectations: [
        { rule: 'references', column: 'customer_id', table: 'silver.customers', to: 'customer_id', policy: 'drop' },
        { rule: 'not_null', column: 'customer_country', policy: 'warn' },
      ],
      enrich: [{ table: 'silver.customers', on: 'customer_id', columns: ['segment', 'country AS customer_country'] }],
    }, src, { lookup: { 'silver.customers': 'customers' } });
    assert.deepEqual(merged.map((r) => [r['id'], r['customer_id'], r['segment'], r['customer_country']]), [
      ['1', '10', 'gold', 'DE'],
      ['2', '11', 'silver', 'FR'],
      ['4', null, null, null],
    ]);
    assert.deepEqual(quarantine.map((q) => q['reason']), ['customer_id: 99 not found in silver.customers.customer_id']);
    assert.equal(expectation(out, 'not_null', 'customer_country').failing_rows, 2);
    assert.deepEqual(out.counts, { rows_in: 4, rows_written: 3, rows_quarantined: 1, rows_deduplicated: 0 });
  });
});

test('a hashed key merges with current rows by its hash; an empty batch writes nothing', async () => {
  await withEngine({}, async (engine) => {
    const contract = {
      source: 'bronze.people', key: ['email'], order_by: '_ingested_at',
      columns: { email: { type: 'string', trim: true, case: 'lower', pii: 'email', mask: 'hash' }, plan: { type: 'string' } },
    };
    const first = await bronze(engine, 'p1', ['email', 'plan'], [['Ada@x.com', 'free'], ['bob@x.com', 'free']], { ingestedAt: '2024-06-01 00:00:00+00' });
    await runRaw(engine, contract, first, { keepAs: 'current_people' });
    const second = await bronze(engine, 'p2', ['email', 'plan'], [[' ada@X.com', 'pro']], { ingestedAt: '2024-06-02 00:00:00+00' });
    const { merged, out } = await runRaw(engine, contract, second, { current: 'current_people' });
    assert.equal(merged.length, 1);
    assert.equal(merged[0]!['plan'], 'pro');
    // The new row's hashed key is the key of Ada's current row, so the merge upserts it.
    const same = await engine.allJson(`SELECT plan FROM current_people WHERE email = $1`, [merged[0]!['email'] as string]);
    assert.deepEqual(same, [{ plan: 'free' }]);
    assert.deepEqual(out.counts, { rows_in: 1, rows_written: 1, rows_quarantined: 0, rows_deduplicated: 0 });

    const empty = await bronze(engine, 'p3', ['email', 'plan'], []);
    const none = await runRaw(engine, contract, empty, { current: 'current_people' });
    assert.deepEqual(none.out.counts, { rows_in: 0, rows_written: 0, rows_quarantined: 0, rows_deduplicated: 0 });
  });
});
