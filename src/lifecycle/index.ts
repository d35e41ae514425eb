export { vacuum, type VacuumOptions, type VacuumResult } from './vacuum.js';
export { recover, type RecoveredTable, type RecoverResult, type RecoverStatus } from './recover.js';
export { checkTables, type CheckOptions, type CheckResult, type TableCheck } from './check.js';
export { compactTables, DEFAULT_TARGET_SIZE, TARGET_SIZE_PROPERTY, type CompactOptions, type CompactProgress, type CompactResult, type PartitionCompaction, type TableCompaction } from './compact.js';
