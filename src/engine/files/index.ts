export { formatOfName } from './file-format.js';
export { type InputFile, localInput, storeInput } from './file-input.js';
export {
  type Column,
  detectFormat,
  dropReadResult,
  type FileFormat,
  readFiles,
  type ReadOptions,
  type ReadProgress,
  type ReadResult,
  type Reject,
} from './file-reader.js';
export { type ConsumeResult, type FileScan, scanFiles, type ScanProgress } from './file-scan.js';
export { inferFields } from './infer-schema.js';
export { notOfKind, type TextKind } from './file-csv-text-hints.js';
