import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import avro from 'avsc';
import { readAvro } from './avro.js';
import { decodeManifest, encodeManifest, type EntryToWrite } from './manifest.js';
import { decodeManifestList, describeManifest, encodeManifestList } from './manifest-list.js';
import { parsePartitionSpec, partitionTypes } from './partition-spec.js';
import { buildSchema } from './schema.js';
import type { DataFile, PartitionSpec } from './types.js';
import { serializeValue } from './values.js';

const { schema } = buildSchema([
  { name: 'id', type: 'long' },
  { name: 'ts', type: 'timestamp' },
  { name: 'amount', type: 'decimal(10, 2)' },
]);
const spec: PartitionSpec = { 'spec-id': 0, fields: parsePartitionSpec('day(ts), bucket(4, id), amount', schema) };
const types = partitionTypes(spec, schema);
const snapshotId = 7505300640432048841n;

const file = (name: string, day: number, rows: number): DataFile => ({
  content: 0,
  filePath: `file:///lake/t/data/${name}.parquet`,
  fileFormat: 'PARQUET',
  specId: 0,
  partition: [day, 3, { unscaled: -128n, scale: 2 }],
  recordCount: rows,
  fileSizeInBytes: 1000 + rows,
  columnSizes: new Map([[1, 10]]),
  valueCounts: new Map([[1, rows], [2, rows]]),
  nullValueCounts: new Map([[1, 0], [2, 1]]),
  lowerBounds: new Map([[1, serializeValue('long', 1n)]]),
  upperBounds: new Map([[1, serializeValue('long', 9007199254740993n)]]),
  splitOffsets: [4n],
});

const entries: EntryToWrite[] = [
  { status: 1, snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile: file('a', 19727, 5) },
  { status: 0, snapshotId: 1n, sequenceNumber: 2, fileSequenceNumber: 2, dataFile: { ...file('b', 19725, 7), partition: [19725, null, null] } },
  { status: 2, snapshotId, sequenceNumber: 1, fileSequenceNumber: 1, dataFile: file('c', 19730, 1) },
];

test('a manifest round-trips and inherits sequence numbers for ADDED entries', () => {
  const bytes = encodeManifest({ schema, spec, partitionTypes: types, entries });
  const back = decodeManifest(bytes, 'm.avro', { sequenceNumber: 9, addedSnapshotId: snapshotId, partitionSpecId: 0 }, spec);
  assert.equal(back.length, 3);
  assert.deepEqual(back.map((e) => [e.status, e.sequenceNumber, e.fileSequenceNumber, e.snapshotId]), [
    [1, 9, 9, snapshotId], [0, 2, 2, 1n], [2, 1, 1, snapshotId],
  ]);
  assert.deepEqual(back[0]!.dataFile, file('a', 19727, 5));
  assert.deepEqual(back[1]!.dataFile.partition, [19725, null, null]);
});

test('the manifest header keeps field ids, element ids, map logical types and the Iceberg keys', () => {
  const bytes = encodeManifest({ schema, spec, partitionTypes: types, entries });
  const { meta } = readAvro(bytes, 'm.avro');
  const header = JSON.parse(meta['avro.schema']!);
  const dataFile = header.fields.find((f: { name: string }) => f.name === 'data_file');
  assert.equal(header.fields[0]['field-id'], 0);
  assert.equal(dataFile['field-id'], 2);
  const byName = new Map(dataFile.type.fields.map((f: { name: string }) => [f.name, f]));
  const partition = byName.get('partition') as { 'field-id': number; type: { fields: { 'field-id': number; type: unknown }[] } };
  assert.equal(partition['field-id'], 102);
  assert.deepEqual(partition.type.fields.map((f) => f['field-id']), [1000, 1001, 1002]);
  assert.deepEqual(partition.type.fields[0]!.type, ['null', { type: 'int', logicalType: 'date' }]);
  const bounds = byName.get('lower_bounds') as { type: [string, { logicalType: string; items: { fields: { 'field-id': number }[] } }] };
  assert.equal(bounds.type[1].logicalType, 'map');
  assert.deepEqual(bounds.type[1].items.fields.map((f) => f['field-id']), [126, 127]);
  assert.equal((byName.get('split_offsets') as { type: [string, { 'element-id': number }] }).type[1]['element-id'], 133);
  assert.equal(meta['format-version'], '2');
  assert.equal(meta.content, 'data');
  assert.equal(meta['partition-spec-id'], '0');
  assert.equal(meta['schema-id'], '0');
  assert.deepEqual(JSON.parse(meta['partition-spec']!), spec.fields);
  assert.equal(JSON.parse(meta.schema!).fields.length, 3);
  assert.equal(meta['avro.codec'], 'deflate');
});

