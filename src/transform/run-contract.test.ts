import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withEngine } from '../engine/index.js';
import { parseContract } from './contract-parse.js';
import { releaseContractRun, runContract } from './run-contract.js';
import { expectation, runRaw } from './test-support.js';

const ORDERS = {
  source: 'bronze.orders',
  key: ['order_id'],
  order_by: 'updated_at',
  columns: {
    order_id: { type: 'long', required: true },
    customer_id: { type: 'long' },
    order_ts: { type: 'timestamp', formats: ['%Y-%m-%d %H:%M:%S', '%m/%d/%Y %H:%M'] },
    status: { type: 'string', trim: true, case: 'lower' },
    amount: { type: 'decimal(12,2)' },
    email: { type: 'string', trim: true, case: 'lower', pii: 'email', mask: 'hash' },
    country: { type: 'string', from: 'addr_country' },
    updated_at: { type: 'timestamp' },
  },
  expectations: [
    { rule: 'unique', column: 'order_id', policy: 'warn' },
    { rule: 'range', column: 'amount', min: 0, max: 100000, policy: 'drop' },
    { rule: 'allowed_values', column: 'status', values: ['placed', 'shipped', 'delivered'], policy: 'drop' },
    { rule: 'regex', column: 'email', pattern: '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$', policy: 'warn' },
    { rule: 'references', column: 'customer_id', table: 'silver.customers', to: 'customer_id', policy: 'drop' },
    { rule: 'sql', name: 'shipped_has_ts', predicate: "status <> 'shipped' OR order_ts IS NOT NULL", policy: 'fail' },
  ],
  enrich: [{ table: 'silver.customers', on: 'customer_id', columns: ['segment', 'country AS customer_country'] }],
};

async function source(engine: Parameters<typeof runContract>[0], rows: string): Promise<void> {
  await engine.run(`CREATE OR REPLACE TABLE customers AS SELECT * FROM (VALUES (10, 'gold', 'DE'), (11, 'basic', 'FR')) t(customer_id, segment, country)`);
  await engine.run(`CREATE OR REPLACE TABLE raw AS SELECT * FROM (VALUES ${rows}) t(order_id, customer_id, order_ts, status, amount, email, addr, updated_at, _ingested_at, _source_file, _source_line)`);
}

const AT = "TIMESTAMPTZ '2024-06-01 00:00:00+00', 'landing/orders/o1.json'";

test('the documented orders contract end to end: typed, enriched, validated, deduplicated, masked', async () => {
  await withEngine({}, async (engine) => {
    await source(engine, [
      `('1', '10', '2024-03-01 10:00:00', ' PLACED ', '19.99', ' Ada@Example.COM ', {'country': 'DE'}, '2024-03-01 10:00:00', ${AT}, 1)`,
      `('1', '10', '03/02/2024 09:30', 'Shipped', '19.99', 'ada@example.com', {'country': 'DE'}, '2024-03-02 09:30:00', ${AT}, 2)`,
      `('2', '11', '2024-03-01 11:00:00', 'placed', '-1', 'bob@example.org', {'country': 'FR'}, '2024-03-01 11:00:00', ${AT}, 3)`,
      `('3', '77', 'N/A', 'delivered', '5', 'not-an-email', {'country': 'FR'}, '2024-03-01 12:00:00', ${AT}, 4)`,
      `('4', '11', '2024-99-01 00:00:00', 'placed', '5', 'x@y.io', {'country': 'FR'}, '2024-03-01 12:00:00', ${AT}, 5)`,
      `('5', '11', NULL, 'placed', '1,250.00', 'NULL', {'country': NULL}, '2024-03-01 12:00:00', ${AT}, 6)`,
    ].join(', '));
    const { merged, quarantine, out } = await runRaw(engine, ORDERS, 'raw', { lookup: { 'silver.customers': 'customers' } });
    assert.deepEqual(merged.map((r) => [r['order_id'], r['order_ts'], r['status'], r['amount'], r['country'], r['segment'], r['customer_country']]), [
      ['1', '2024-03-02 09:30:00', 'shipped', '19.99', 'DE', 'gold', 'DE'],
      ['5', null, 'placed', '1250.00', null, 'basic', 'FR'],
    ]);
    assert.equal((merged[0]!['email'] as string).length, 64);
    assert.equal(merged[1]!['email'], null);
    assert.deepEqual(quarantine.map((q) => [q['_source_line'], q['rule'], q['reason']]), [
      ['3', 'range', 'amount: -1.00 is below min 0'],
      ['4', 'references', 'customer_id: 77 not found in silver.customers.customer_id'],
      ['5', 'type', 'order_ts: cannot read "2024-99-01 00:00:00" as timestamp (formats: %Y-%m-%d %H:%M:%S, %m/%d/%Y %H:%M)'],
    ]);
    assert.deepEqual(JSON.parse(quarantine[1]!['original'] as string).email, (await engine.allJson(`SELECT sha256('s3cret' || 'not-an-email') AS h`))[0]!['h']);
    assert.deepEqual(out.counts, { rows_in: 6, rows_written: 2, rows_quarantined: 3, rows_deduplicated: 1 });
    assert.equal(expectation(out, 'unique').failing_rows, 0);
    assert.equal(expectation(out, 'regex').failing_rows, 1);
    assert.equal(out.failed, undefined);
    assert.deepEqual(out.expectations.map((e) => e.rule), ['type', 'unique', 'range', 'allowed_values', 'regex', 'references', 'shipped_has_ts']);
  });
});

test('a broken fail rule returns `failed` with the rule and leaves no temp tables behind once released', async () => {
  await withEngine({}, async (engine) => {
    await source(engine, `('1', '10', NULL, 'shipped', '1', 'a@b.io', {'country': 'DE'}, '2024-03-01 10:00:00', ${AT}, 1)`);
    const before = await engine.allJson(`SELECT table_name FROM duckdb_tables() WHERE temporary`);
    const out = await runContract(engine, {
      contract: parseContract('orders', ORDERS), name: 'orders', source: 'raw', lookup: () => 'customers', runId: 'r', secret: 's',
    });
    assert.deepEqual(out.failed, { rule: 'shipped_has_ts', reason: 'shipped_has_ts: 1 row failed (policy fail)' });
    await releaseContractRun(engine, out);
    assert.deepEqual(await engine.allJson(`SELECT table_name FROM duckdb_tables() WHERE temporary`), before);
    assert.deepEqual(await engine.allJson(`SELECT view_name FROM duckdb_views() WHERE temporary AND view_name LIKE '__silt%'`), []);
  });
});
