import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withEngine, type Engine } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { bronze, expectation, runRaw } from './test-support.js';

const HEADER = ['id', 'customer_id', 'amount', 'status', 'email', 'country', 'ts'];
const ROWS = [
  ['1', '10', '10.00', 'placed', 'a@x.com', 'DE', '2024-01-01 00:00:00'],
  ['2', null, '20.00', 'placed', 'b@x.com', 'FR', '2024-01-01 00:00:00'],
  ['3', '11', '-5.00', 'shipped', 'c@x.com', 'US', null],
  ['4', '12', '2000', 'unknown', 'bad-email', 'USA', '2024-01-01 00:00:00'],
  ['5', '99', '30.00', 'placed', 'e@x.com', 'GB', '2024-01-01 00:00:00'],
];
const COLUMNS = {
  id: { type: 'long' },
  customer_id: { type: 'long' },
  amount: { type: 'decimal(12,2)' },
  status: { type: 'string' },
  email: { type: 'string' },
  country: { type: 'string' },
  ts: { type: 'timestamp' },
};

async function setup(engine: Engine): Promise<string> {
  await engine.run(`CREATE TABLE customers AS SELECT * FROM (VALUES (10, 'gold'), (11, 'silver'), (12, 'gold')) t(customer_id, segment)`);
  return bronze(engine, 'orders_raw', HEADER, ROWS);
}

const CASES: { rule: Record<string, unknown>; label: string; bad: string[]; reasons: string[] }[] = [
  { rule: { rule: 'not_null', column: 'customer_id' }, label: 'not_null', bad: ['2'], reasons: ['customer_id: value is missing'] },
  {
    rule: { rule: 'range', column: 'amount', min: 0, max: 1000 }, label: 'range', bad: ['3', '4'],
    reasons: ['amount: -5.00 is below min 0', 'amount: 2000.00 is above max 1000'],
  },
  {
    rule: { rule: 'allowed_values', column: 'status', values: ['placed', 'shipped'] }, label: 'allowed_values', bad: ['4'],
    reasons: ['status: "unknown" is not one of placed, shipped'],
  },
  {
    rule: { rule: 'regex', column: 'email', pattern: '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$' }, label: 'regex', bad: ['4'],
    reasons: ['email: "bad-email" does not match ^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$'],
  },
  { rule: { rule: 'length', column: 'country', min: 2, max: 2 }, label: 'length', bad: ['4'], reasons: ['country: "USA" has length 3; expected 2..2'] },
  {
    rule: { rule: 'references', column: 'customer_id', table: 'silver.customers', to: 'customer_id' }, label: 'references', bad: ['5'],
    reasons: ['customer_id: 99 not found in silver.customers.customer_id'],
  },
  {
    rule: { rule: 'sql', name: 'shipped_has_ts', predicate: "status <> 'shipped' OR ts IS NOT NULL" }, label: 'shipped_has_ts', bad: ['3'],
    reasons: ["shipped_has_ts: predicate is false: status <> 'shipped' OR ts IS NOT NULL"],
  },
];

test('every rule kind under drop, warn and fail', async () => {
  await withEngine({}, async (engine) => {
    const src = await setup(engine);
    for (const c of CASES) {
      const run = (policy: string) =>
        runRaw(engine, { source: 'bronze.orders', key: ['id'], columns: COLUMNS, expectations: [{ ...c.rule, policy }] }, src, {
          lookup: { 'silver.customers': 'customers' },
        });
      const drop = await run('drop');
      const what = `${c.label} (drop)`;
      assert.deepEqual(drop.quarantine.map((q) => JSON.parse(q['original'] as string).id), c.bad, what);
      assert.deepEqual(drop.quarantine.map((q) => q['reason']), c.reasons, what);
      assert.ok(drop.quarantine.every((q) => q['rule'] === c.label), what);
      assert.deepEqual(drop.merged.map((r) => r['id']).sort(), ['1', '2', '3', '4', '5'].filter((id) => !c.bad.includes(id)), what);
      assert.equal(expectation(drop.out, c.label).failing_rows, c.bad.length, what);
      assert.equal(drop.out.failed, undefined, what);

      const warn = await run('warn');
      assert.equal(warn.merged.length, 5, `${c.label} (warn)`);
      assert.equal(warn.quarantine.length, 0, `${c.label} (warn)`);
      assert.equal(expectation(warn.out, c.label).failing_rows, c.bad.length, `${c.label} (warn)`);
      assert.equal(expectation(warn.out, c.label).policy, 'warn');
      assert.equal(warn.out.failed, undefined);

      const fail = await run('fail');
      assert.equal(fail.out.failed?.rule, c.label, `${c.label} (fail)`);
      assert.match(fail.out.failed.reason, new RegExp(`${c.bad.length} rows? failed \\(policy fail\\)`));
      assert.equal(fail.quarantine.length, 0);
    }
  });
});

test('passing rules report zero failing rows and an empty sample', async () => {
  await withEngine({}, async (engine) => {
    const src = await setup(engine);
    const { out } = await runRaw(engine, {
      source: 'bronze.orders', key: ['id'], columns: COLUMNS,
      expectations: [{ rule: 'not_null', column: 'id', policy: 'fail' }, { rule: 'range', column: 'ts', min: '2020-01-01', policy: 'drop' }],
    }, src);
    assert.deepEqual(out.expectations, [
      { rule: 'not_null', column: 'id', policy: 'fail', failing_rows: 0, sample: [] },
      { rule: 'range', column: 'ts', policy: 'drop', failing_rows: 0, sample: [] },
    ]);
    assert.equal(out.failed, undefined);
  });
});

