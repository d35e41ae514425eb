import { readAvro, writeAvro } from './avro.js';
import { ById, recordFields } from './avro-fields.js';
import { buf, u8 } from './bytes.js';
import { compareValues } from './compare.js';
import type { EntryToWrite } from './manifest.js';
import { MANIFEST_LIST_SCHEMA } from './manifest-schemas.js';
import type { PartitionValue, PrimitiveType } from './types.js';
import { normalizeValue, serializeValue } from './values.js';

export interface FieldSummary {
  readonly containsNull: boolean;
  readonly containsNan?: boolean;
  /** Single-value serialization of the partition field's result type. */
  readonly lowerBound?: Uint8Array;
  readonly upperBound?: Uint8Array;
}

/** One manifest-list entry. */
export interface ManifestFile {
  readonly manifestPath: string;
  readonly manifestLength: number;
  readonly partitionSpecId: number;
  /** 0 data, 1 deletes. */
  readonly content: number;
  readonly sequenceNumber: number;
  readonly minSequenceNumber: number;
  readonly addedSnapshotId: bigint;
  readonly addedFilesCount: number;
  readonly existingFilesCount: number;
  readonly deletedFilesCount: number;
  readonly addedRowsCount: number;
  readonly existingRowsCount: number;
  readonly deletedRowsCount: number;
  readonly partitions?: readonly FieldSummary[];
}

/**
 * The manifest-list entry for a manifest just written in a commit with sequence number `seq`:
 * counts, partition summaries, and the lowest data sequence number of its live entries.
 */
export function describeManifest(args: {
  path: string;
  length: number;
  specId: number;
  snapshotId: bigint;
  seq: number;
  partitionTypes: readonly PrimitiveType[];
  entries: readonly EntryToWrite[];
}): ManifestFile {
  const counts = { added: [0, 0], existing: [0, 0], deleted: [0, 0] };
  let minSeq = Infinity;
  for (const e of args.entries) {
    const bucket = e.status === 1 ? counts.added : e.status === 0 ? counts.existing : counts.deleted;
    bucket[0]! += 1;
    bucket[1]! += e.dataFile.recordCount;
    if (e.status !== 2) minSeq = Math.min(minSeq, e.sequenceNumber ?? args.seq);
  }
  return {
    manifestPath: args.path,
    manifestLength: args.length,
    partitionSpecId: args.specId,
    content: args.entries.some((e) => e.dataFile.content !== 0) ? 1 : 0,
    sequenceNumber: args.seq,
    minSequenceNumber: Number.isFinite(minSeq) ? minSeq : args.seq,
    addedSnapshotId: args.snapshotId,
    addedFilesCount: counts.added[0]!,
    existingFilesCount: counts.existing[0]!,
    deletedFilesCount: counts.deleted[0]!,
    addedRowsCount: counts.added[1]!,
    existingRowsCount: counts.existing[1]!,
    deletedRowsCount: counts.deleted[1]!,
    partitions: args.partitionTypes.map((type, i) => summarize(type, args.entries.map((e) => e.dataFile.partition[i] ?? null))),
  };
}

function summarize(type: PrimitiveType, values: readonly PartitionValue[]): FieldSummary {
  let containsNull = false;
  let containsNan = false;
  let lo: PartitionValue = null;
  let hi: PartitionValue = null;
  for (const raw of values) {
    const v = raw === null ? null : (normalizeValue(type, raw) as PartitionValue);
    if (v === null) containsNull = true;
    else if (typeof v === 'number' && Number.isNaN(v)) containsNan = true;
    else {
      if (lo === null || (compareValues(v, lo) ?? 0) < 0) lo = v;
      if (hi === null || (compareValues(v, hi) ?? 0) > 0) hi = v;
    }
  }
  const floating = type === 'float' || type === 'double';
  return {
    containsNull,
    ...(floating ? { containsNan } : {}),
    ...(lo === null ? {} : { lowerBound: serializeValue(type, lo) }),
    ...(hi === null ? {} : { upperBound: serializeValue(type, hi) }),
  };
}

