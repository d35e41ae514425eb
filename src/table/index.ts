export * from './types.js';
export type { MetadataPointer } from './pointer.js';

export { parseIcebergJson, parseMetadata, serializeMetadata, stringifyJson } from './metadata-json.js';
export { buildSchema, currentSchema, findField, indexById, onlySchema, schemaById, type IcebergTypeInput, type NewField } from './schema.js';
export { evolveSchema, type SchemaChange } from './schema-evolution.js';
export { dataFilesFromJson, dataFilesToJson } from './data-file-json.js';
export { evolvedPartitionFields, parsePartitionSpec, partitionPath, partitionSpecText, partitionTypes } from './partition-spec.js';
export { applyTransform, transformResultType } from './transforms.js';
export { murmur3 } from './murmur3.js';
export { deserializeValue, serializeValue } from './values.js';
export { coerceLiteral, type Literal } from './literals.js';
export {
  currentSnapshot,
  metadataFileKey,
  metadataVersion,
  newTableMetadata,
  readMetadataFile,
  readTableMetadata,
  snapshotAsOf,
  snapshotById,
  writeMetadataFile,
} from './table-metadata.js';
export type { Expr } from './expr.js';
export type { ScanPlan, PlanOptions } from './scan.js';
export { partitionKey } from './deletes.js';
export { Table, type RewriteOperation, type RewritePrepare, type RowDeltaPrepare, type WriteOptions } from './table.js';
export { checkMetadataFile } from './metadata-check.js';
export { relocateChange, type RelocatePrepare } from './relocate.js';
export { expiredFiles, referencedFiles } from './referenced-files.js';
export { advanceVersionHint, VERSION_HINT, versionHintUri } from './version-hint.js';
export { expiredIds, retentionChange, snapshotRetention, MAX_REF_AGE_PROPERTY, MAX_SNAPSHOT_AGE_PROPERTY, MIN_SNAPSHOTS_PROPERTY, type Retention, type RetentionOptions } from './snapshot-retention.js';
export { MANIFEST_TARGET_SIZE_PROPERTY, type ManifestRewrite } from './manifest-rewrite.js';
export { ROLL_BACK } from './table-io.js';
export { DEFAULT_MANIFEST_CACHE_BYTES, ManifestCache } from './manifest-cache.js';
export { inspectDataFile, repairAdvice, verifiesChecksums, verifyDataFiles, VERIFY_CHECKSUMS_PROPERTY, type FileInspection, type FileProblem } from './file-integrity.js';
export { checkTableFiles, type TableCheckOptions, type TableCheckResult } from './table-check.js';
export { summaryState } from './snapshot-state.js';
export type { ManifestFile, FieldSummary } from './manifest-list.js';
export { mergeFields } from './schema-merge.js';
export type { PointerSwap, PointerTransaction } from './pointer.js';
export { commitAll, fixedChange, previewCommit, type Change, type ChangeProducer, type Committed, type CommitTarget } from './commit.js';
export { applyUpdates, checkRequirements, describeRequirement } from './apply-updates.js';
export { assertRef, LAST_ADDED, setBranch, type TableChange, type TableRequirement, type TableUpdate } from './updates.js';
export { partitionSummary, schemaHistory, snapshotList, tableOverview, typeText, type ColumnInfo, type PartitionInfo, type SchemaVersion, type SnapshotInfo, type TableOverview } from './table-inspect.js';
export {
  applyViewUpdates,
  currentViewVersion,
  newViewMetadata,
  parseViewMetadata,
  versionUpdates,
  viewMetadataFileKey,
  viewSchema,
  type ViewMetadata,
  type ViewRepresentation,
  type ViewRequirement,
  type ViewUpdate,
  type ViewVersion,
} from './view-metadata.js';
