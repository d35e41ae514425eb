/**
 * Iceberg v2 spec objects, shaped exactly as they appear in metadata JSON (kebab-case keys), so
 * that reading and writing metadata is a bigint-safe JSON parse/stringify and nothing more.
 * Snapshot ids are int64 and routinely exceed 2^53: they are `bigint` everywhere.
 * These objects are immutable data; change them by building new ones.
 */

export type PrimitiveType =
  | 'boolean'
  | 'int'
  | 'long'
  | 'float'
  | 'double'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'string'
  | 'uuid'
  | 'binary'
  | `decimal(${number}, ${number})`
  | `fixed[${number}]`;

export interface StructType {
  readonly type: 'struct';
  readonly fields: readonly NestedField[];
}

export interface ListType {
  readonly type: 'list';
  readonly 'element-id': number;
  readonly element: IcebergType;
  readonly 'element-required': boolean;
}

export interface MapType {
  readonly type: 'map';
  readonly 'key-id': number;
  readonly key: IcebergType;
  readonly 'value-id': number;
  readonly value: IcebergType;
  readonly 'value-required': boolean;
}

export type IcebergType = PrimitiveType | StructType | ListType | MapType;

export interface NestedField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: IcebergType;
  readonly doc?: string;
}

export interface Schema {
  readonly type: 'struct';
  readonly 'schema-id': number;
  readonly 'identifier-field-ids'?: readonly number[];
  readonly fields: readonly NestedField[];
}

/** Transform strings as the spec spells them: identity, year, month, day, hour, bucket[N], truncate[W], void. */
export type Transform = string;

export interface PartitionField {
  readonly 'source-id': number;
  readonly 'field-id': number;
  readonly name: string;
  readonly transform: Transform;
}

export interface PartitionSpec {
  readonly 'spec-id': number;
  readonly fields: readonly PartitionField[];
}

export interface SortField {
  readonly transform: Transform;
  readonly 'source-id': number;
  readonly direction: 'asc' | 'desc';
  readonly 'null-order': 'nulls-first' | 'nulls-last';
}

export interface SortOrder {
  readonly 'order-id': number;
  readonly fields: readonly SortField[];
}

export type SnapshotOperation = 'append' | 'replace' | 'overwrite' | 'delete';

/** Every summary value is a JSON string (Java rejects anything else). */
export type SnapshotSummary = Readonly<Record<string, string>> & { readonly operation: SnapshotOperation };

export interface Snapshot {
  readonly 'snapshot-id': bigint;
  readonly 'parent-snapshot-id'?: bigint;
  readonly 'sequence-number': number;
  readonly 'timestamp-ms': number;
  readonly 'manifest-list': string;
  readonly summary: SnapshotSummary;
  readonly 'schema-id'?: number;
}

export interface SnapshotRef {
  readonly 'snapshot-id': bigint;
  readonly type: 'branch' | 'tag';
  readonly 'max-ref-age-ms'?: number;
  readonly 'max-snapshot-age-ms'?: number;
  readonly 'min-snapshots-to-keep'?: number;
}

export interface SnapshotLogEntry {
  readonly 'timestamp-ms': number;
  readonly 'snapshot-id': bigint;
}

export interface MetadataLogEntry {
  readonly 'timestamp-ms': number;
  readonly 'metadata-file': string;
}

/** A Puffin statistics file of a snapshot (spec "Table Statistics"). */
export interface BlobMetadata {
  readonly type: string;
  readonly 'snapshot-id': bigint;
  readonly 'sequence-number': number;
  readonly fields: readonly number[];
  readonly properties?: Readonly<Record<string, string>>;
}

export interface StatisticsFile {
  readonly 'snapshot-id': bigint;
  readonly 'statistics-path': string;
  readonly 'file-size-in-bytes': number;
  readonly 'file-footer-size-in-bytes': number;
  readonly 'key-metadata'?: string;
  readonly 'blob-metadata': readonly BlobMetadata[];
}

export interface PartitionStatisticsFile {
  readonly 'snapshot-id': bigint;
  readonly 'statistics-path': string;
  readonly 'file-size-in-bytes': number;
}

