export {
  type AccessPolicy,
  ALLOW_ALL,
  combinePolicies,
  applyGrant,
  grantFor,
  isWholeGrant,
  OWNER,
  OWNER_ACCESS,
  PIPELINE,
  type Principal,
  type ReadAccess,
  type ReadGrant,
  type TableRef,
  type WritePrivilege,
} from './access-policy.js';
export { Engine, type EngineOptions, MAX_OPEN_PARTITION_FILES, type Row, withEngine } from './duckdb.js';
export {
  analyzeQuery,
  type AstNode,
  dropCatalogNames,
  parseAst,
  type QueryAnalysis,
  rejectStatement,
  renderAst,
  type TableName,
  renameTables,
  type TableScope,
  walk,
} from './query-ast.js';
export { foldConstants } from './fold-constants.js';
export { withQueryProgress } from './query-progress.js';
export { sideBySide } from './side-by-side.js';
export { serializeSql } from './sql-ast-json.js';
export { execSql, runSql, translateError } from './sql-errors.js';
export { sqlExpression } from './sql-fragment.js';
export { quoteFilePath, quoteIdent, quoteList, quoteLiteral, quoteQualified } from './sql-text.js';
export { decimalText, lowerBound, parseStatValue, upperBound } from './stat-values.js';
export { currentScan, encryptionArg, engineLocations, type ScanSource, scanSql, type ScanSqlOptions } from './table-reader.js';
export { registerTransformFunctions } from './transform-functions.js';
export { decimalParts, duckdbToIceberg, icebergToDuckdb, parseTypeText, primitiveToDuckdb } from './types-map.js';