export function encodeManifestList(
  header: { snapshotId: bigint; parentSnapshotId: bigint | undefined; sequenceNumber: number },
  manifests: readonly ManifestFile[],
): Uint8Array {
  const records = manifests.map((m) => ({
    manifest_path: m.manifestPath,
    manifest_length: m.manifestLength,
    partition_spec_id: m.partitionSpecId,
    content: m.content,
    sequence_number: m.sequenceNumber,
    min_sequence_number: m.minSequenceNumber,
    added_snapshot_id: m.addedSnapshotId,
    added_files_count: m.addedFilesCount,
    existing_files_count: m.existingFilesCount,
    deleted_files_count: m.deletedFilesCount,
    added_rows_count: m.addedRowsCount,
    existing_rows_count: m.existingRowsCount,
    deleted_rows_count: m.deletedRowsCount,
    partitions: m.partitions?.map((p) => ({
      contains_null: p.containsNull,
      contains_nan: p.containsNan ?? null,
      lower_bound: p.lowerBound ? buf(p.lowerBound) : null,
      upper_bound: p.upperBound ? buf(p.upperBound) : null,
    })) ?? null,
    key_metadata: null,
  }));
  return writeAvro(MANIFEST_LIST_SCHEMA, records, {
    'snapshot-id': String(header.snapshotId),
    'parent-snapshot-id': header.parentSnapshotId === undefined ? 'null' : String(header.parentSnapshotId),
    'sequence-number': String(header.sequenceNumber),
    'format-version': '2',
  });
}

export function decodeManifestList(bytes: Uint8Array, path: string): ManifestFile[] {
  const file = readAvro(bytes, path);
  const f = new ById(recordFields(file.schema) ?? []);
  const s = new ById(recordFields(f.field(507)?.type) ?? []);
  const num = (v: unknown, dflt = 0): number => (v === undefined ? dflt : Number(v));
  return file.records.map((r) => {
    const seq = num(f.get(r, 515, 'sequence_number'));
    const parts = f.get(r, 507, 'partitions') as Record<string, unknown>[] | undefined;
    return {
      manifestPath: String(f.get(r, 500, 'manifest_path')),
      manifestLength: num(f.get(r, 501, 'manifest_length')),
      partitionSpecId: num(f.get(r, 502, 'partition_spec_id')),
      content: num(f.get(r, 517, 'content')),
      sequenceNumber: seq,
      minSequenceNumber: num(f.get(r, 516, 'min_sequence_number'), seq),
      addedSnapshotId: BigInt((f.get(r, 503, 'added_snapshot_id') ?? 0n) as bigint),
      addedFilesCount: num(f.get(r, 504, 'added_files_count')),
      existingFilesCount: num(f.get(r, 505, 'existing_files_count')),
      deletedFilesCount: num(f.get(r, 506, 'deleted_files_count')),
      addedRowsCount: num(f.get(r, 512, 'added_rows_count')),
      existingRowsCount: num(f.get(r, 513, 'existing_rows_count')),
      deletedRowsCount: num(f.get(r, 514, 'deleted_rows_count')),
      ...(parts ? {
        partitions: parts.map((p) => {
          const nan = s.get(p, 518, 'contains_nan');
          const lo = s.get(p, 510, 'lower_bound') as Buffer | undefined;
          const hi = s.get(p, 511, 'upper_bound') as Buffer | undefined;
          return {
            containsNull: Boolean(s.get(p, 509, 'contains_null')),
            ...(nan === undefined ? {} : { containsNan: Boolean(nan) }),
            ...(lo ? { lowerBound: Uint8Array.from(u8(lo)) } : {}),
            ...(hi ? { upperBound: Uint8Array.from(u8(hi)) } : {}),
          };
        }),
      } : {}),
    };
  });
}
