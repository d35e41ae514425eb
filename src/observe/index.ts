export { createLogger, logRunEnd, logStepEnd, runLogger, stepLogger, type Logger } from './logger.js';
export { metricsText, METRICS_CONTENT_TYPE, recordQuery, recordRun, registry, resetMetrics, type QueryFacts } from './metrics.js';
export { expectationsOf, ingestedFilesOf, type ExpectationFacts, type RunFacts, type StepFacts } from './run-facts.js';
export { tableCommitTimes, type CommitTimesSource, type TableCommit } from './table-commits.js';
