import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { parseContract } from './contract-parse.js';
import { DEFAULT_NULL_TOKENS, silverSectionSchema } from './contract-schema.js';

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
    phone: { type: 'string', pii: 'phone', mask: 'partial' },
    country: { type: 'string', from: 'addr_country' },
    updated_at: { type: 'timestamp' },
  },
  expectations: [
    { rule: 'not_null', column: 'order_id', policy: 'drop' },
    { rule: 'unique', column: 'order_id', policy: 'warn' },
    { rule: 'range', column: 'amount', min: 0, max: 100000, policy: 'drop' },
    { rule: 'allowed_values', column: 'status', values: ['placed', 'shipped', 'delivered', 'cancelled', 'returned'], policy: 'drop' },
    { rule: 'regex', column: 'email', pattern: '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$', policy: 'warn' },
    { rule: 'length', column: 'country', min: 2, max: 2, policy: 'warn' },
    { rule: 'references', column: 'customer_id', table: 'silver.customers', to: 'customer_id', policy: 'drop' },
    { rule: 'sql', name: 'shipped_has_ts', predicate: "status <> 'shipped' OR order_ts IS NOT NULL", policy: 'fail' },
  ],
  enrich: [{ table: 'silver.customers', on: 'customer_id', columns: ['segment', 'country AS customer_country'] }],
};

test('the documented orders contract parses, with defaults filled in and the result frozen', () => {
  const c = parseContract('orders', ORDERS);
  assert.equal(c.flatten, true);
  assert.deepEqual(c.null_tokens, DEFAULT_NULL_TOKENS);
  assert.deepEqual(c.enrich[0]!.on, ['customer_id']);
  assert.equal(c.columns['status']!.trim, true);
  assert.equal(c.columns['customer_id']!.required, false);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.columns['email']));
  const shorthand = parseContract('orders', { source: 'bronze.o', key: 'id', columns: { id: { type: 'long' } }, expectations: [{ rule: 'not_null', column: 'id' }] });
  assert.deepEqual(shorthand.key, ['id']);
  assert.equal(shorthand.expectations[0]!.policy, 'warn');
  const section = silverSectionSchema.parse({ orders: ORDERS });
  assert.equal(section['orders']!.source, 'bronze.orders');
});

