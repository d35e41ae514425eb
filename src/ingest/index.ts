export { loadFiles, type LoadOptions, type LoadResult } from './load.js';
export { ingestSource, CHUNK_BYTES, CHUNK_FILES, type IngestOptions, type IngestResult } from './bronze-ingest.js';
export { landingStatus, unclaimedLanding, LANDING_STATUSES, type LandingEntry } from './landing-status.js';
export { sourceSchema, sourcesSchema, landingPrefix, bronzeTables, type SourceConfig, type SourcesConfig } from './source-config.js';
export { REJECT_FIELDS } from './bronze-rejects.js';
export { BATCH_ID, INGESTED_AT, SOURCE_FILE, SOURCE_LINE } from './bronze-schema.js';
export { SUMMARY_BATCH, SUMMARY_FINGERPRINTS, SUMMARY_FILES, SUMMARY_SOURCE } from './bronze-ledger.js';
export { landingFilesOf, temporaryName, SETTLE_MS, type LandingFile } from './landing-files.js';
export { declinedBy } from './source-claims.js';
