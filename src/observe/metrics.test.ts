import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { runPipeline } from '../pipeline/index.js';
import { call, withApi } from '../testing/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { createLogger, logRunEnd, logStepEnd, recordQuery, recordRun, resetMetrics, runLogger } from './index.js';

/** Prometheus text → `name{labels}` → value; throws on any line that is not a comment, a sample or blank. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    assert.ok(m, `not a Prometheus sample line: ${line}`);
    samples.set(`${m[1]}${m[2] ?? ''}`, Number(m[3]));
  }
  return samples;
}

const LANDING = { 'orders/a.csv': 'id,amount\n1,10\n2,20\n3,30\n3,31\n4,oops\n' };

test('after a small run, /metrics counts the run, its steps and rows per table, and each table is fresh', async () => {
  resetMetrics();
  await withApi({ yaml: ordersYaml("    expectations:\n      - { rule: range, column: amount, min: 0, max: 25, policy: warn }\n"), landing: LANDING }, async (app, project) => {
    const run = await runPipeline(project);
    assert.equal(run.status, 'succeeded', JSON.stringify(run.steps));
    recordRun(run);
    recordQuery({ elapsedMs: 40, bytesScanned: 1234 });
    const res = await app.request('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const m = parseExposition(await res.text());
    assert.equal(m.get('silt_runs_total{status="succeeded"}'), 1);
    assert.equal(m.get('silt_runs_total{status="failed"}'), undefined);
    assert.equal(m.get('silt_step_duration_seconds_count{kind="ingest",status="succeeded"}'), 1);
    assert.equal(m.get('silt_step_duration_seconds_count{kind="silver",status="succeeded"}'), 1);
    assert.equal(m.get('silt_rows_in_total{table="bronze.orders"}'), 5);
    assert.equal(m.get('silt_rows_written_total{table="bronze.orders"}'), 5);
    const silver = run.steps.find((s) => s.id === 'silver.orders')!;
    assert.equal(m.get('silt_rows_in_total{table="silver.orders"}'), 5);
    assert.equal(m.get('silt_rows_written_total{table="silver.orders"}'), silver.rowsWritten);
    assert.equal(m.get('silt_rows_quarantined_total{table="silver.orders"}'), silver.rowsQuarantined);
    assert.ok((silver.rowsQuarantined ?? 0) >= 1, 'the bad amount is quarantined');
    // Amounts 30 and 31 break the warn rule.
    assert.equal(m.get('silt_expectation_failing_rows_total{table="silver.orders",rule="range"}'), 2);
    assert.equal(m.get('silt_ingest_lag_seconds_count{table="bronze.orders"}'), 1);
    assert.ok(m.get('silt_ingest_lag_seconds_sum{table="bronze.orders"}')! >= 59, 'the landing file was dated a minute back');
    const fresh = m.get('silt_table_freshness_seconds{table="silver.orders"}');
    assert.ok(fresh !== undefined && fresh >= 0 && fresh < 60, `freshness ${fresh}`);
    assert.equal(m.get('silt_query_duration_seconds_count{status="ok"}'), 1);
    assert.equal(m.get('silt_query_bytes_scanned_total'), 1234);
  });
});

test('/metrics is at the root, not under /v1, and the OpenAPI document declares it as text', async () => {
  await withApi({}, async (app) => {
    assert.equal((await app.request('/v1/metrics')).status, 404);
    const doc = await call(app, 'GET', '/openapi.json');
    assert.ok(doc.body.paths['/metrics']?.get?.responses?.['200']?.content?.['text/plain'], JSON.stringify(doc.body.paths['/metrics']));
  });
});

test("log lines are JSON, each step's carrying the run's run_id and its step_id", () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(...String(chunk).split('\n').filter(Boolean)), done()) });
  const log = runLogger(createLogger({ stream: sink }), 'run-42');
  log.info('run started');
  const step = { id: 'silver.orders', kind: 'silver', table: 'silver.orders', status: 'failed', elapsedMs: 12, error: 'range: 2 rows failed' };
  logStepEnd(log, step);
  logRunEnd(log, { runId: 'run-42', status: 'failed', steps: [step], startedMs: 0, elapsedMs: 30 });
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(parsed.length, 3);
  assert.deepEqual(parsed.map((p) => p['run_id']), ['run-42', 'run-42', 'run-42']);
  assert.deepEqual([parsed[2]!['msg'], parsed[2]!['failed_steps'], parsed[2]!['step_id']], ['run run-42 failed', ['silver.orders'], undefined]);
  assert.equal(parsed[1]!['step_id'], 'silver.orders');
  assert.equal(parsed[1]!['level'], 'error');
  assert.equal(parsed[1]!['err'], 'range: 2 rows failed');
  assert.match(String(parsed[0]!['time']), /^\d{4}-\d\d-\d\dT/);
});
