import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withEngine } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { parseContract } from './contract-parse.js';
import { bindContract, expressionInputs } from './derived-columns.js';
import { bronze, expectation, runRaw } from './test-support.js';

const SALES = {
  source: 'bronze.sales',
  key: 'sale_id',
  columns: {
    sale_id: { type: 'long' },
    first_name: { type: 'string', trim: true },
    last_name: { type: 'string', trim: true },
    qty: { type: 'int' },
    price: { type: 'decimal(10,2)' },
    sold_at: { type: 'timestamp' },
    channel: { type: 'string', default: 'web' },
    full_name: { expr: "first_name || ' ' || last_name" },
    total_amount: { expr: 'qty * price', type: 'decimal(12,2)' },
    year: { expr: 'year(sold_at)', type: 'int' },
    month: { expr: 'month(sold_at)' },
    day: { expr: 'day(sold_at)' },
    is_big: { expr: "CASE WHEN qty * price >= 100 THEN true ELSE false END", type: 'boolean' },
    discount: { expr: 'CASE WHEN qty > 10 THEN 0.1 END', type: 'double', default: 0 },
  },
  expectations: [
    { rule: 'range', column: 'total_amount', min: 0, policy: 'drop' },
    { rule: 'not_null', column: 'full_name', policy: 'warn' },
  ],
};

test('derived, conditional and default columns are computed from the typed columns, in declaration order', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'sales', ['sale_id', 'first_name', 'last_name', 'qty', 'price', 'sold_at', 'channel'], [
      ['1', ' Ada ', 'Lovelace', '2', '12.50', '2026-11-03 10:00:00', 'shop'],
      ['2', 'Alan', 'Turing', '12', '10.00', '2025-01-31 23:59:59', null],
      ['3', 'Grace', null, '-1', '5.00', '2026-02-01 00:00:00', 'N/A'],
    ]);
    const { merged, quarantine, out } = await runRaw(engine, SALES, src, { name: 'sales', orderBy: 'sale_id' });
    assert.deepEqual(
      merged.map((r) => [r['sale_id'], r['full_name'], r['total_amount'], r['year'], r['month'], r['day'], r['is_big'], r['discount'], r['channel']]),
      [
        ['1', 'Ada Lovelace', '25.00', 2026, '11', '3', false, 0, 'shop'],
        ['2', 'Alan Turing', '120.00', 2025, '1', '31', true, 0.1, 'web'],
      ],
    );
    assert.deepEqual(Object.keys(merged[0]!).slice(0, 14), Object.keys(SALES.columns));
    assert.equal(quarantine.length, 1);
    assert.equal(quarantine[0]!['rule'], 'range');
    assert.match(String(quarantine[0]!['reason']), /total_amount: -5\.00 is below min 0/);
    // Grace has no last name: the warn rule counts her (her row is quarantined by the range rule).
    assert.equal(expectation(out, 'not_null', 'full_name').failing_rows, 1);
  });
});

test('a derived column keeps the expression type when none is declared; a declared one is cast, and a value that does not cast is a type violation', async () => {
  await withEngine({}, async (engine) => {
    const c = await bindContract(engine, parseContract('sales', SALES), 'sales');
    assert.equal(c.columns['full_name']!.type, 'string');
    assert.equal(c.columns['month']!.type, 'long');
    const src = await bronze(engine, 'codes', ['id', 'code'], [['1', '42'], ['2', 'x7']]);
    const { merged, quarantine } = await runRaw(
      engine,
      { source: 'bronze.codes', columns: { id: { type: 'int' }, code: { type: 'string' }, n: { expr: "code || '0'", type: 'int' } } },
      src,
      { name: 'codes', orderBy: 'id' },
    );
    assert.deepEqual(merged.map((r) => [r['id'], r['n']]), [[1, 420]]);
    assert.equal(quarantine[0]!['rule'], 'type');
    assert.equal(quarantine[0]!['column'], 'n');
    assert.match(String(quarantine[0]!['reason']), /n: expression gives "x70", not a int/);
  });
});

test('a derived key deduplicates, a derived string column can be masked', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'people', ['first', 'last', 'seen'], [
      ['ada', 'l', '1'],
      ['ada', 'l', '3'],
      ['alan', 't', '2'],
    ]);
    const contract = {
      source: 'bronze.people',
      key: 'person',
      order_by: 'seen',
      columns: {
        first: { type: 'string' },
        last: { type: 'string' },
        seen: { type: 'int' },
        person: { expr: "first || '.' || last", mask: 'hash' },
      },
    };
    const { merged, out } = await runRaw(engine, contract, src, { name: 'people', orderBy: 'first' });
    assert.deepEqual(merged.map((r) => [r['first'], r['seen']]), [['ada', 3], ['alan', 2]]);
    assert.notEqual(merged[0]!['person'], 'ada.l');
    assert.equal(out.counts.rows_deduplicated, 1);
  });
});

