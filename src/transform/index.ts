export {
  DEFAULT_NULL_TOKENS,
  PII_KINDS,
  silverContractSchema,
  silverSectionSchema,
  type ColumnSpec,
  type EnrichSpec,
  type ExplodeSpec,
  type Expectation,
  type PiiKind,
  type Policy,
  type SilverContract,
} from './contract-schema.js';
export { parseContract } from './contract-parse.js';
export { bindContract, expressionInputs, type BoundContract } from './derived-columns.js';
export { parseColumnType, type ColumnType } from './column-type.js';
export { LINEAGE_COLUMNS } from './lineage.js';
export { lookupColumns } from './lookups.js';
export { enrichColumns } from './enrich-columns.js';
export { QUARANTINE_COLUMNS } from './quarantine-sql.js';
export { checkContractSource, runContract, releaseContractRun, type ContractRunInput, type ContractRunOutput } from './run-contract.js';
export type { ExpectationResult } from './run-report.js';
export { PII_MIN_RATIO, profilePii, scanPii, type PiiColumnProfile, type PiiFinding } from './pii-scan.js';
export { maskSql } from './mask-sql.js';
export { HISTORY_COLUMNS } from './history.js';
export { releaseExplodes, runExplodes, type ExplodeRun } from './explode-run.js';
export { childContract, childTable, type ChildTable } from './explode.js';
export type { ThresholdResult } from './thresholds.js';
