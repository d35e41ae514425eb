/**
 * profile: where Silt's time goes. (1) Start-up costs (profile-startup.ts). (2) `loadFiles` and
 * the aggregate query in this process with every DuckDB statement and table/catalog call timed
 * and attributed to its Silt caller, next to the peer's single statement on a fresh DuckDB.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CallTimer, type TimedCall } from './lib/call-timer.js';
import { ordersCsv } from './lib/data.js';
import type { BenchOptions } from './lib/options.js';
import { distModule, OUT } from './lib/paths.js';
import { cachedProjectDir, removeDir } from './lib/projects.js';
import { AGGREGATE } from './lib/queries.js';
import { log, printTable, writeResults } from './lib/report.js';
import { initBenchProject } from './lib/silt.js';
import { startupCosts } from './profile-startup.js';
import { ms } from './lib/stats.js';


/** The slices of Silt's modules this profile drives (dist/ has no type declarations). */
interface SiltEngine {
  close(): void;
}
interface SiltProject {
  catalog: object;
  openEngine(): Promise<SiltEngine>;
  close(): Promise<void>;
}
interface ProjectModule {
  openProject(opts: { projectDir: string }): Promise<SiltProject>;
}
interface IngestModule {
  loadFiles(catalog: object, engine: SiltEngine, paths: string[], opts: { into: string }): Promise<{ rowsWritten: number }>;
}
interface EngineModule {
  SqlSession: new (engine: SiltEngine, resolver: object) => { execute(sql: string): Promise<{ rows: unknown[] }> };
}
interface ClassModule {
  [name: string]: unknown;
}

export async function profileBench(opts: BenchOptions): Promise<void> {
  Error.stackTraceLimit = 50;
  const csv = await ordersCsv(opts.rows, opts.threads);
  const fixed = await startupCosts(opts);
  const load = await profileLoad(opts, csv.path);
  const query = await profileQuery(opts);
  const at = new Date().toISOString();
  const file = writeResults('profile', { bench: 'profile', at, rows: opts.rows, threads: opts.threads, fixed, load, query });
  log(`wrote ${file}`);
}

async function profileLoad(opts: BenchOptions, csv: string): Promise<Record<string, unknown>> {
  const peerBefore = await peerCopyInProcess(opts, csv);
  const project = path.join(OUT, 'tmp', 'profile-load');
  removeDir(project);
  await initBenchProject(project, { threads: opts.threads, memoryLimit: opts.memoryLimit });
  const timer = await instrument();
  try {
    const { openProject } = (await import(distModule('project/index.js'))) as ProjectModule;
    const { loadFiles } = (await import(distModule('ingest/index.js'))) as IngestModule;
    const started = performance.now();
    const p = await openProject({ projectDir: project });
    const engine = await p.openEngine();
    try {
      await loadFiles(p.catalog, engine, [csv], { into: 'bench.orders' });
    } finally {
      engine.close();
      await p.close();
    }
    const totalMs = performance.now() - started;
    timer.restore();
    // The peer runs before and after Silt; the faster of the two is the floor on shared cores.
    const peerMs = Math.min(peerBefore, await peerCopyInProcess(opts, csv));
    report(`load ${opts.rows.toLocaleString('en-US')} rows in-process: ${ms(totalMs)}; peer COPY in-process: ${ms(peerMs)}`, timer.calls, totalMs);
    return { totalMs, peerMs, calls: timer.calls };
  } finally {
    timer.restore();
    removeDir(project);
  }
}

async function profileQuery(opts: BenchOptions): Promise<Record<string, unknown>> {
  const project = cachedProjectDir(opts.rows);
  const timer = await instrument();
  try {
    const { openProject } = (await import(distModule('project/index.js'))) as ProjectModule;
    const { SqlSession } = (await import(distModule('engine/index.js'))) as EngineModule;
    const started = performance.now();
    const p = await openProject({ projectDir: project });
    const engine = await p.openEngine();
    try {
      await new SqlSession(engine, p.catalog).execute(AGGREGATE);
    } finally {
      engine.close();
      await p.close();
    }
    const totalMs = performance.now() - started;
    report(`query aggregate in-process: ${ms(totalMs)}`, timer.calls, totalMs);
    return { totalMs, calls: timer.calls };
  } finally {
    timer.restore();
  }
}

/** The peer's one statement on a fresh in-process DuckDB: the floor for Silt's load here and now. */
async function peerCopyInProcess(opts: BenchOptions, csv: string): Promise<number> {
  mkdirSync(path.join(OUT, 'tmp'), { recursive: true });
  const out = path.join(OUT, 'tmp', 'profile-peer.parquet');
  const instance = await DuckDBInstance.create(':memory:', { threads: String(opts.threads), memory_limit: opts.memoryLimit });
  const connection = await instance.connect();
  try {
    const started = performance.now();
    await connection.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${out}' (FORMAT parquet)`);
    return performance.now() - started;
  } finally {
    connection.closeSync();
    instance.closeSync();
    removeDir(out);
  }
}

async function instrument(): Promise<CallTimer> {
  const timer = new CallTimer();
  const table = (await import(distModule('table/index.js'))) as ClassModule;
  const catalog = (await import(distModule('catalog/index.js'))) as ClassModule;
  const duckdbMethods = ['run', 'runAndReadAll', 'streamAndReadUntil', 'prepare'];
  timer.wrap('duckdb', DuckDBConnection.prototype, duckdbMethods, /engine\/duckdb\.[jt]s$|engine\/sql-errors\.[jt]s$/);
  timer.wrap('table', prototypeOf(table, 'Table'), ['refresh', 'planFiles', 'append', 'evolveSchema'], /table\/table\.[jt]s$/);
  timer.wrap('catalog', prototypeOf(catalog, 'Catalog'), ['tableExists', 'loadTable', 'createTable', 'close'], /catalog\/catalog\.[jt]s$/);
  return timer;
}

function prototypeOf(mod: ClassModule, name: string): object {
  const cls = mod[name];
  if (typeof cls !== 'function') throw new Error(`bench: profile: dist module has no class ${name}`);
  return cls.prototype as object;
}

function report(title: string, calls: TimedCall[], totalMs: number): void {
  const top = [...calls].sort((a, b) => b.ms - a.ms).slice(0, 15);
  const pct = (x: number) => `${((x / totalMs) * 100).toFixed(1)}%`;
  printTable(title, ['ms', '%', 'kind', 'caller', 'statement'], top.map((c) => [String(Math.round(c.ms)), pct(c.ms), c.kind, c.caller, c.what]));
  const statements = calls.filter((c) => c.kind === 'duckdb');
  const duck = statements.reduce((n, c) => n + c.ms, 0);
  process.stdout.write(`duckdb statements: ${statements.length}, ${ms(duck)} (${pct(duck)}); rest (JS, catalog, files): ${ms(totalMs - duck)}\n`);
}
