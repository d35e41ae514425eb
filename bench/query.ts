/**
 * query: SQL on the loaded table. Silt: `silt query … --format json` as a child process. Peer: a
 * node process running the same SQL in raw DuckDB over the same Parquet files. Five runs each,
 * alternating. Also a one-partition query on a day-partitioned copy, with Silt's --stats.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { timedRun, type ChildRun } from './lib/child.js';
import { diffRows, parseJsonLines } from './lib/compare.js';
import { ordersCsv } from './lib/data.js';
import type { BenchOptions } from './lib/options.js';
import { OUT, PEER_SCRIPT } from './lib/paths.js';
import { cachedProjectDir, isLoaded, markLoaded, removeDir } from './lib/projects.js';
import { log, printTable, printVerdicts, writeResults, type Verdict } from './lib/report.js';
import { AGGREGATE } from './lib/queries.js';
import { initBenchProject, parseLoadSummary, parseStats, silt, tableDataFiles } from './lib/silt.js';
import { median, mib, ms, ratio } from './lib/stats.js';

const FACTOR = 1.1;
const SLACK_MS = 50;
const DAY = '2024-06-15';
const NEXT_DAY = '2024-06-16';
const ONE_DAY =
  `SELECT count(*), sum(amount), avg(qty) FROM bench.orders_by_day ` +
  `WHERE ts >= TIMESTAMP '${DAY} 00:00:00' AND ts < TIMESTAMP '${NEXT_DAY} 00:00:00'`;

interface Timing {
  silt: ChildRun[];
  peer: ChildRun[];
  siltMs: number;
  peerMs: number;
  mismatch: string;
}

export async function queryBench(opts: BenchOptions): Promise<Verdict[]> {
  const runs = opts.runs ?? 5;
  const { project } = await loadedProject(opts, 'orders');
  const setupByDay = await loadedProject(opts, 'orders_by_day', 'day(ts)');

  const files = tableDataFiles(project, 'bench', 'orders');
  const agg = await alternate(runs, project, AGGREGATE, AGGREGATE.replace('bench.orders', readParquet(files)), opts);
  const dayFiles = tableDataFiles(project, 'bench', 'orders_by_day');
  const day = await alternate(runs, project, ONE_DAY, ONE_DAY.replace('bench.orders_by_day', readParquet(dayFiles)), opts);
  const stats = parseStats(day.silt[0]!.stderr);
  const dayBytes = dayFiles.filter((f) => path.basename(path.dirname(f.path)) === `ts_day=${DAY}`).reduce((n, f) => n + f.bytes, 0);
  // If the folder naming ever changes, fall back to "about one 366th of the table".
  const allowedBytes = dayBytes > 0 ? dayBytes : (stats['bytes_total'] ?? 0) * (1.5 / 366);

  const row = (name: string, xs: ChildRun[]) => {
    const walls = xs.map((r) => r.wallMs);
    const rss = Math.max(...xs.map((r) => r.peakRssBytes ?? 0));
    return [name, ...walls.map(ms), ms(median(walls)), ms(Math.min(...walls)), mib(rss || null)];
  };
  const header = ['side', ...agg.silt.map((_, i) => `run ${i + 1}`), 'median', 'best', 'peak RSS'];
  printTable(`query: full-table aggregate over ${files.length} data files (${mib(sum(files))}), ${opts.rows.toLocaleString('en-US')} rows`, header, [
    row('duckdb', agg.peer),
    row('silt query', agg.silt),
  ]);
  printTable(`query: one day of the day(ts)-partitioned copy, ${dayFiles.length} data files (${mib(sum(dayFiles))})`, header, [
    row('duckdb', day.peer),
    row('silt query', day.silt),
  ]);
  const share = (((stats['bytes_scanned'] ?? 0) / (stats['bytes_total'] || 1)) * 100).toFixed(2);
  const scanned = `${stats['files_scanned']}/${stats['files_total']} files, ${stats['bytes_scanned']}/${stats['bytes_total']} bytes (${share}%)`;
  process.stdout.write(`silt --stats: ${scanned}\n`);
  if (setupByDay.loadMs !== null) process.stdout.write(`partitioned load (day(ts), 1 run): ${ms(setupByDay.loadMs)}\n`);

  const limit = FACTOR * agg.peerMs + SLACK_MS;
  const verdicts: Verdict[] = [
    {
      target: `aggregate within ${FACTOR}x DuckDB + ${SLACK_MS} ms`,
      pass: agg.siltMs <= limit && !agg.mismatch,
      detail:
        `silt/peer = ${ratio(agg.siltMs, agg.peerMs)} (${ms(agg.siltMs)} vs ${ms(agg.peerMs)}, limit ${ms(limit)})` +
        (agg.mismatch ? `; results differ: ${agg.mismatch}` : ''),
    },
    {
      target: 'one-day query reads one partition',
      pass: (stats['bytes_scanned'] ?? Infinity) <= allowedBytes && !day.mismatch,
      detail: `${scanned}; silt/peer time = ${ratio(day.siltMs, day.peerMs)}${day.mismatch ? `; results differ: ${day.mismatch}` : ''}`,
    },
  ];
  printVerdicts(verdicts);
  const file = writeResults('query', {
    bench: 'query',
    at: new Date().toISOString(),
    rows: opts.rows,
    threads: opts.threads,
    memoryLimit: opts.memoryLimit,
    aggregate: figures(agg, { sql: AGGREGATE, dataFiles: files.length, dataBytes: sum(files), limitMs: limit }),
    oneDay: figures(day, {
      sql: ONE_DAY,
      dataFiles: dayFiles.length,
      dataBytes: sum(dayFiles),
      stats,
      allowedBytes,
      partitionedLoadMs: setupByDay.loadMs,
    }),
    pass: verdicts.every((v) => v.pass),
  });
  log(`wrote ${file}`);
  return verdicts;
}

/** The cached project with `table` loaded; loads it now (timed, reported) when missing or --fresh. */
async function loadedProject(opts: BenchOptions, table: string, partitionBy?: string): Promise<{ project: string; loadMs: number | null }> {
  const project = cachedProjectDir(opts.rows);
  if (!opts.fresh && isLoaded(project, table)) return { project, loadMs: null };
  if (table === 'orders') {
    removeDir(project);
    await initBenchProject(project, { threads: opts.threads, memoryLimit: opts.memoryLimit });
  }
  const csv = await ordersCsv(opts.rows, opts.threads);
  log(`loading ${opts.rows.toLocaleString('en-US')} rows into bench.${table}${partitionBy ? ` partitioned by ${partitionBy}` : ''}`);
  const args = ['load', csv.path, '--into', `bench.${table}`, ...(partitionBy ? ['--partition-by', partitionBy] : [])];
  const run = await silt(project, args);
  const summary = parseLoadSummary(run.stdout);
  if (summary.rows !== opts.rows) throw new Error(`bench: silt loaded ${summary.rows} rows into bench.${table}, expected ${opts.rows}`);
  markLoaded(project, table, { rows: opts.rows, threads: opts.threads, wallMs: run.wallMs, dataFiles: summary.dataFiles });
  return { project, loadMs: run.wallMs };
}

