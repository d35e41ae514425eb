/**
 * `bench/run.sh push [--rate N] [--seconds N]`: a stream of IoT readings pushed to a running
 * `silt serve` at a target rate (default 10,000 events/s for 60 s), in requests of 100 NDJSON
 * events from 64 clients, each with an Idempotency-Key. Reports the acknowledgement latency (p50,
 * p99), the throughput reached, the server's peak RSS, and, after a `silt ingest`, that bronze
 * holds every acknowledged event exactly once.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchOptions } from './lib/options.js';
import { startServe } from './lib/serve.js';
import { log, printTable, writeResults, type Verdict } from './lib/report.js';
import { initBenchProject, silt } from './lib/silt.js';
import { mib, ms } from './lib/stats.js';

const EVENTS_PER_REQUEST = 100;
const CLIENTS = 64;
/** A request not answered within this is a failure (and the bench says so). */
const REQUEST_TIMEOUT_MS = 30_000;

export async function pushBench(opts: BenchOptions): Promise<Verdict[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'silt-bench-push-'));
  try {
    await initBenchProject(dir, { threads: opts.threads, memoryLimit: opts.memoryLimit });
    writeFileSync(path.join(dir, 'silt.yaml'), readFileSync(path.join(dir, 'silt.yaml'), 'utf8') + '\nsources:\n  iot:\n    format: ndjson\n');
    const server = await startServe(dir);
    log(`pushing ${opts.rate} events/s for ${opts.seconds} s to ${server.url}`);
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(server.rss()), 250);
    const stream = await pushStream(server.url, opts.rate, opts.seconds);
    clearInterval(sampler);
    await server.stop();
    const ingest = await silt(dir, ['ingest', 'iot']);
    const counted = await silt(dir, ['query', 'SELECT count(*) AS n, count(DISTINCT seq) AS d FROM bronze.iot', '--format', 'csv']);
    const [n, d] = counted.stdout.trim().split('\n')[1]!.split(',').map(Number) as [number, number];
    const lat = stream.latencies.sort((a, b) => a - b);
    const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN;
    const rate = stream.acked / (stream.elapsedMs / 1000);
    const peak = Math.max(...rss);
    printTable(`push: ${opts.rate} events/s target, ${opts.seconds} s, ${CLIENTS} clients, ${EVENTS_PER_REQUEST} events a request`, ['figure', 'value'], [
      ['events acknowledged', String(stream.acked)],
      ['events/s reached', rate.toFixed(0)],
      ['requests', String(lat.length)],
      ['failed requests', String(stream.failures)],
      ['ack latency p50', ms(pct(50))],
      ['ack latency p99', ms(pct(99))],
      ['ack latency max', ms(lat.at(-1) ?? NaN)],
      ['server RSS peak', mib(peak)],
      ['landing files', String(stream.files.size)],
      ['ingest of them', ms(ingest.wallMs)],
      ['bronze rows', String(n)],
      ['bronze distinct events', String(d)],
    ]);
    const results = { rate: opts.rate, seconds: opts.seconds, acked: stream.acked, reached: rate, p50: pct(50), p99: pct(99), rssPeak: peak, files: stream.files.size, bronzeRows: n, bronzeDistinct: d, failures: stream.failures };
    log(`results in ${writeResults('push', results)}`);
    return [
      { target: 'push: nothing lost, nothing twice', pass: n === stream.acked && d === stream.acked && stream.failures === 0, detail: `${stream.acked} acknowledged, ${n} rows (${d} distinct) in bronze, ${stream.failures} failed requests` },
      { target: `push: ${opts.rate} events/s sustained`, pass: rate >= opts.rate * 0.95, detail: `${rate.toFixed(0)} events/s` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Stream {
  acked: number;
  failures: number;
  latencies: number[];
  files: Set<string>;
  elapsedMs: number;
}

/** Sends requests so that `rate` events a second go out, each by the next free client; waits for every answer. */
async function pushStream(url: string, rate: number, seconds: number): Promise<Stream> {
  const s: Stream = { acked: 0, failures: 0, latencies: [], files: new Set(), elapsedMs: 0 };
  const total = rate * seconds;
  const started = performance.now();
  let sent = 0;
  let seq = 0;
  const client = async (c: number) => {
    for (;;) {
      // The schedule: request k goes out at k × EVENTS_PER_REQUEST / rate seconds.
      const k = sent;
      if (k * EVENTS_PER_REQUEST >= total) return;
      sent++;
      const due = started + ((k * EVENTS_PER_REQUEST) / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const events = Array.from({ length: EVENTS_PER_REQUEST }, () => {
        const n = seq++;
        return JSON.stringify({ seq: n, device: `dev-${String(n % 500).padStart(4, '0')}`, ts: new Date().toISOString(), temp: 18 + (n % 100) / 10, humidity: 40.5 });
      });
      const t0 = performance.now();
      try {
        const res = await fetch(`${url}/v1/ingest/iot`, {
          method: 'POST',
          body: events.join('\n') + '\n',
          headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': `bench-${c}-${k}` },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const answer = (await res.json()) as { file?: string; rows?: number };
        if (res.status !== 202 || answer.rows !== EVENTS_PER_REQUEST) throw new Error(`${res.status} ${JSON.stringify(answer)}`);
        s.latencies.push(performance.now() - t0);
        s.acked += EVENTS_PER_REQUEST;
        s.files.add(answer.file!);
      } catch (e) {
        s.failures++;
        if (s.failures <= 3) log(`request ${k} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  s.elapsedMs = performance.now() - started;
  return s;
}