test('a manifest list round-trips with counts, partition summaries and Java header keys', async () => {
  const mf = describeManifest({ path: 'file:///lake/t/metadata/m0.avro', length: 1234, specId: 0, snapshotId, seq: 3, partitionTypes: types, entries });
  assert.equal(mf.minSequenceNumber, 2);
  assert.deepEqual([mf.addedFilesCount, mf.existingFilesCount, mf.deletedFilesCount], [1, 1, 1]);
  assert.deepEqual([mf.addedRowsCount, mf.existingRowsCount, mf.deletedRowsCount], [5, 7, 1]);
  assert.deepEqual(mf.partitions![0], {
    containsNull: false, lowerBound: serializeValue('date', 19725), upperBound: serializeValue('date', 19730),
  });
  assert.equal(mf.partitions![1]!.containsNull, true);
  assert.deepEqual(mf.partitions![2]!.lowerBound, Uint8Array.of(0x80));
  const bytes = encodeManifestList({ snapshotId, parentSnapshotId: undefined, sequenceNumber: 3 }, [mf]);
  assert.deepEqual(decodeManifestList(bytes, 'list.avro'), [mf]);
  const { meta } = readAvro(bytes, 'list.avro');
  assert.equal(meta['snapshot-id'], '7505300640432048841');
  assert.equal(meta['parent-snapshot-id'], 'null');
  assert.equal(meta['sequence-number'], '3');
  assert.equal(meta['format-version'], '2');
  assert.match(meta['avro.schema']!, /"element-id":508/);

  // an independent reader (avsc's own container decoder) accepts the file
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'silt-avro-'));
  try {
    const p = path.join(dir, 'list.avro');
    await fs.writeFile(p, bytes);
    const records: Record<string, unknown>[] = [];
    const long = avro.types.LongType.__with({
      fromBuffer: (b: Buffer) => b.readBigInt64LE(),
      toBuffer: (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64LE(n); return b; },
      fromJSON: BigInt, toJSON: Number, isValid: (n: unknown) => typeof n === 'bigint', compare: () => 0,
    });
    await new Promise<void>((resolve, reject) => {
      avro.createFileDecoder(p, {
        parseHook: (s: avro.Schema) => avro.Type.forSchema(s, { registry: { long } }),
      }).on('data', (r: Record<string, unknown>) => records.push(r)).on('end', resolve).on('error', reject);
    });
    assert.equal(records.length, 1);
    assert.equal(records[0]!.manifest_path, 'file:///lake/t/metadata/m0.avro');
    assert.equal(Number(records[0]!.sequence_number), 3);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
});

test('data file checksums round-trip through the manifest metadata, outside the Iceberg entry schema', () => {
  const sum = 'ab'.repeat(32);
  const withSum: EntryToWrite[] = [
    { ...entries[0]!, dataFile: { ...file('a', 19727, 5), sha256: sum } },
    entries[1]!,
  ];
  const bytes = encodeManifest({ schema, spec, partitionTypes: types, entries: withSum });
  const { meta, schema: avroSchema } = readAvro(bytes, 'm.avro');
  assert.deepEqual(JSON.parse(meta['silt.sha256']!), { 'file:///lake/t/data/a.parquet': sum });
  assert.doesNotMatch(JSON.stringify(avroSchema), /sha256/);
  const back = decodeManifest(bytes, 'm.avro', { sequenceNumber: 9, addedSnapshotId: snapshotId, partitionSpecId: 0 }, spec);
  assert.equal(back[0]!.dataFile.sha256, sum);
  assert.equal(back[1]!.dataFile.sha256, undefined);
  assert.equal(readAvro(encodeManifest({ schema, spec, partitionTypes: types, entries }), 'm.avro').meta['silt.sha256'], undefined);
});
