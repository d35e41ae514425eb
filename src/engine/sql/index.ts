export {
  describeExternalFiles,
  type ExternalColumnDef,
  type ExternalFormat,
  externalScanSql,
  type ExternalTableDef,
  sniffCsvOptions,
} from './external-scan.js';
export { type CopyFormat } from './query-run.js';
export {
  type Cell,
  type ExecuteOptions,
  type GovernedLimits,
  type StatementEvent,
  type StatementGovernor,
  type Limits,
  type QueryResult,
  type QueryStats,
  type ResultColumn,
  type SessionOptions,
  SqlSession,
  type StreamOptions,
} from './session.js';
export { type NewTableDefinition, type TableResolver } from './table-resolver.js';
export { bindParameters, parseParameters } from './sql-params.js';
export { prepareSelect, runnableRepresentations, withPortableDialects } from './view-sql.js';
export { toTrinoSql } from './trino-dialect.js';
