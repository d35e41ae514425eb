export { vacuum, VACUUM_GRACE_MS, type VacuumOptions, type VacuumResult } from './vacuum.js';
export { recover, type RecoveredTable, type RecoverResult, type RecoverStatus } from './recover.js';
export { checkTables, type CheckOptions, type CheckResult, type TableCheck } from './check.js';
export { expireSnapshots, type ExpiredTable, type ExpireOptions, type ExpireResult } from './expire.js';
export { rewriteManifests, type ManifestRewriteResult } from './rewrite-manifests.js';
