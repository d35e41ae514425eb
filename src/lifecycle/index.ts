export { vacuum, type VacuumOptions, type VacuumResult } from './vacuum.js';
