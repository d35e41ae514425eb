export { Catalog, CATALOG_NAME, type TableDefinition, type TableIdent } from './catalog.js';
export type { TableEncryption } from './table-encryption.js';
export { checkName, parseTableName } from './names.js';
export type { IngestedFile } from './ingested-files.js';
export type { StagedTask } from './staged-ingest.js';
export type { PushKey } from './push-keys.js';
export type { PullState } from './pull-state.js';
export type { AlertDelivery, AlertEvent, AlertRecord, NewAlert } from './alert-log.js';
export { JobQueue, newLease, type Job, type JobRequest, type JobStatus, type Lease } from './job-queue.js';
export type { LandingRequest } from './landing-requests.js';
export type { ScheduleFire } from './schedule-fires.js';
export type { QueryRecord, QueryStatus } from './query-history.js';
export type { SavedQuery } from './saved-queries.js';
export type { StepOfRun, RunRecord, StepRecord, StepStatus, RunStatus, StepLogLine } from './run-log.js';
export type {
  ExternalColumn,
  ExternalFileEntry,
  ExternalFormat,
  ExternalSchemaChange,
  ExternalSchemaVersion,
  ExternalTableInfo,
  ExternalTableRead,
  ExternalTableSave,
} from './external-tables.js';
export type { IfLost } from './lost-catalog.js';
export { scanWarehouse, WAREHOUSE, type MetadataFileInfo, type WarehouseTable } from './warehouse-scan.js';
export { purgeFolder } from './pending-folders.js';
export { moveMetadataStore, type MovedRows } from './move-store.js';
export { isPostgresUri, postgresFault, redactUri, type PostgresSetting } from './postgres-db.js';
export type { AuditRecord, GovernanceStore, StoredPolicy, WorkgroupUsage } from './governance-store.js';
export type { AccessOrigin, GrantKey, GrantRow, PrincipalRow, TokenRow } from './access-store.js';
export { CatalogViews, VIEW_TYPE, type StoredView } from './views.js';
