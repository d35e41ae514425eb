import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { expectationsOf, ingestedFilesOf, type RunFacts } from './run-facts.js';
import { tableCommitTimes, type CommitTimesSource } from './table-commits.js';

/**
 * Silt's Prometheus metrics, one registry per process (what `silt serve` exposes at /metrics).
 * The executor and the query routes tell it what happened through the record functions below;
 * freshness is read from the catalog when scraped.
 */
export const registry = new Registry();

const runs = new Counter({ name: 'silt_runs_total', help: 'Pipeline runs ended, by status.', labelNames: ['status'], registers: [registry] });
const stepSeconds = new Histogram({
  name: 'silt_step_duration_seconds',
  help: 'Duration of pipeline steps that ran, by kind (ingest, silver, gold) and status.',
  labelNames: ['kind', 'status'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
  registers: [registry],
});
const rowsIn = new Counter({ name: 'silt_rows_in_total', help: 'Rows read by pipeline steps, by table written.', labelNames: ['table'], registers: [registry] });
const rowsWritten = new Counter({ name: 'silt_rows_written_total', help: 'Rows committed by pipeline steps, by table.', labelNames: ['table'], registers: [registry] });
const rowsQuarantined = new Counter({
  name: 'silt_rows_quarantined_total',
  help: 'Rows set aside (bronze rejects, silver quarantine), by table.',
  labelNames: ['table'],
  registers: [registry],
});
const expectationFailures = new Counter({
  name: 'silt_expectation_failing_rows_total',
  help: 'Rows that failed an expectation, by table and rule.',
  labelNames: ['table', 'rule'],
  registers: [registry],
});
const ingestLag = new Histogram({
  name: 'silt_ingest_lag_seconds',
  help: "Seconds from a landing file's arrival (its modification time) to its bronze commit, by table.",
  labelNames: ['table'],
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
  registers: [registry],
});
const freshness = new Gauge({
  name: 'silt_table_freshness_seconds',
  help: "Seconds since the table's last commit, read from the catalog when scraped.",
  labelNames: ['table'],
  registers: [registry],
});
const querySeconds = new Histogram({
  name: 'silt_query_duration_seconds',
  help: 'Latency of SQL statements, by status (ok, error).',
  labelNames: ['status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});
const bytesScanned = new Counter({ name: 'silt_query_bytes_scanned_total', help: 'Bytes of data files SQL statements scanned.', registers: [registry] });

/** Counts a finished run: its status, each step's duration and rows, expectation failures and ingest lag. */
export function recordRun(run: RunFacts): void {
  runs.inc({ status: run.status });
  for (const step of run.steps) {
    if (step.status === 'not_run') continue;
    stepSeconds.observe({ kind: step.kind, status: step.status }, step.elapsedMs / 1000);
    if (step.status !== 'succeeded') continue;
    const table = step.table;
    if (step.rowsIn) rowsIn.inc({ table }, step.rowsIn);
    if (step.rowsWritten) rowsWritten.inc({ table }, step.rowsWritten);
    if (step.rowsQuarantined) rowsQuarantined.inc({ table }, step.rowsQuarantined);
    for (const x of expectationsOf(step)) if (x.failing_rows > 0) expectationFailures.inc({ table, rule: x.rule }, x.failing_rows);
    for (const f of ingestedFilesOf(step)) {
      if (f.arrivedMs !== undefined && f.committedMs !== undefined) ingestLag.observe({ table }, Math.max(0, f.committedMs - f.arrivedMs) / 1000);
    }
  }
}

/** What a SQL statement cost (a query route calls this when a statement ends). */
export interface QueryFacts {
  elapsedMs: number;
  bytesScanned?: number;
  ok?: boolean;
}

export function recordQuery(q: QueryFacts): void {
  querySeconds.observe({ status: q.ok === false ? 'error' : 'ok' }, q.elapsedMs / 1000);
  if (q.bytesScanned) bytesScanned.inc(q.bytesScanned);
}

/** The registry in Prometheus's text format, with every table's freshness as of `now`. */
export async function metricsText(catalog: CommitTimesSource, now = Date.now()): Promise<string> {
  freshness.reset();
  for (const t of await tableCommitTimes(catalog)) freshness.set({ table: t.table }, Math.max(0, now - t.lastCommitMs) / 1000);
  return registry.metrics();
}

export const METRICS_CONTENT_TYPE = registry.contentType;

/** Forgets every recorded value (tests that count from zero). */
export function resetMetrics(): void {
  registry.resetMetrics();
}