export interface TableMetadata {
  readonly 'format-version': 2;
  readonly 'table-uuid': string;
  readonly location: string;
  readonly 'last-sequence-number': number;
  readonly 'last-updated-ms': number;
  readonly 'last-column-id': number;
  readonly schemas: readonly Schema[];
  readonly 'current-schema-id': number;
  readonly 'partition-specs': readonly PartitionSpec[];
  readonly 'default-spec-id': number;
  readonly 'last-partition-id': number;
  readonly properties: Readonly<Record<string, string>>;
  /** Absent while the table has no snapshot. */
  readonly 'current-snapshot-id'?: bigint;
  readonly snapshots: readonly Snapshot[];
  readonly 'snapshot-log': readonly SnapshotLogEntry[];
  readonly 'metadata-log': readonly MetadataLogEntry[];
  readonly 'sort-orders': readonly SortOrder[];
  readonly 'default-sort-order-id': number;
  readonly refs: Readonly<Record<string, SnapshotRef>>;
  readonly statistics?: readonly StatisticsFile[];
  readonly 'partition-statistics'?: readonly PartitionStatisticsFile[];
}

/**
 * A partition value as JS holds it, by the transform's result type: int, date, year, month, day,
 * hour, bucket → number; long, time, timestamp(tz) → bigint (µs for time and timestamps);
 * string and uuid → string; boolean; binary, fixed → Uint8Array; decimal → unscaled bigint + scale.
 */
export type PartitionValue = number | bigint | string | boolean | Uint8Array | DecimalValue | null;

export interface DecimalValue {
  readonly unscaled: bigint;
  readonly scale: number;
}

export const FileContent = { Data: 0, PositionDeletes: 1, EqualityDeletes: 2 } as const;
export type FileContent = (typeof FileContent)[keyof typeof FileContent];

/** A data file as a manifest describes it. Maps are keyed by field id. */
export interface DataFile {
  readonly content: FileContent;
  /** Fully qualified URI. */
  readonly filePath: string;
  readonly fileFormat: 'PARQUET';
  readonly specId: number;
  /** Values in the order of the spec's fields. */
  readonly partition: readonly PartitionValue[];
  readonly recordCount: number;
  /** Exact size in bytes: readers use it as the file's length. */
  readonly fileSizeInBytes: number;
  readonly columnSizes?: ReadonlyMap<number, number>;
  readonly valueCounts?: ReadonlyMap<number, number>;
  readonly nullValueCounts?: ReadonlyMap<number, number>;
  readonly nanValueCounts?: ReadonlyMap<number, number>;
  /** Single-value binary serialization (spec Appendix D). */
  readonly lowerBounds?: ReadonlyMap<number, Uint8Array>;
  readonly upperBounds?: ReadonlyMap<number, Uint8Array>;
  readonly splitOffsets?: readonly bigint[];
  /** Equality delete files: the field ids whose values identify deleted rows. */
  readonly equalityIds?: readonly number[];
  /** Position delete files: the one data file all its rows point at, when the writer says so. */
  readonly referencedDataFile?: string;
  readonly sortOrderId?: number;
  /**
   * SHA-256 of the file's bytes (hex), computed by Silt after writing. Not an Iceberg field: kept
   * in the manifest's Avro file metadata (`silt.sha256`), which other readers ignore.
   */
  readonly sha256?: string;
  /**
   * Set on the data files of a scan plan (never written): the delete files that apply to this
   * one, which a reader must apply (merge-on-read). Absent when none does.
   */
  readonly deletes?: AppliedDeletes;
}

/** The delete files that apply to one data file of a scan, with the sequence numbers that scope them. */
export interface AppliedDeletes {
  /** The data file's data sequence number. */
  readonly dataSequenceNumber: number;
  readonly files: readonly ScopedDelete[];
}

export interface ScopedDelete {
  /** A position (content 1) or equality (content 2) delete file. */
  readonly file: DataFile;
  readonly dataSequenceNumber: number;
  /** An equality delete of an unpartitioned spec applies to every partition. */
  readonly global: boolean;
}

/** The reserved field ids of a position delete file's columns (spec "Position Delete Files"). */
export const POSITION_DELETE_FIELDS = { filePath: 2147483546, pos: 2147483545 } as const;

export const EntryStatus = { Existing: 0, Added: 1, Deleted: 2 } as const;
export type EntryStatus = (typeof EntryStatus)[keyof typeof EntryStatus];

/** A manifest entry after sequence-number inheritance has been applied. */
export interface ManifestEntry {
  readonly status: EntryStatus;
  readonly snapshotId: bigint;
  readonly sequenceNumber: number;
  readonly fileSequenceNumber: number;
  readonly dataFile: DataFile;
}
