import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindExpr, type Expr } from './expr.js';
import { parsePartitionSpec, partitionTypes } from './partition-spec.js';
import { fileStats, mightMatch, partitionStats, projectToPartition, summaryStats } from './prune.js';
import { buildSchema } from './schema.js';
import { applyTransform } from './transforms.js';
import type { DataFile, PartitionSpec } from './types.js';
import { serializeValue } from './values.js';
import { coerceLiteral } from './literals.js';

const { schema } = buildSchema([
  { name: 'id', type: 'long' },
  { name: 'ts', type: 'timestamptz' },
  { name: 'name', type: 'string' },
  { name: 'score', type: 'double' },
  { name: 'n', type: 'int' },
]);
const spec: PartitionSpec = { 'spec-id': 0, fields: parsePartitionSpec('bucket(8, id), hour(ts), truncate(3, name), truncate(10, n)', schema) };

/** Would a file whose partition holds exactly the transformed row values be kept? */
function keeps(filter: Expr, row: { id: bigint; ts: string; name: string; n: number }): boolean {
  const ts = coerceLiteral('timestamptz', row.ts);
  const values = [
    applyTransform('bucket[8]', 'long', row.id), applyTransform('hour', 'timestamptz', ts),
    applyTransform('truncate[3]', 'string', row.name), applyTransform('truncate[10]', 'int', row.n),
  ];
  return mightMatch(projectToPartition(bindExpr(filter, schema), spec), partitionStats(spec, values));
}

const row = { id: 42n, ts: '1969-12-31 23:30:00Z', name: 'iceberg', n: -3 };

test('the inclusive projection keeps every partition that holds a matching row', () => {
  const matching: Expr[] = [
    { op: '=', column: 'id', value: 42 },
    { op: 'in', column: 'id', values: [1, 42] },
    { op: '>=', column: 'ts', value: '1969-12-31 23:10:00Z' },
    { op: '<', column: 'ts', value: '1969-12-31 23:45:00Z' },
    { op: '>', column: 'name', value: 'icea' },
    { op: '<=', column: 'name', value: 'iceberg' },
    { op: '=', column: 'name', value: 'iceberg' },
    { op: '<', column: 'n', value: 0 },
    { op: '>', column: 'n', value: -4 },
    { op: '!=', column: 'id', value: 7 },
    { op: 'not', arg: { op: '=', column: 'id', value: 7 } },
  ];
  for (const f of matching) assert.equal(keeps(f, row), true, JSON.stringify(f, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
});

test('the inclusive projection prunes partitions that cannot match', () => {
  const pruned: Expr[] = [
    { op: '=', column: 'id', value: 43 },
    { op: '<', column: 'ts', value: '1969-12-31 22:59:00Z' },
    { op: '>=', column: 'ts', value: '1970-01-01 00:00:00Z' },
    { op: '=', column: 'name', value: 'icy' },
    { op: '>', column: 'n', value: 0 },
    { op: 'is-null', column: 'name' },
    { op: 'not', arg: { op: 'not-null', column: 'id' } },
  ];
  for (const f of pruned) assert.equal(keeps(f, row), false, JSON.stringify(f));
});

test('manifest summaries prune by range and null presence', () => {
  const types = partitionTypes(spec, schema);
  const hour = applyTransform('hour', 'timestamptz', coerceLiteral('timestamptz', '2024-01-05 10:00:00Z')) as number;
  const stats = summaryStats(spec, types, [
    { containsNull: false },
    { containsNull: false, lowerBound: serializeValue('int', hour), upperBound: serializeValue('int', hour + 5) },
    { containsNull: true },
    { containsNull: false, lowerBound: serializeValue('int', 0), upperBound: serializeValue('int', 90) },
  ]);
  const bound = (f: Expr): boolean => mightMatch(projectToPartition(bindExpr(f, schema), spec), stats);
  assert.equal(bound({ op: '>=', column: 'ts', value: '2024-01-05 14:59:00Z' }), true);
  assert.equal(bound({ op: '>=', column: 'ts', value: '2024-01-05 16:00:00Z' }), false);
  assert.equal(bound({ op: '=', column: 'name', value: 'abc' }), false, 'a summary with only nulls has no bounds');
  assert.equal(bound({ op: 'is-null', column: 'name' }), true);
  assert.equal(bound({ op: '>', column: 'n', value: 99 }), true, 'truncate(10) puts 95 in partition 90');
  assert.equal(bound({ op: '>', column: 'n', value: 100 }), false);
});

test('column metrics prune by bounds and counts, and stay safe around NaN and unknowns', () => {
  const file: DataFile = {
    content: 0, filePath: 'file:///x.parquet', fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 10, fileSizeInBytes: 1,
    valueCounts: new Map([[1, 10], [4, 10]]),
    nullValueCounts: new Map([[1, 0], [4, 2]]),
    nanValueCounts: new Map([[4, 1]]),
    lowerBounds: new Map([[1, serializeValue('int', 5)], [4, serializeValue('double', -1.5)]]),
    upperBounds: new Map([[1, serializeValue('int', 9)], [4, serializeValue('double', 2.5)]]),
  };
  const types = new Map(schema.fields.map((f) => [f.id, f.type as 'long']));
  const check = (f: Expr): boolean => mightMatch(bindExpr(f, schema), fileStats(file, (id) => types.get(id)));
  assert.equal(check({ op: '=', column: 'id', value: 7 }), true);
  assert.equal(check({ op: '=', column: 'id', value: 10 }), false, 'a 4-byte bound on a long column is read as the int it was');
  assert.equal(check({ op: 'is-null', column: 'id' }), false);
  assert.equal(check({ op: 'is-null', column: 'score' }), true);
  assert.equal(check({ op: '<', column: 'score', value: -2 }), false);
  assert.equal(check({ op: '>', column: 'score', value: 100 }), true, 'NaN sorts above numbers in DuckDB');
  assert.equal(check({ op: '=', column: 'name', value: 'x' }), true, 'no metrics: keep');
  assert.equal(check({ op: '=', column: 'id', value: 'not a number' }), true, 'literal that does not fit: keep');
});