/** Runs Silt and the peer `runs` times each, alternating who goes first, and checks they agree. */
async function alternate(runs: number, project: string, siltSql: string, peerSql: string, opts: BenchOptions): Promise<Timing> {
  const t: Timing = { silt: [], peer: [], siltMs: 0, peerMs: 0, mismatch: '' };
  mkdirSync(path.join(OUT, 'tmp'), { recursive: true });
  const sqlFile = path.join(OUT, 'tmp', 'peer-query.sql');
  writeFileSync(sqlFile, peerSql);
  const peerArgs = [PEER_SCRIPT, 'query-file', '--threads', String(opts.threads), '--memory', opts.memoryLimit, sqlFile];
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? ['peer', 'silt'] : ['silt', 'peer'];
    for (const side of order) {
      if (side === 'peer') t.peer.push(await timedRun(process.execPath, peerArgs));
      else t.silt.push(await silt(project, ['query', siltSql, '--format', 'json', '--stats']));
    }
  }
  t.siltMs = median(t.silt.map((r) => r.wallMs));
  t.peerMs = median(t.peer.map((r) => r.wallMs));
  t.mismatch = diffRows(parseJsonLines(t.silt[0]!.stdout), parseJsonLines(t.peer[0]!.stdout));
  return t;
}

function readParquet(files: { path: string }[]): string {
  return `read_parquet([${files.map((f) => `'${f.path.replaceAll("'", "''")}'`).join(', ')}])`;
}

function sum(files: { bytes: number }[]): number {
  return files.reduce((n, f) => n + f.bytes, 0);
}

function figures(t: Timing, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    ...extra,
    silt: { wallMs: t.silt.map((r) => r.wallMs), medianMs: t.siltMs, peakRssBytes: t.silt.map((r) => r.peakRssBytes) },
    peer: { wallMs: t.peer.map((r) => r.wallMs), medianMs: t.peerMs, peakRssBytes: t.peer.map((r) => r.peakRssBytes) },
    ratio: t.siltMs / t.peerMs,
    resultsMatch: t.mismatch === '',
    ...(t.mismatch ? { mismatch: t.mismatch } : {}),
  };
}
