import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeleteIndex } from './deletes.js';
import { buildSchema } from './schema.js';
import { newTableMetadata } from './table-metadata.js';
import { parsePartitionSpec } from './partition-spec.js';
import { serializeValue } from './values.js';
import { POSITION_DELETE_FIELDS, type DataFile, type ManifestEntry, type TableMetadata } from './types.js';

const { schema, lastColumnId } = buildSchema([
  { name: 'id', type: 'long', required: true },
  { name: 'k', type: 'string' },
]);
/** Spec 0 partitions by k; spec 1 (added below) is unpartitioned. */
const partitioned = newTableMetadata({ location: 'file:///w/t', schema, lastColumnId, partitionFields: parsePartitionSpec('k', schema) });
const m: TableMetadata = { ...partitioned, 'partition-specs': [...partitioned['partition-specs'], { 'spec-id': 1, fields: [] }] };

function entry(seq: number, file: Partial<DataFile> & { filePath: string }, status: 0 | 1 | 2 = 1): ManifestEntry {
  return {
    status, snapshotId: 1n, sequenceNumber: seq, fileSequenceNumber: seq,
    dataFile: { content: 0, fileFormat: 'PARQUET', specId: 0, partition: ['a'], recordCount: 1, fileSizeInBytes: 1, ...file },
  };
}
const path = (p: string): Uint8Array => new TextEncoder().encode(p);
const applied = (index: DeleteIndex, e: ManifestEntry): string[] => (index.apply(e).deletes?.files ?? []).map((d) => d.file.filePath).sort();

test('a position delete applies to data files of its partition with a sequence number at or below its own', () => {
  const pos = entry(2, { filePath: 'pos', content: 1 });
  const index = new DeleteIndex(m, [pos]);
  assert.deepEqual(applied(index, entry(1, { filePath: 'older' })), ['pos']);
  assert.deepEqual(applied(index, entry(2, { filePath: 'same-commit' })), ['pos']);
  assert.deepEqual(applied(index, entry(3, { filePath: 'newer' })), []);
  assert.deepEqual(applied(index, entry(1, { filePath: 'other-partition', partition: ['b'] })), []);
  assert.equal(index.apply(entry(3, { filePath: 'newer' })).deletes, undefined, 'a file no delete applies to is read as it is');
});

test('an equality delete applies only to data files of a strictly lower sequence number, so never to rows appended after it', () => {
  const eq = entry(2, { filePath: 'eq', content: 2, equalityIds: [1] });
  const index = new DeleteIndex(m, [eq]);
  assert.deepEqual(applied(index, entry(1, { filePath: 'older' })), ['eq']);
  assert.deepEqual(applied(index, entry(2, { filePath: 'same-commit' })), []);
  assert.deepEqual(applied(index, entry(3, { filePath: 'appended-after' })), []);
  assert.deepEqual(applied(index, entry(1, { filePath: 'other-partition', partition: ['b'] })), [], 'partition scope');
  const scoped = index.apply(entry(1, { filePath: 'older' })).deletes!;
  assert.equal(scoped.dataSequenceNumber, 1);
  assert.equal(scoped.files[0]!.global, false);
});

test('an equality delete of an unpartitioned spec applies in every partition of every spec', () => {
  const index = new DeleteIndex(m, [entry(5, { filePath: 'eq-global', content: 2, equalityIds: [1], specId: 1, partition: [] })]);
  assert.deepEqual(applied(index, entry(1, { filePath: 'a' })), ['eq-global']);
  assert.deepEqual(applied(index, entry(1, { filePath: 'b', partition: ['b'] })), ['eq-global']);
  assert.equal(index.apply(entry(1, { filePath: 'a' })).deletes!.files[0]!.global, true);
});

test('position deletes are pruned by referenced_data_file and by their file_path bounds; DELETED entries never apply', () => {
  const bounded = entry(3, {
    filePath: 'pos-bounded', content: 1,
    lowerBounds: new Map([[POSITION_DELETE_FIELDS.filePath, path('file:///w/t/data/b')]]),
    upperBounds: new Map([[POSITION_DELETE_FIELDS.filePath, path('file:///w/t/data/c')]]),
  });
  const referenced = entry(3, { filePath: 'pos-referenced', content: 1, referencedDataFile: 'file:///w/t/data/a' });
  const gone = entry(3, { filePath: 'pos-gone', content: 1 }, 2);
  const index = new DeleteIndex(m, [bounded, referenced, gone]);
  assert.deepEqual(applied(index, entry(1, { filePath: 'file:///w/t/data/a' })), ['pos-referenced']);
  assert.deepEqual(applied(index, entry(1, { filePath: 'file:///w/t/data/b1' })), ['pos-bounded']);
  assert.deepEqual(applied(index, entry(1, { filePath: 'file:///w/t/data/c' })), ['pos-bounded']);
  assert.deepEqual(applied(index, entry(1, { filePath: 'file:///w/t/data/d' })), []);
  assert.ok(new DeleteIndex(m, [gone]).empty);
});

test('an equality delete skips data files whose bounds show no row can match it, unless NULL may match NULL', () => {
  const long = (n: number): Uint8Array => serializeValue('long', BigInt(n));
  const bounded = (lo: number, hi: number, nulls: number | undefined) => ({
    lowerBounds: new Map([[1, long(lo)]]), upperBounds: new Map([[1, long(hi)]]),
    ...(nulls === undefined ? {} : { nullValueCounts: new Map([[1, nulls]]) }),
  });
  const index = new DeleteIndex(m, [entry(2, { filePath: 'eq', content: 2, equalityIds: [1], ...bounded(100, 200, 0) })]);
  assert.deepEqual(applied(index, entry(1, { filePath: 'below', ...bounded(0, 99, 5) })), []);
  assert.deepEqual(applied(index, entry(1, { filePath: 'above', ...bounded(201, 300, 0) })), []);
  assert.deepEqual(applied(index, entry(1, { filePath: 'overlaps', ...bounded(150, 250, 0) })), ['eq']);
  assert.deepEqual(applied(index, entry(1, { filePath: 'no-bounds' })), ['eq']);
  const withNulls = new DeleteIndex(m, [entry(2, { filePath: 'eq-null', content: 2, equalityIds: [1], ...bounded(100, 200, 1) })]);
  assert.deepEqual(applied(withNulls, entry(1, { filePath: 'below-with-nulls', ...bounded(0, 99, 2) })), ['eq-null']);
  assert.deepEqual(applied(withNulls, entry(1, { filePath: 'below-no-nulls', ...bounded(0, 99, 0) })), []);
});
