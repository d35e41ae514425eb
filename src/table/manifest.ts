import { InvalidInput } from '../errors.js';
import { readAvro, writeAvro } from './avro.js';
import { ById, intKeyed, nonNull, recordFields, type AvroField } from './avro-fields.js';
import { buf, u8 } from './bytes.js';
import { manifestEntrySchema } from './manifest-schemas.js';
import { stringifyJson } from './metadata-json.js';
import { decimalRequiredBytes, parsePrimitive } from './primitive.js';
import type { DataFile, EntryStatus, FileContent, ManifestEntry, PartitionSpec, PartitionValue, PrimitiveType, Schema } from './types.js';
import { bytesToDecimal, bytesToUuid, fixedBigEndian, isDecimal, normalizeValue, uuidToBytes } from './values.js';

/** An entry to write. ADDED entries leave sequence numbers null: they inherit the commit's. */
export interface EntryToWrite {
  status: EntryStatus;
  snapshotId: bigint;
  sequenceNumber: number | null;
  fileSequenceNumber: number | null;
  dataFile: DataFile;
}

export interface ManifestWriteArgs {
  schema: Schema;
  spec: PartitionSpec;
  /** Result type of each spec field, in order. */
  partitionTypes: readonly PrimitiveType[];
  entries: readonly EntryToWrite[];
}

/** Encodes a data manifest (Avro) with the header keys the spec asks for. */
export function encodeManifest(args: ManifestWriteArgs): Uint8Array {
  const { spec, partitionTypes } = args;
  const schema = manifestEntrySchema(spec.fields, partitionTypes);
  const records = args.entries.map((e) => {
    const f = e.dataFile;
    if (f.partition.length !== spec.fields.length) {
      throw new InvalidInput(`manifest: ${f.filePath} has ${f.partition.length} partition values, spec ${spec['spec-id']} has ${spec.fields.length} fields`);
    }
    const partition: Record<string, unknown> = {};
    spec.fields.forEach((pf, i) => {
      partition[pf.name] = toAvroPartition(partitionTypes[i]!, f.partition[i] ?? null, f.filePath);
    });
    return {
      status: e.status,
      snapshot_id: e.snapshotId,
      sequence_number: e.sequenceNumber,
      file_sequence_number: e.fileSequenceNumber,
      data_file: {
        content: f.content,
        file_path: f.filePath,
        file_format: f.fileFormat,
        partition,
        record_count: f.recordCount,
        file_size_in_bytes: f.fileSizeInBytes,
        column_sizes: mapOut(f.columnSizes),
        value_counts: mapOut(f.valueCounts),
        null_value_counts: mapOut(f.nullValueCounts),
        nan_value_counts: mapOut(f.nanValueCounts),
        lower_bounds: mapOut(f.lowerBounds, buf),
        upper_bounds: mapOut(f.upperBounds, buf),
        key_metadata: null,
        split_offsets: f.splitOffsets ? [...f.splitOffsets] : null,
        equality_ids: f.equalityIds ? [...f.equalityIds] : null,
        sort_order_id: f.sortOrderId ?? null,
      },
    };
  });
  return writeAvro(schema, records, {
    schema: stringifyJson(args.schema),
    'schema-id': String(args.schema['schema-id']),
    'partition-spec': stringifyJson(spec.fields),
    'partition-spec-id': String(spec['spec-id']),
    'format-version': '2',
    content: args.entries.some((e) => e.dataFile.content !== 0) ? 'deletes' : 'data',
    ...checksumMeta(args.entries),
  });
}

/**
 * Silt's checksums of the data files, as Avro file metadata: a JSON object {file_path: sha256}.
 * Iceberg has no checksum field, and adding one to the entry schema would break other readers;
 * they skip metadata keys they do not know. Rewritten manifests carry the checksums over, as
 * entries read back carry them.
 */
export const CHECKSUM_META_KEY = 'silt.sha256';

function checksumMeta(entries: readonly EntryToWrite[]): Record<string, string> {
  const sums: Record<string, string> = {};
  for (const e of entries) if (e.dataFile.sha256) sums[e.dataFile.filePath] = e.dataFile.sha256;
  return Object.keys(sums).length > 0 ? { [CHECKSUM_META_KEY]: JSON.stringify(sums) } : {};
}