function rejects(patch: (c: typeof ORDERS) => unknown, message: string | RegExp): void {
  const raw = patch(structuredClone(ORDERS));
  assert.throws(() => parseContract('orders', raw), (e: unknown) => {
    assert.ok(e instanceof InvalidInput, String(e));
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('contract errors name silver.<table>.<path> and what was expected', () => {
  rejects((c) => ({ ...c, colums: {} }), /^silver\.orders\.colums: unknown key \(did you mean `columns`\?\); expected one of: source, key/);
  rejects((c) => ({ ...c, columns: { ...c.columns, status: { type: 'string', trimm: true } } }), /^silver\.orders\.columns\.status\.trimm: unknown key \(did you mean `trim`\?\)/);
  rejects((c) => ({ ...c, expectations: [{ rule: 'not_nul', column: 'order_id' }] }), /^silver\.orders\.expectations\.0\.rule: expected a rule: not_null, unique, range, allowed_values, regex, length, references or sql, found "not_nul"$/);
  rejects((c) => ({ ...c, expectations: [{ rule: 'not_null', column: 'nope' }] }), /^silver\.orders\.expectations\.0\.column: expected a declared or enriched column \(one of: order_id, .*customer_country\), found "nope"$/);
  rejects((c) => ({ ...c, expectations: [{ rule: 'regex', column: 'email', pattern: '[a-' }] }), /^silver\.orders\.expectations\.0\.pattern: expected a valid regular expression \(.*\), found "\[a-"$/);
  rejects((c) => ({ ...c, columns: { ...c.columns, amount: { type: 'decimal(40,2)' } } }), /^silver\.orders\.columns\.amount\.type: expected one of boolean, int, long.*, found "decimal\(40,2\)"$/);
  rejects((c) => ({ ...c, columns: { ...c.columns, amount: { type: 'money' } } }), /^silver\.orders\.columns\.amount\.type: expected one of boolean/);
  rejects((c) => ({ ...c, key: ['id'] }), /^silver\.orders\.key\.0: expected a declared column \(one of: order_id, customer_id/);
  rejects((c) => ({ ...c, order_by: 'ts' }), /^silver\.orders\.order_by: expected a declared column or _ingested_at/);
  rejects((c) => ({ ...c, columns: { ...c.columns, amount: { type: 'long', case: 'lower' } } }), /^silver\.orders\.columns\.amount\.case: expected no case on a long column/);
  rejects((c) => ({ ...c, columns: { ...c.columns, amount: { type: 'long', mask: 'hash' } } }), /^silver\.orders\.columns\.amount\.mask: expected no mask on a long column/);
  rejects((c) => ({ ...c, columns: { ...c.columns, amount: { type: 'long', formats: ['%Y'] } } }), /^silver\.orders\.columns\.amount\.formats: expected no formats on a long column/);
  rejects((c) => ({ ...c, columns: { ...c.columns, amount: { type: 'long', mask: 'scramble' } } }), /^silver\.orders\.columns\.amount\.mask: expected one of "redact"\|"hash"\|"partial", found "scramble"$/);
  rejects((c) => ({ ...c, columns: { ...c.columns, amount: { type: 'long', pii: 'dna' } } }), /^silver\.orders\.columns\.amount\.pii: expected one of "email"/);
  rejects((c) => ({ ...c, expectations: [{ rule: 'sql', name: 'x', predicate: 'true; DROP TABLE t' }] }), /^silver\.orders\.expectations\.0\.predicate: expected one SQL expression \(no `;`\)/);
  rejects((c) => ({ ...c, expectations: [{ rule: 'range', column: 'amount', policy: 'drop' }] }), /^silver\.orders\.expectations\.0\.min: missing; expected min, max or both$/);
  rejects((c) => ({ ...c, expectations: [{ rule: 'range', column: 'amount', min: 5, max: 1 }] }), /^silver\.orders\.expectations\.0\.max: expected a max >= min \(5\), found 1$/);
  rejects((c) => ({ ...c, expectations: [{ rule: 'range', column: 'order_ts', min: 5 }] }), /^silver\.orders\.expectations\.0\.min: expected a timestamp written as a string/);
  rejects((c) => ({ ...c, expectations: [{ rule: 'not_null', column: 'amount', policy: 'stop' }] }), /^silver\.orders\.expectations\.0\.policy: expected one of "warn"\|"drop"\|"fail", found "stop"$/);
  // Lookup tables are names, never SQL text: anything past namespace.table is refused here.
  for (const table of ['silver.customers WHERE false UNION SELECT 1', "read_csv('/etc/hostname')", 'customers', 'a.b.c']) {
    rejects((c) => ({ ...c, enrich: [{ table, on: 'customer_id', columns: ['segment'] }] }), /^silver\.orders\.enrich\.0\.table: expected a table as namespace\.table/);
    rejects((c) => ({ ...c, expectations: [{ rule: 'references', column: 'customer_id', table, to: 'customer_id' }] }), /^silver\.orders\.expectations\.0\.table: expected a table as namespace\.table/);
  }
  rejects((c) => ({ ...c, enrich: [{ table: 'silver.customers', on: 'customer_id', columns: ['segment AS status'] }] }), /^silver\.orders\.enrich\.0\.columns\.0: expected a column name not already used \(status exists/);
  rejects((c) => ({ ...c, key: ['phone'] }), /^silver\.orders\.key\.0: expected a key column that is unmasked or masked with hash/);
  rejects((c) => ({ ...c, columns: { ...c.columns, _batch_id: { type: 'string' } } }), /^silver\.orders\.columns\._batch_id: expected a name that does not start with __silt and is not a lineage column/);
  rejects(({ source: _, ...c }) => c, 'silver.orders.source: missing; expected a string');
  rejects((c) => ({ ...c, columns: {} }), /^silver\.orders\.columns: expected at least one column, found \{\}$/);
});
