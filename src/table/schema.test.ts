import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { parseMetadata, serializeMetadata } from './metadata-json.js';
import { parsePartitionSpec } from './partition-spec.js';
import { buildSchema, currentSchema } from './schema.js';
import { evolveSchema } from './schema-evolution.js';
import { newTableMetadata } from './table-metadata.js';
import type { PrimitiveType, TableMetadata } from './types.js';

function table(): TableMetadata {
  const { schema, lastColumnId } = buildSchema([
    { name: 'id', type: 'int', required: true },
    { name: 'ts', type: 'timestamp' },
    { name: 'price', type: 'decimal(9, 2)' },
    { name: 'addr', type: { type: 'struct', fields: [{ name: 'city', type: 'string' }] } },
  ]);
  return newTableMetadata({
    location: 'file:///lake/t', schema, lastColumnId,
    partitionFields: parsePartitionSpec('day(ts)', schema),
  });
}

test('buildSchema assigns ids a struct at a time, nested types after their parents', () => {
  const { schema, lastColumnId } = buildSchema([
    { name: 'a', type: { type: 'struct', fields: [{ name: 'x', type: 'int' }, { name: 'y', type: 'string' }] } },
    { name: 'b', type: { type: 'list', element: 'long' } },
    { name: 'c', type: { type: 'map', key: 'string', value: 'double', valueRequired: true } },
    { name: 'd', type: 'Decimal(10,2)' as PrimitiveType, required: true, doc: 'money' },
  ], 10);
  assert.equal(lastColumnId, 19);
  assert.deepEqual(schema.fields.map((f) => f.id), [11, 12, 13, 14]);
  assert.deepEqual(schema.fields[0]!.type, { type: 'struct', fields: [
    { id: 15, name: 'x', required: false, type: 'int' }, { id: 16, name: 'y', required: false, type: 'string' },
  ] });
  assert.deepEqual(schema.fields[1]!.type, { type: 'list', 'element-id': 17, 'element-required': false, element: 'long' });
  assert.deepEqual(schema.fields[2]!.type, { type: 'map', 'key-id': 18, key: 'string', 'value-id': 19, 'value-required': true, value: 'double' });
  assert.deepEqual(schema.fields[3], { id: 14, name: 'd', required: true, type: 'decimal(10, 2)', doc: 'money' });
  assert.throws(() => buildSchema([{ name: 'a', type: 'varchar' as PrimitiveType }]), /column a: unknown type "varchar"/);
  assert.throws(() => buildSchema([{ name: 'a', type: 'int' }, { name: 'A', type: 'int' }]), /duplicate column A/);
});

test('evolveSchema adds, renames, drops and widens into a new current schema', () => {
  const m = table();
  const next = evolveSchema(m, [
    { kind: 'add', name: 'note', type: 'string', doc: 'free text' },
    { kind: 'add', name: 'addr.zip', type: 'string' },
    { kind: 'rename', from: 'price', to: 'amount' },
    { kind: 'widen', name: 'id', type: 'long' },
    { kind: 'widen', name: 'amount', type: 'decimal(12, 2)' },
  ]);
  const s = currentSchema(next);
  assert.equal(s['schema-id'], 1);
  assert.equal(next['last-column-id'], 7);
  assert.deepEqual(s.fields.map((f) => [f.id, f.name, f.type]), [
    [1, 'id', 'long'], [2, 'ts', 'timestamp'], [3, 'amount', 'decimal(12, 2)'],
    [4, 'addr', { type: 'struct', fields: [{ id: 5, name: 'city', required: false, type: 'string' }, { id: 7, name: 'zip', required: false, type: 'string' }] }],
    [6, 'note', 'string'],
  ]);
  assert.equal(next.schemas.length, 2);
  // adding what already exists is skipped; so nothing changes at all
  assert.equal(evolveSchema(next, [{ kind: 'add', name: 'note', type: 'string' }]), next);
  const dropped = evolveSchema(next, [{ kind: 'drop', name: 'note' }]);
  assert.equal(currentSchema(dropped).fields.some((f) => f.name === 'note'), false);
});

test('evolveSchema refuses illegal changes naming the column', () => {
  const m = evolveSchema(table(), [{ kind: 'widen', name: 'id', type: 'long' }]);
  const bad = (change: Parameters<typeof evolveSchema>[1][number], message: RegExp): void => {
    assert.throws(() => evolveSchema(m, [change]), (e) => e instanceof InvalidInput && message.test(e.message), message.source);
  };
  bad({ kind: 'widen', name: 'id', type: 'int' }, /column id: cannot change type from long to int/);
  bad({ kind: 'widen', name: 'addr.city', type: 'int' }, /column addr.city: cannot change type from string to int/);
  bad({ kind: 'widen', name: 'price', type: 'decimal(9, 3)' }, /column price: cannot change type from decimal\(9, 2\) to decimal\(9, 3\)/);
  bad({ kind: 'drop', name: 'nope' }, /cannot drop column nope: no such column/);
  bad({ kind: 'drop', name: 'ts' }, /cannot drop column ts: partition field ts_day is derived from it/);
  bad({ kind: 'rename', from: 'price', to: 'ID' }, /cannot rename price to ID: a column id exists/);
  bad({ kind: 'add', name: 'price', type: 'string' }, /column price already exists with type decimal\(9, 2\)/);
  bad({ kind: 'add', name: 'x', type: 'text' as 'string' }, /column x: unknown type "text"/);
});

test('metadata JSON keeps int64 snapshot ids exact and reads -1 as no snapshot', () => {
  const m = table();
  const id = 7505300640432048841n;
  const withSnap: TableMetadata = {
    ...m,
    'current-snapshot-id': id,
    refs: { main: { 'snapshot-id': id, type: 'branch' } },
    snapshots: [{ 'snapshot-id': id, 'sequence-number': 1, 'timestamp-ms': 1, 'manifest-list': 'file:///x', summary: { operation: 'append' } }],
    'snapshot-log': [{ 'timestamp-ms': 1, 'snapshot-id': id }],
  };
  const text = serializeMetadata(withSnap);
  assert.match(text, /"current-snapshot-id":7505300640432048841/);
  assert.match(text, /^\{"format-version":2,"table-uuid"/);
  assert.deepEqual(parseMetadata(text), withSnap);
  const empty = parseMetadata(serializeMetadata(m).replace('"refs":{}', '"current-snapshot-id":-1'));
  assert.equal(empty['current-snapshot-id'], undefined);
  assert.deepEqual(empty.refs, {});
  assert.throws(() => parseMetadata('{"format-version":1}'), /format-version 1 is not supported/);
  assert.throws(() => parseMetadata(serializeMetadata(m).replace(/"last-column-id":\d+,/, '')), /required field last-column-id is missing/);
});