function readChecksums(meta: Record<string, string>, path: string): Map<string, string> {
  const text = meta[CHECKSUM_META_KEY];
  if (text === undefined) return new Map();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInput(`manifest: ${path}: ${CHECKSUM_META_KEY} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new InvalidInput(`manifest: ${path}: ${CHECKSUM_META_KEY} is not a JSON object`);
  return new Map(Object.entries(parsed).filter((kv): kv is [string, string] => typeof kv[1] === 'string'));
}

/** Metric maps are written empty rather than null when unknown: PyIceberg's inspect tables expect maps. */
function mapOut<V, W = V>(m: ReadonlyMap<number, V> | undefined, conv?: (v: V) => W): { key: number; value: unknown }[] {
  return [...(m ?? [])].map(([key, value]) => ({ key, value: conv ? conv(value) : value }));
}

function toAvroPartition(type: PrimitiveType, value: PartitionValue, file: string): unknown {
  if (value === null) return null;
  const v = normalizeValue(type, value) as PartitionValue;
  const p = parsePrimitive(type);
  const bad = (): never => {
    throw new InvalidInput(`manifest: ${file}: partition value does not match type ${type}`);
  };
  switch (p.kind) {
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return typeof v === 'bigint' || typeof v === 'number' ? BigInt(v) : bad();
    case 'uuid':
      return typeof v === 'string' ? buf(uuidToBytes(v)) : bad();
    case 'binary':
    case 'fixed':
      return v instanceof Uint8Array ? buf(v) : bad();
    case 'decimal':
      return isDecimal(v) ? buf(fixedBigEndian(v.unscaled, decimalRequiredBytes(p.precision))) : bad();
    default:
      return v;
  }
}

/** A partition value as Avro decoded it, by the Avro type the writer declared. */
function fromAvroPartition(type: unknown, v: unknown): PartitionValue {
  if (v === null || v === undefined) return null;
  const t = nonNull(type) as { type?: string; logicalType?: string; scale?: number } | string;
  if (Buffer.isBuffer(v)) {
    const bytes = Uint8Array.from(u8(v));
    if (typeof t === 'object' && t.logicalType === 'decimal') return { unscaled: bytesToDecimal(bytes), scale: t.scale ?? 0 };
    if (typeof t === 'object' && t.logicalType === 'uuid' && bytes.length === 16) return bytesToUuid(bytes);
    return bytes;
  }
  return v as PartitionValue;
}

/**
 * Decodes a data or delete manifest. Sequence numbers and snapshot ids of ADDED entries are
 * inherited from the manifest-list entry (spec "Sequence Number Inheritance").
 */
export function decodeManifest(
  bytes: Uint8Array,
  path: string,
  inherit: { sequenceNumber: number; addedSnapshotId: bigint; partitionSpecId: number },
  spec: PartitionSpec | undefined,
): ManifestEntry[] {
  const file = readAvro(bytes, path);
  const top = recordFields(file.schema) ?? [];
  const entry = new ById(top);
  const dfFields = recordFields(entry.field(2)?.type) ?? [];
  const df = new ById(dfFields);
  const partFields: readonly AvroField[] = recordFields(df.field(102)?.type) ?? [];
  const checksums = readChecksums(file.meta, path);
  const order = spec ? spec.fields.map((f) => partFields.find((a) => a['field-id'] === f['field-id'])) : partFields;
  return file.records.map((r) => {
    const status = Number(entry.get(r, 0, 'status')) as EntryStatus;
    const added = status === 1;
    const seqRaw = entry.get(r, 3, 'sequence_number');
    const fileSeqRaw = entry.get(r, 4, 'file_sequence_number');
    const snapRaw = entry.get(r, 1, 'snapshot_id');
    const d = (entry.get(r, 2, 'data_file') ?? {}) as Record<string, unknown>;
    const part = (df.get(d, 102, 'partition') ?? {}) as Record<string, unknown>;
    const num = (v: unknown): number => Number(v);
    const bytesOf = (v: unknown): Uint8Array => Uint8Array.from(u8(v as Buffer));
    const sequenceNumber = seqRaw === undefined ? (added ? inherit.sequenceNumber : 0) : Number(seqRaw);
    const filePath = String(df.get(d, 100, 'file_path'));
    const dataFile: DataFile = {
      content: Number(df.get(d, 134, 'content') ?? 0) as FileContent,
      filePath,
      fileFormat: String(df.get(d, 101, 'file_format')).toUpperCase() as 'PARQUET',
      specId: inherit.partitionSpecId,
      partition: order.map((f) => (f ? fromAvroPartition(f.type, part[f.name]) : null)),
      recordCount: num(df.get(d, 103, 'record_count')),
      fileSizeInBytes: num(df.get(d, 104, 'file_size_in_bytes')),
      ...opt('columnSizes', intKeyed(df.get(d, 108, 'column_sizes'), num)),
      ...opt('valueCounts', intKeyed(df.get(d, 109, 'value_counts'), num)),
      ...opt('nullValueCounts', intKeyed(df.get(d, 110, 'null_value_counts'), num)),
      ...opt('nanValueCounts', intKeyed(df.get(d, 137, 'nan_value_counts'), num)),
      ...opt('lowerBounds', intKeyed(df.get(d, 125, 'lower_bounds'), bytesOf)),
      ...opt('upperBounds', intKeyed(df.get(d, 128, 'upper_bounds'), bytesOf)),
      ...opt('splitOffsets', (df.get(d, 132, 'split_offsets') as unknown[] | undefined)?.map((v) => BigInt(v as bigint))),
      ...opt('equalityIds', (df.get(d, 135, 'equality_ids') as unknown[] | undefined)?.map(Number)),
      ...opt('referencedDataFile', df.get(d, 143, 'referenced_data_file') as string | undefined),
      ...opt('sortOrderId', df.get(d, 140, 'sort_order_id') as number | undefined),
      ...opt('sha256', checksums.get(filePath)),
    };
    return {
      status,
      snapshotId: snapRaw === undefined ? inherit.addedSnapshotId : BigInt(snapRaw as bigint),
      sequenceNumber,
      fileSequenceNumber: fileSeqRaw === undefined ? (added ? inherit.sequenceNumber : sequenceNumber) : Number(fileSeqRaw),
      dataFile,
    };
  });
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