const bad = async (columns: Record<string, unknown>, pattern: RegExp): Promise<void> => {
  await withEngine({}, async (engine) => {
    const contract = parseContract('sales', { source: 'bronze.sales', columns: { qty: { type: 'int' }, note: { type: 'string' }, ...columns } });
    await assert.rejects(bindContract(engine, contract, 'sales'), (e: unknown) => {
      assert.ok(e instanceof InvalidInput, String(e));
      assert.match(e.message, pattern);
      return true;
    });
  });
};

test('an expression that cannot work is refused at bind time naming the table, column and what is wrong', async () => {
  await bad({ total: { expr: 'qty * pricee' } }, /silt\.yaml silver\.sales\.columns\.total\.expr: .*over the columns qty, note.*pricee/);
  await bad({ total: { expr: "qty + 'abc'" } }, /silver\.sales\.columns\.total\.expr: .*DuckDB says: Binder Error: .*\+\(INTEGER, STRING_LITERAL\)/);
  await bad({ total: { expr: 'qty, note' } }, /silver\.sales\.columns\.total\.expr: expected one SQL expression/);
  await bad({ total: { expr: 'SELECT 1' } }, /silver\.sales\.columns\.total\.expr: expected one SQL expression/);
  await bad({ total: { expr: '(SELECT max(x) FROM other)' } }, /silver\.sales\.columns\.total\.expr: .*subqueries are not allowed/);
  await bad({ total: { expr: "(SELECT * FROM read_csv('/etc/passwd'))" } }, /silver\.sales\.columns\.total\.expr: expected one SQL expression/);
  await bad({ total: { expr: "note || current_setting('home_directory')" } }, /silver\.sales\.columns\.total\.expr: expected one SQL expression.*current_setting/);
  await bad({ total: { expr: 'sum(qty)' } }, /silver\.sales\.columns\.total\.expr: .*GROUP BY/);
  await bad({ total: { expr: 'row_number() OVER ()' } }, /silver\.sales\.columns\.total\.expr: .*window functions/);
  await bad({ total: { expr: 'qty * 2' }, other: { expr: 'total + 1' } }, /silver\.sales\.columns\.other\.expr: .*derived columns cannot read each other/);
  await bad({ total: { expr: 'qty * 2', mask: 'hash' } }, /silver\.sales\.columns\.total\.mask: expected no mask on a int column/);
  await bad({ when: { expr: "struct_pack(a := 1)" } }, /silver\.sales\.columns\.when\.type: missing; the expression gives STRUCT/);
  await bad({ total: { expr: 'qty * 2', default: 'many' } }, /silver\.sales\.columns\.total\.default: expected a int value, found "many"/);
  await bad({ note: { type: 'date', default: 'soon' } }, /silver\.sales\.columns\.note\.default: expected a date value/);
});

test('a derived column with source options, or a read column without a type, is refused when the contract is parsed', () => {
  assert.throws(
    () => parseContract('sales', { source: 'bronze.sales', columns: { a: { type: 'int' }, b: { expr: 'a + 1', from: 'x' } } }),
    /silver\.sales\.columns\.b\.from: .*no from on a derived column/,
  );
  assert.throws(() => parseContract('sales', { source: 'bronze.sales', columns: { a: {} } }), /silver\.sales\.columns\.a\.type: .*missing/);
});

test('the columns an expression reads, for lineage', () => {
  const cols = ['qty', 'price', 'sold_at', 'year', 'First Name'];
  assert.deepEqual(expressionInputs("qty * price + year(sold_at) || 'qty'", cols), ['qty', 'price', 'sold_at']);
  assert.deepEqual(expressionInputs('"First Name" || year', cols), ['First Name', 'year']);
});

test('a default fills a NULL before the rules (required passes), never a value that failed its cast', async () => {
  await withEngine({}, async (engine) => {
    const src = await bronze(engine, 'items', ['id', 'qty'], [['1', null], ['2', 'N/A'], ['3', 'lots'], ['4', '7']]);
    const { merged, quarantine } = await runRaw(
      engine,
      { source: 'bronze.items', columns: { id: { type: 'int' }, qty: { type: 'int', required: true, default: 0 } } },
      src,
      { name: 'items', orderBy: 'id' },
    );
    assert.deepEqual(merged.map((r) => [r['id'], r['qty']]), [[1, 0], [2, 0], [4, 7]]);
    assert.deepEqual(quarantine.map((r) => [r['rule'], r['column']]), [['type', 'qty']]);
  });
});
