export { Engine, withEngine, type EngineOptions, type Row } from './duckdb.js';
export { quoteIdent, quoteList, quoteLiteral, quoteQualified } from './sql-text.js';
export { serializeSql } from './sql-ast-json.js';
export { runSql } from './sql-errors.js';
export {
  SqlSession,
  type Cell,
  type ExecuteOptions,
  type Limits,
  type SessionOptions,
  type StreamOptions,
  type QueryResult,
  type QueryStats,
  type ResultColumn,
} from './session.js';
export type { CopyFormat } from './query-run.js';
export {
  ALLOW_ALL,
  OWNER,
  OWNER_ACCESS,
  PIPELINE,
  type AccessPolicy,
  type Principal,
  type ReadAccess,
  type ReadGrant,
  type TableRef,
} from './access-policy.js';
export type { NewTableDefinition, TableResolver } from './table-resolver.js';
export { removeDataFiles, writeDataFiles, type WriteDataFilesOptions } from './parquet-writer.js';
export { currentScan, scanSql, type ScanSource, type ScanSqlOptions } from './table-reader.js';
export { duckdbToIceberg, icebergToDuckdb, parseTypeText } from './types-map.js';
export {
  detectFormat,
  dropReadResult,
  readFiles,
  type Column,
  type FileFormat,
  type ReadOptions,
  type ReadProgress,
  type ReadResult,
  type Reject,
} from './file-reader.js';
export { scanFiles, type ConsumeResult, type FileScan, type ScanProgress } from './file-scan.js';
export { inferFields } from './infer-schema.js';
export { sideBySide } from './side-by-side.js';
export { appendRows, appendWrite, commitWrite, mergeRows, mergeWrite, replaceRows, replaceWhere, replaceWhereWrite, type TableWrite, type WriteSummary } from './table-writes.js';
export {
  describeExternalFiles,
  externalScanSql,
  sniffCsvOptions,
  type ExternalColumnDef,
  type ExternalFormat,
  type ExternalTableDef,
} from './external-scan.js';
export { formatOfName } from './file-format.js';
export { localInput, storeInput, type InputFile } from './file-input.js';
