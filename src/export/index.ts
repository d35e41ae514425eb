export { runExports, type ExportRun } from './export-run.js';
export { exportTable, type ExportOptions, type ExportOutcome } from './export-table.js';
export { exportsSectionSchema, projectExports, selectExports, type ExportSpec, type ExportTarget } from './export-config.js';
