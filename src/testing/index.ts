/**
 * End-to-end tests of the `silt` CLI: each test runs `node dist/bundle/silt.js` in a temp project, as
 * a user would, and checks the outcome against PyIceberg, icebird, DuckDB and the files on disk.
 * These helpers are what the tests share.
 */
export { REPO_ROOT, SILT_MAIN, assertCleanFailure, finished, queryCsv, queryNumber, silt, siltOk, startSilt, type SiltResult } from './silt-process.js';
export { currentSnapshot, filesUnder, makeProject, removeProject, snapshots, tableDir, withProject, type SnapshotLine } from './temp-project.js';
export { diffParquet, type ParquetDiff } from './parquet-diff.js';
export { pyicebergFiles, pyicebergRead, pyicebergReadAll, pyicebergRest, requirePyIceberg } from './pyiceberg.js';
export { serveFolder, withFileUrlsOver, type FolderServer } from './http-warehouse.js';
export { eventLine, writeEventsCsv } from './csv-data.js';
export { asPrincipal, call, ownerApp, withApi } from './served.js';
export { assertIcebergError, createNamespace, sql, V1 } from './iceberg-rest.js';
