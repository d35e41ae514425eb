export { POSITION_DELETE_SCHEMA, writePositionDeletes } from './position-deletes.js';
export { removeDataFiles, writeDataFiles, type WriteDataFilesOptions } from './parquet-writer.js';
export {
  appendRows,
  appendWrite,
  commitWrite,
  mergeRows,
  mergeWrite,
  replaceRows,
  replaceWhere,
  replaceWhereWrite,
  replaceWrite,
  type TableWrite,
  type WriteSummary,
} from './table-writes.js';
