export { Catalog, CATALOG_NAME, type TableDefinition, type TableIdent } from './catalog.js';
export { checkName, parseTableName } from './names.js';
export type { IngestedFile } from './ingested-files.js';
export type { QueryRecord, QueryStatus } from './query-history.js';
export type { StepOfRun, RunRecord, StepRecord, StepStatus, RunStatus } from './run-log.js';
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
export { scanWarehouse, type MetadataFileInfo, type WarehouseTable } from './warehouse-scan.js';
export { purgeFolder } from './pending-folders.js';