test('a row failing several drop rules is quarantined once: first rule, every reason', async () => {
  await withEngine({}, async (engine) => {
    const src = await setup(engine);
    const { quarantine, out } = await runRaw(engine, {
      source: 'bronze.orders', key: ['id'], columns: COLUMNS,
      expectations: [
        { rule: 'length', column: 'country', max: 2, policy: 'warn' },
        { rule: 'range', column: 'amount', min: 0, max: 1000, policy: 'drop' },
        { rule: 'allowed_values', column: 'status', values: ['placed', 'shipped'], policy: 'drop', name: 'known_status' },
      ],
    }, src);
    assert.deepEqual(quarantine.map((q) => [JSON.parse(q['original'] as string).id, q['rule'], q['column'], q['reason']]), [
      ['3', 'range', 'amount', 'amount: -5.00 is below min 0'],
      ['4', 'range', 'amount', 'amount: 2000.00 is above max 1000; status: "unknown" is not one of placed, shipped'],
    ]);
    assert.deepEqual(expectation(out, 'known_status').sample, ['unknown']);
    assert.deepEqual(expectation(out, 'length').sample, ['USA']);
    assert.deepEqual(out.counts, { rows_in: 5, rows_written: 3, rows_quarantined: 2, rows_deduplicated: 0 });
  });
});

test('contract SQL that DuckDB rejects is an InvalidInput naming the contract path', async () => {
  await withEngine({}, async (engine) => {
    const src = await setup(engine);
    const bad = async (patch: Record<string, unknown>, message: RegExp): Promise<void> => {
      await assert.rejects(
        runRaw(engine, { source: 'bronze.orders', columns: COLUMNS, ...patch }, src),
        (e: unknown) => e instanceof InvalidInput && message.test(e.message),
        `${String(message)} for ${JSON.stringify(patch)}`,
      );
    };
    const sql = (predicate: string) => ({ expectations: [{ rule: 'sql', name: 'p', predicate }] });
    // Hostile predicates: each is refused naming the field, before any row is read.
    for (const hostile of [
      'true) FROM customers WHERE (true',
      'true) OR (true',
      '1 UNION SELECT 2',
      '1); SELECT 1; --',
      'x /* */ ) , (',
      "status = 'unclosed",
      "(SELECT content FROM read_text('/etc/hostname')) <> ''",
      "status IN (SELECT * FROM read_csv('/etc/hostname'))",
      "length(current_setting('home_directory')) > 0",
      "getenv('HOME') IS NULL",
      '(SELECT true)',
    ]) {
      await bad(sql(hostile), /silver\.orders\.expectations\.0\.predicate: expected one SQL expression/);
    }
    await bad(sql("status IN (SELECT * FROM read_csv('/etc/hostname'))"), /table function read_csv\(\) is not allowed/);
    await bad(sql('id IN (SELECT id FROM bronze.orders)'), /: subqueries are not allowed here$/);
    await bad(sql("length(current_setting('home_directory')) > 0"), /current_setting\(\) is not allowed/);
    await bad(sql('nope > 1'), /silver\.orders\.expectations\.0\.predicate: .*nope/);
    await bad(sql("status = 'x' AND"), /silver\.orders\.expectations\.0\.predicate: .*syntax error/);
    await bad({ expectations: [{ rule: 'regex', column: 'email', pattern: '(?=a)' }] }, /silver\.orders\.expectations\.0\.pattern: expected a regular expression in RE2 syntax/);
    await bad({ expectations: [{ rule: 'allowed_values', column: 'id', values: [1, 'x'] }] }, /silver\.orders\.expectations\.0\.values\.1: expected a long value/);
    await bad({ expectations: [{ rule: 'range', column: 'ts', min: 'yesterday' }] }, /silver\.orders\.expectations\.0\.min: expected a timestamp value/);
    await bad({ columns: { ...COLUMNS, ts: { type: 'timestamp', formats: ['%Q'] } } }, /silver\.orders\.columns\.ts\.formats\.0: expected a strptime format/);
    // Failed runs leave no temp tables or views behind.
    assert.deepEqual(await engine.allJson(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '__silt%'`), []);
    assert.deepEqual(await engine.allJson(`SELECT view_name FROM duckdb_views() WHERE view_name LIKE '__silt%'`), []);
  });
});

test('a value that cannot be typed counts under its type rule alone, not under not_null or required too', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'typed_or_missing', ['id', 'ts'], [
      ['1', '2024-01-01 00:00:00'],
      ['2', 'TBD'], // not a timestamp: a type failure, not a missing value
      ['3', null], // missing
      ['x', '2024-01-02 00:00:00'], // not a long: a type failure of a required column
    ]);
    const contract = {
      source: 'bronze.x',
      columns: { id: { type: 'long', required: true }, ts: { type: 'timestamp' } },
      expectations: [{ rule: 'not_null', column: 'ts', policy: 'drop' }],
    };
    const { out, quarantine } = await runRaw(engine, contract, src);
    assert.equal(expectation(out, 'type', 'ts').failing_rows, 1);
    assert.equal(expectation(out, 'not_null', 'ts').failing_rows, 1);
    assert.equal(expectation(out, 'type', 'id').failing_rows, 1);
    assert.equal(out.expectations.find((e) => e.rule === 'required')?.failing_rows ?? 0, 0);
    assert.deepEqual(quarantine.map((r) => [r['rule'], r['column']]).sort(), [['not_null', 'ts'], ['type', 'id'], ['type', 'ts']]);
    assert.equal(out.counts.rows_quarantined, 3);
  });
});
