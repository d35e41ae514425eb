export { vacuum, type VacuumOptions, type VacuumResult } from './vacuum.js';
export { checkTables, type CheckOptions, type CheckResult, type TableCheck } from './check.js';
