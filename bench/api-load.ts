/**
 * `bench/run.sh api-load [--rows N] [--seconds N]`: 50 clients of a running `silt serve`'s query
 * API on loopback, each submitting one statement after another (a mix of aggregates, a join and
 * a point lookup over the demo's tables) for `--seconds` (default 60). Every answer is checked
 * against the answer the same statement gave alone before the load, so "no errors, nothing lost"
 * means every statement succeeded with the right rows. Reports p50/p99 latency, throughput and
 * the server's peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { timedRun } from './lib/child.js';
import type { BenchOptions } from './lib/options.js';
import { SILT_MAIN } from './lib/paths.js';
import { log, printTable, printVerdicts, writeResults, type Verdict } from './lib/report.js';
import { startServe } from './lib/serve.js';
import { mib, ms } from './lib/stats.js';

const CLIENTS = 50;
const STATEMENTS = [
  'SELECT status, count(*) AS n, sum(amount) AS amount FROM silver.orders GROUP BY status ORDER BY status',
  'SELECT * FROM gold.daily_sales ORDER BY 1 LIMIT 50',
  'SELECT c.country, count(*) AS orders FROM silver.orders o JOIN silver.customers c USING (customer_id) GROUP BY 1 ORDER BY 1',
  'SELECT count(*) AS n FROM silver.web_events',
  'SELECT * FROM silver.orders WHERE order_id = 42',
];

interface Answer {
  status: number;
  body: { status?: string; rows?: unknown[][]; error?: { message: string } };
}

async function submit(url: string, sql: string): Promise<Answer> {
  const res = await fetch(`${url}/v1/queries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql, wait_ms: 60_000 }),
  });
  const body = (await res.json()) as Answer['body'];
  if (res.status !== 200 || body.status !== 'succeeded') return { status: res.status, body };
  // The first page of rows is the answer (every statement here returns fewer than a page).
  const id = (body as { id?: string }).id;
  const page = await fetch(`${url}/v1/queries/${id}/results?limit=1000`);
  return { status: page.status, body: { status: body.status, rows: ((await page.json()) as { rows: unknown[][] }).rows } };
}

export async function apiLoadBench(opts: BenchOptions): Promise<Verdict[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'silt-bench-api-'));
  const dir = path.join(root, 'demo');
  try {
    const rows = Math.min(opts.rows, 200_000);
    log(`making a demo project of ${rows} orders`);
    await timedRun(process.execPath, [SILT_MAIN, 'demo', '--dir', dir, '--rows', String(rows)]);
    const server = await startServe(dir);
    try {
      const expected = new Map<string, string>();
      for (const sql of STATEMENTS) {
        const a = await submit(server.url, sql);
        if (a.status !== 200) throw new Error(`bench: ${sql} failed alone: ${a.status} ${JSON.stringify(a.body)}`);
        expected.set(sql, JSON.stringify(a.body.rows));
      }
      log(`${CLIENTS} clients for ${opts.seconds} s against ${server.url}`);
      const latencies: number[] = [];
      const failures: string[] = [];
      let peakRss = server.rss();
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rss())), 250);
      const started = performance.now();
      const until = started + opts.seconds * 1000;
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          for (let i = client; performance.now() < until; i++) {
            const sql = STATEMENTS[i % STATEMENTS.length]!;
            const t0 = performance.now();
            try {
              const a = await submit(server.url, sql);
              if (a.status !== 200) failures.push(`${a.status} ${a.body.error?.message ?? a.body.status}`);
              else if (JSON.stringify(a.body.rows) !== expected.get(sql)) failures.push(`wrong rows for ${sql}`);
              else latencies.push(performance.now() - t0);
            } catch (e) {
              failures.push(e instanceof Error ? e.message : String(e));
            }
          }
        }),
      );
      const elapsed = performance.now() - started;
      clearInterval(sampler);
      const sorted = latencies.sort((a, b) => a - b);
      const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
      printTable(`query API under load: ${CLIENTS} clients, ${opts.seconds} s, demo of ${rows} orders`, ['statements', 'failed', 'per second', 'p50', 'p99', 'max', 'server peak RSS'], [
        [String(sorted.length), String(failures.length), (sorted.length / (elapsed / 1000)).toFixed(1), ms(pct(50)), ms(pct(99)), ms(sorted.at(-1) ?? Number.NaN), mib(peakRss)],
      ]);
      for (const f of [...new Set(failures)].slice(0, 10)) log(`failure: ${f}`);
      writeResults('api-load', { clients: CLIENTS, seconds: opts.seconds, ok: sorted.length, failed: failures.length, p50: pct(50), p99: pct(99), peakRss });
      const verdicts = [{ target: 'query API: no failed or wrong answers under load', pass: failures.length === 0 && sorted.length > 0, detail: `${sorted.length} ok, ${failures.length} failed` }];
      printVerdicts(verdicts);
      return verdicts;
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
