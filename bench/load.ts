/**
 * load: CSV → table. Peer: a fresh DuckDB process running COPY (SELECT * FROM read_csv(x)) TO
 * parquet. Silt: `silt load x.csv --into bench.orders` on a freshly initialised project. Runs
 * alternate between the two; medians and silt/peer ratio are reported against the 1.3x target.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { timedRun, type ChildRun } from './lib/child.js';
import { ordersCsv } from './lib/data.js';
import type { BenchOptions } from './lib/options.js';
import { OUT, PEER_SCRIPT } from './lib/paths.js';
import { cachedProjectDir, markLoaded, removeDir } from './lib/projects.js';
import { log, printTable, printVerdicts, writeResults, type Verdict } from './lib/report.js';
import { initBenchProject, parseLoadSummary, silt, tableDataFiles } from './lib/silt.js';
import { median, mib, ms, ratio } from './lib/stats.js';

const TARGET = 1.3;

interface Sample {
  wallMs: number;
  peakRssBytes: number | null;
  cpuMs: number | null;
  outputBytes: number;
}

export async function loadBench(opts: BenchOptions): Promise<Verdict[]> {
  const runs = opts.runs ?? 3;
  const csv = await ordersCsv(opts.rows, opts.threads);
  if (csv.generatedMs !== null) log(`generated ${csv.path} (${mib(csv.bytes)}) in ${ms(csv.generatedMs)}`);
  const work = path.join(OUT, 'tmp', 'load');
  removeDir(work);
  mkdirSync(work, { recursive: true });
  const peer: Sample[] = [];
  const siltSide: Sample[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const last = i === runs - 1;
      const order = i % 2 === 0 ? ['peer', 'silt'] : ['silt', 'peer'];
      for (const side of order) {
        if (side === 'peer') peer.push(await peerLoad(opts, csv.path, path.join(work, `peer-${i}.parquet`)));
        else siltSide.push(await siltLoad(opts, csv.path, last ? cachedProjectDir(opts.rows) : path.join(work, `silt-${i}`), !last));
        const s = side === 'peer' ? peer.at(-1)! : siltSide.at(-1)!;
        log(`run ${i + 1}/${runs} ${side}: ${ms(s.wallMs)}, CPU ${ms(s.cpuMs ?? Number.NaN)}, peak RSS ${mib(s.peakRssBytes)}`);
      }
    }
  } finally {
    removeDir(work);
  }

  const peerMs = median(peer.map((s) => s.wallMs));
  const siltMs = median(siltSide.map((s) => s.wallMs));
  const row = (name: string, xs: Sample[]) => [
    name,
    ...xs.map((s) => ms(s.wallMs)),
    ms(median(xs.map((s) => s.wallMs))),
    ms(Math.min(...xs.map((s) => s.wallMs))),
    ms(median(xs.map((s) => s.cpuMs ?? Number.NaN))),
    mib(peakOf(xs)),
    mib(median(xs.map((s) => s.outputBytes))),
  ];
  printTable(
    `load: ${opts.rows.toLocaleString('en-US')} rows, CSV ${mib(csv.bytes)}, threads ${opts.threads}, memory_limit ${opts.memoryLimit}`,
    ['side', ...peer.map((_, i) => `run ${i + 1}`), 'median', 'best', 'CPU', 'peak RSS', 'parquet'],
    [row('duckdb COPY', peer), row('silt load', siltSide)],
  );
  const r = siltMs / peerMs;
  const cpu = (xs: Sample[]) => median(xs.map((s) => s.cpuMs ?? Number.NaN));
  const detail = `silt/peer = ${ratio(siltMs, peerMs)} (${ms(siltMs)} vs ${ms(peerMs)}; CPU ${ratio(cpu(siltSide), cpu(peer))})`;
  const verdicts = [{ target: `load within ${TARGET}x of DuckDB`, pass: r <= TARGET, detail }];
  printVerdicts(verdicts);
  const file = writeResults('load', {
    bench: 'load',
    at: new Date().toISOString(),
    rows: opts.rows,
    csvBytes: csv.bytes,
    threads: opts.threads,
    memoryLimit: opts.memoryLimit,
    peer: side(peer, peerMs),
    silt: side(siltSide, siltMs),
    ratio: r,
    target: TARGET,
    pass: r <= TARGET,
  });
  log(`wrote ${file}`);
  return verdicts;
}

async function peerLoad(opts: BenchOptions, csv: string, out: string): Promise<Sample> {
  const run = await timedRun(process.execPath, [PEER_SCRIPT, 'copy', '--threads', String(opts.threads), '--memory', opts.memoryLimit, csv, out]);
  const rows = Number(run.stdout.trim());
  if (rows !== opts.rows) throw new Error(`bench: the peer copied ${rows} rows, expected ${opts.rows}`);
  const outputBytes = statSync(out).size;
  rmSync(out, { force: true });
  return sample(run, outputBytes);
}

/** Times `silt load` on a new project; `discard` removes the project afterwards. */
async function siltLoad(opts: BenchOptions, csv: string, project: string, discard: boolean): Promise<Sample> {
  removeDir(project);
  await initBenchProject(project, { threads: opts.threads, memoryLimit: opts.memoryLimit });
  try {
    const run = await silt(project, ['load', csv, '--into', 'bench.orders']);
    const summary = parseLoadSummary(run.stdout);
    if (summary.rows !== opts.rows) throw new Error(`bench: silt loaded ${summary.rows} rows, expected ${opts.rows}`);
    const outputBytes = tableDataFiles(project, 'bench', 'orders').reduce((n, f) => n + f.bytes, 0);
    if (!discard) markLoaded(project, 'orders', { rows: opts.rows, threads: opts.threads, wallMs: run.wallMs, dataFiles: summary.dataFiles });
    return sample(run, outputBytes);
  } finally {
    if (discard) removeDir(project);
  }
}

function sample(run: ChildRun, outputBytes: number): Sample {
  return { wallMs: run.wallMs, peakRssBytes: run.peakRssBytes, cpuMs: run.cpuMs, outputBytes };
}

function side(xs: Sample[], medianMs: number): Record<string, unknown> {
  return { wallMs: xs.map((s) => s.wallMs), medianMs, cpuMs: xs.map((s) => s.cpuMs), peakRssBytes: peakOf(xs), outputBytes: xs.map((s) => s.outputBytes) };
}

function peakOf(xs: Sample[]): number | null {
  const known = xs.map((s) => s.peakRssBytes).filter((x): x is number => x !== null);
  return known.length ? Math.max(...known) : null;
}
