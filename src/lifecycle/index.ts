export { vacuum, VACUUM_GRACE_MS, type VacuumOptions, type VacuumResult } from './vacuum.js';
export { recover, type RecoveredTable, type RecoverResult, type RecoverStatus } from './recover.js';
export { checkTables, type CheckOptions, type CheckResult, type TableCheck } from './check.js';
export { applyRetention, retentionStatus, type RetentionOptions, type RetentionResult, type RetentionRunOptions, type RetentionStatus, type TableRetention, type TableStatus } from './retention.js';
export { retentionRules, retentionSchema, type RetentionPolicies } from './retention-config.js';
export type { FileState, PartitionStatus } from './retention-plan.js';
export { compactTables, DEFAULT_TARGET_SIZE, TARGET_SIZE_PROPERTY, type CompactOptions, type CompactProgress, type CompactResult, type PartitionCompaction, type TableCompaction } from './compact.js';
export { expireSnapshots, type ExpiredTable, type ExpireOptions, type ExpireResult } from './expire.js';
export { rewriteManifests, type ManifestRewriteResult } from './rewrite-manifests.js';
