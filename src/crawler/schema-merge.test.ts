import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSchema, widenType } from './schema-merge.js';

test('widenType: the narrowest type holding both', () => {
  const cases: [string, string, string][] = [
    ['BIGINT', 'BIGINT', 'BIGINT'],
    ['INTEGER', 'BIGINT', 'BIGINT'],
    ['UINTEGER', 'INTEGER', 'BIGINT'],
    ['BIGINT', 'DOUBLE', 'DOUBLE'],
    ['DECIMAL(10,2)', 'BIGINT', 'DOUBLE'],
    ['DATE', 'TIMESTAMP', 'TIMESTAMP'],
    ['TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'TIMESTAMP WITH TIME ZONE'],
    ['STRUCT(a BIGINT)', 'STRUCT(a BIGINT, b VARCHAR)', 'JSON'],
    ['BIGINT', 'BOOLEAN', 'VARCHAR'],
    ['DATE', 'VARCHAR', 'VARCHAR'],
    ['NULL', 'DATE', 'DATE'],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(widenType(a, b), want, `${a} + ${b}`);
    assert.equal(widenType(b, a), want, `${b} + ${a}`);
  }
});

test('mergeSchema keeps old columns, widens, appends new ones, and never narrows', () => {
  const previous = [
    { name: 'id', type: 'BIGINT' },
    { name: 'gone', type: 'VARCHAR' },
    { name: 'year', type: 'BIGINT', partition: true },
  ];
  const merged = mergeSchema(previous, [
    { name: 'ID', type: 'INTEGER' },
    { name: 'note', type: 'VARCHAR' },
    { name: 'year', type: 'VARCHAR', partition: true },
  ]);
  assert.deepEqual(merged.columns, [
    { name: 'id', type: 'BIGINT' },
    { name: 'gone', type: 'VARCHAR' },
    { name: 'year', type: 'VARCHAR', partition: true },
    { name: 'note', type: 'VARCHAR' },
  ]);
  assert.deepEqual(merged.changes, [
    { column: 'note', kind: 'added', to: 'VARCHAR' },
    { column: 'year', kind: 'widened', from: 'BIGINT', to: 'VARCHAR' },
  ]);
  assert.deepEqual(mergeSchema(undefined, previous), { columns: previous, changes: [] });
  assert.deepEqual(mergeSchema(previous, [{ name: 'id', type: 'SMALLINT' }]).changes, []);
});
