import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { coerceLiteral } from './literals.js';
import { parsePartitionSpec, partitionPath } from './partition-spec.js';
import { buildSchema } from './schema.js';
import { applyTransform } from './transforms.js';

const { schema } = buildSchema([
  { name: 'id', type: 'long', required: true },
  { name: 'ts', type: 'timestamptz' },
  { name: 'name', type: 'string' },
  { name: 'd', type: 'date' },
  { name: 'region', type: 'string' },
  { name: 'tags', type: { type: 'list', element: 'string' } },
]);

test('parses a partition spec with default names and ids from 1000', () => {
  const fields = parsePartitionSpec('day(ts), bucket(16, id), truncate(4, name), region, year(d), month(d), hour(ts)', schema);
  assert.deepEqual(fields, [
    { 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' },
    { 'source-id': 1, 'field-id': 1001, name: 'id_bucket', transform: 'bucket[16]' },
    { 'source-id': 3, 'field-id': 1002, name: 'name_trunc', transform: 'truncate[4]' },
    { 'source-id': 5, 'field-id': 1003, name: 'region', transform: 'identity' },
    { 'source-id': 4, 'field-id': 1004, name: 'd_year', transform: 'year' },
    { 'source-id': 4, 'field-id': 1005, name: 'd_month', transform: 'month' },
    { 'source-id': 2, 'field-id': 1006, name: 'ts_hour', transform: 'hour' },
  ]);
  assert.deepEqual(parsePartitionSpec('', schema), []);
  assert.equal(parsePartitionSpec('identity(region)', schema, 2000)[0]!['field-id'], 2000);
});

test('bad partition specs are refused naming the problem', () => {
  const bad = (text: string, message: RegExp): void => {
    assert.throws(() => parsePartitionSpec(text, schema), (e) => e instanceof InvalidInput && message.test(e.message), text);
  };
  bad('bucket(x, id)', /bucket\(x, id\): bucket width must be a positive integer, got "x"/);
  bad('bucket(16)', /bucket takes \(width, column\)/);
  bad('day(nope)', /day\(nope\): no column nope in the schema/);
  bad('missing', /no column missing in the schema/);
  bad('day(name)', /day\(name\): day cannot be applied to column name of type string/);
  bad('hour(d)', /hour cannot be applied to column d of type date/);
  bad('week(ts)', /unknown transform week/);
  bad('tags', /column tags is a list, not a primitive/);
  bad('day(ts), day(ts)', /duplicate partition field ts_day/);
});

test('partition paths show human-readable values', () => {
  const spec = { 'spec-id': 0, fields: parsePartitionSpec('day(ts), bucket(16, id), region, month(d), hour(ts)', schema) };
  const t = coerceLiteral('timestamptz', '2024-01-05 10:30:00');
  const values = [
    applyTransform('day', 'timestamptz', t),
    applyTransform('bucket[16]', 'long', 42n),
    'eu west/1',
    applyTransform('month', 'date', coerceLiteral('date', '1969-12-31')),
    applyTransform('hour', 'timestamptz', t),
  ];
  assert.equal(
    partitionPath(spec, schema, values),
    `ts_day=2024-01-05/id_bucket=${String(values[1])}/region=eu%20west%2F1/d_month=1969-12/ts_hour=2024-01-05-10`,
  );
  assert.equal(partitionPath(spec, schema, [null, null, null, null, null]), 'ts_day=null/id_bucket=null/region=null/d_month=null/ts_hour=null');
});
