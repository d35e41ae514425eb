import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { parseDate, parseTimestamp } from './datetime.js';
import { applyTransform, transformResultType } from './transforms.js';

const ts = (text: string): bigint => parseTimestamp(text)!;
const date = (text: string): number => parseDate(text)!;

test('truncate floors toward negative infinity for ints, longs and decimals', () => {
  assert.equal(applyTransform('truncate[10]', 'int', 1), 0);
  assert.equal(applyTransform('truncate[10]', 'int', -1), -10);
  assert.equal(applyTransform('truncate[10]', 'int', -10), -10);
  assert.equal(applyTransform('truncate[10]', 'long', -1n), -10n);
  assert.equal(applyTransform('truncate[10]', 'long', 9007199254740993n), 9007199254740990n);
  assert.deepEqual(applyTransform('truncate[50]', 'decimal(9, 2)', { unscaled: 1065n, scale: 2 }), { unscaled: 1050n, scale: 2 });
  assert.deepEqual(applyTransform('truncate[50]', 'decimal(9, 2)', { unscaled: -1n, scale: 2 }), { unscaled: -50n, scale: 2 });
});

test('truncate cuts strings by code points and binary by bytes', () => {
  assert.equal(applyTransform('truncate[3]', 'string', 'iceberg'), 'ice');
  assert.equal(applyTransform('truncate[2]', 'string', '😀😁x'), '😀😁');
  assert.deepEqual(applyTransform('truncate[2]', 'binary', Uint8Array.of(1, 2, 3)), Uint8Array.of(1, 2));
});

test('year, month, day and hour count from the epoch with floor semantics before it', () => {
  const justBefore = ts('1969-12-31 23:59:59.999999');
  assert.equal(applyTransform('day', 'timestamp', justBefore), -1);
  assert.equal(applyTransform('hour', 'timestamp', justBefore), -1);
  assert.equal(applyTransform('month', 'timestamp', justBefore), -1);
  assert.equal(applyTransform('year', 'timestamp', justBefore), -1);
  assert.equal(applyTransform('day', 'date', -1), -1);
  assert.equal(applyTransform('month', 'date', date('1969-01-01')), -12);
  assert.equal(applyTransform('year', 'date', date('1900-06-01')), -70);
  assert.equal(applyTransform('day', 'timestamptz', ts('2017-11-16T22:31:08')), 17486);
  assert.equal(applyTransform('hour', 'timestamptz', ts('1970-01-01T01:00:00')), 1);
  assert.equal(applyTransform('month', 'timestamp', ts('2024-03-05 10:00:00')), (2024 - 1970) * 12 + 2);
  assert.equal(applyTransform('day', 'timestamp', ts('2024-01-05T00:00:00+01:00')), date('2024-01-04'));
});

test('result types follow the spec', () => {
  assert.equal(transformResultType('day', 'timestamp'), 'date');
  assert.equal(transformResultType('month', 'date'), 'int');
  assert.equal(transformResultType('bucket[8]', 'string'), 'int');
  assert.equal(transformResultType('truncate[8]', 'string'), 'string');
  assert.equal(transformResultType('identity', 'decimal(10, 2)'), 'decimal(10, 2)');
});

test('transforms that do not fit the type are refused with the type named', () => {
  assert.throws(() => transformResultType('day', 'string'), (e) => e instanceof InvalidInput && /day does not apply to type string/.test(e.message));
  assert.throws(() => transformResultType('hour', 'date'), /hour does not apply to type date/);
  assert.throws(() => transformResultType('bucket[0]', 'int'), /unknown transform "bucket\[0\]"/);
  assert.throws(() => applyTransform('day', 'timestamp', 'yesterday'), /day expects a timestamp value, got "yesterday"/);
});
