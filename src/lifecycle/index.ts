export { vacuum, type VacuumOptions, type VacuumResult } from './vacuum.js';
export { recover, type RecoveredTable, type RecoverResult, type RecoverStatus } from './recover.js';
