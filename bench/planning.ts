/**
 * planning: what a one-day query on a day(ts)-partitioned table costs per 1,000 files of the
 * table, at 1,000, 10,000 and 100,000 files (`--files`), committed at once and over 100 commits:
 * the query's `elapsed_ms` (`silt query --stats`) and, steadier, `planFiles` alone in a fresh
 * process (probe/plan-once.ts), each less the same on a one-file table; then the same query
 * planned again and again in one process with a manifest cache, as `silt serve` does (warm).
 *
 * Writing 100,000 Parquet files would take longer than the measurement, so the table gets one
 * real file (the queried day's rows, by `CREATE TABLE … AS`) and the others are its manifest entry
 * copied: each on another day, with that day's partition value and `ts` bounds and a path that
 * does not exist. Planning reads exactly what it would for real files; a file planning failed to
 * prune would fail the query (its file is missing), and the answer is checked against the rows.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { BenchOptions } from './lib/options.js';
import { timedRun } from './lib/child.js';
import { distModule, OUT, PROJECTS_DIR } from './lib/paths.js';
import { removeDir } from './lib/projects.js';
import { printTable, printVerdicts, writeResults, type Verdict } from './lib/report.js';
import { initBenchProject, parseStats, silt } from './lib/silt.js';
import { median, ms } from './lib/stats.js';

const DAY = '2024-06-15';
const ROWS = 1000;
const ONE_DAY = `SELECT count(*) AS n, sum(amount) AS total FROM bench.events WHERE ts >= TIMESTAMP '${DAY} 00:00:00' AND ts < TIMESTAMP '${DAY} 00:00:00' + INTERVAL 1 DAY`;
const ONE_DAY_FILTER = { op: 'and', args: [{ op: '>=', column: 'ts', value: `${DAY} 00:00:00` }, { op: '<', column: 'ts', value: `${DAY} 23:59:59.999999` }] };
const PLAN_ONCE = path.join(OUT, 'probe', 'plan-once.js');
const MANY_COMMITS = 100;
const TARGET_MS_PER_1000 = 50;
const DAY_US = 86_400_000_000n;

interface DataFileLike {
  filePath: string;
  partition: readonly unknown[];
  lowerBounds?: ReadonlyMap<number, Uint8Array>;
  upperBounds?: ReadonlyMap<number, Uint8Array>;
}
interface TableLike {
  metadata: { schemas: { 'schema-id': number; fields: { id: number; name: string }[] }[]; 'current-schema-id': number };
  refresh(): Promise<unknown>;
  liveEntries(): Promise<{ dataFile: DataFileLike }[]>;
  append(files: DataFileLike[]): Promise<unknown>;
  planFiles(opts: { filter?: unknown }): Promise<{ files: unknown[]; filesTotal: number }>;
}
interface ProjectModule {
  withProject<T>(opts: { projectDir: string }, fn: (p: { catalog: { loadTable(ns: string, name: string): Promise<TableLike> } }) => Promise<T>): Promise<T>;
}

interface Figure {
  files: number;
  commits: number;
  /** Median `elapsed_ms` of `silt query --stats` (one process per query). */
  elapsedMs: number;
  /** Median wall time of that process. */
  wallMs: number;
  filesScanned: number;
  /** Median time of `planFiles` alone, each in a fresh process (probe/plan-once.ts). */
  planMs: number;
  /** Median time of `planFiles` repeated in one process with its manifest cache warm. */
  warmMs: number;
}

export async function planningBench(opts: BenchOptions): Promise<Verdict[]> {
  const runs = opts.runs ?? 5;
  const base = await measure(await tableOf(1, 1, opts), runs, 1, 1);
  const figures: Figure[] = [];
  for (const n of opts.files) {
    for (const commits of n > MANY_COMMITS ? [1, MANY_COMMITS] : [1]) {
      figures.push(await measure(await tableOf(n, commits, opts), runs, n, commits));
    }
  }
  // planFiles alone: on a loaded machine elapsed_ms swings by more than the planning costs.
  const per1000 = (f: Figure) => ((f.planMs - base.planMs) / f.files) * 1000;
  const warmPer1000 = (f: Figure) => ((f.warmMs - base.warmMs) / f.files) * 1000;
  printTable(
    `planning: one day of a day(ts)-partitioned table (median of ${runs} \`silt query --stats\` processes; one real file, the others synthetic entries)`,
    ['files', 'commits', 'elapsed_ms', 'wall', 'files scanned', 'planFiles (cold)', 'cold ms per 1,000 files', 'planFiles (warm)', 'warm ms per 1,000 files'],
    [base, ...figures].map((f) => [
      f.files.toLocaleString('en-US'), String(f.commits), ms(f.elapsedMs), ms(f.wallMs), String(f.filesScanned),
      ms(f.planMs), f === base ? '(base)' : per1000(f).toFixed(1), `${f.warmMs.toFixed(2)} ms`, f === base ? '(base)' : warmPer1000(f).toFixed(3),
    ]),
  );
  writeResults('planning', { base, figures: figures.map((f) => ({ ...f, msPer1000: per1000(f), warmMsPer1000: warmPer1000(f) })) });
  const verdicts: Verdict[] = figures.map((f) => ({
    target: `${f.files} files in ${f.commits} commit(s): planning under ${TARGET_MS_PER_1000} ms per 1,000 files, one file scanned`,
    pass: per1000(f) < TARGET_MS_PER_1000 && f.filesScanned === 1,
    detail: `${per1000(f).toFixed(1)} ms per 1,000 files (planFiles ${ms(f.planMs)} vs ${ms(base.planMs)} for one file; query elapsed ${ms(f.elapsedMs)} vs ${ms(base.elapsedMs)}); ${f.filesScanned} file(s) scanned`,
  }));
  printVerdicts(verdicts);
  return verdicts;
}

async function measure(project: string, runs: number, files: number, commits: number): Promise<Figure> {
  const elapsed: number[] = [];
  const walls: number[] = [];
  let scanned = 0;
  for (let i = 0; i < runs; i++) {
    const run = await silt(project, ['query', '--local', '--stats', '--format', 'json', ONE_DAY]);
    const row = JSON.parse(run.stdout.trim().split('\n')[0]!) as { n: number };
    if (row.n !== ROWS) throw new Error(`bench: planning: the one-day query over ${files} files counted ${row.n} rows, expected ${ROWS}: ${run.stderr}`);
    const stats = parseStats(run.stderr);
    elapsed.push(stats['elapsed_ms']!);
    walls.push(run.wallMs);
    scanned = stats['files_scanned']!;
  }
  const plans: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    // The last run also plans again in the same process, warm: 20 times.
    const run = await timedRun(process.execPath, [PLAN_ONCE, project, 'bench', 'events', JSON.stringify(ONE_DAY_FILTER), ...(i === runs - 1 ? ['20'] : [])]);
    const out = JSON.parse(run.stdout) as { ms: number; warm: number[] };
    plans.push(out.ms);
    warm.push(...out.warm);
  }
  return { files, commits, elapsedMs: median(elapsed), wallMs: median(walls), filesScanned: scanned, planMs: median(plans), warmMs: median(warm) };
}

/** A project whose bench.events has `files` data files (one real) added in `commits` commits; kept for reuse. */
async function tableOf(files: number, commits: number, opts: BenchOptions): Promise<string> {
  const dir = path.join(PROJECTS_DIR, `planning-${files}-${commits}`);
  const done = path.join(dir, '.planning-ready');
  if (!opts.fresh && existsSync(done)) return dir;
  removeDir(dir);
  mkdirSync(dir, { recursive: true });
  await initBenchProject(dir, { threads: opts.threads, memoryLimit: opts.memoryLimit });
  const create = await silt(dir, [
    'query', '--local',
    `CREATE TABLE bench.events PARTITIONED BY (day(ts)) AS SELECT i AS id, TIMESTAMP '${DAY} 00:00:00' + to_seconds(i * 60) AS ts, i * 1.5 AS amount FROM range(${ROWS}) t(i)`,
  ]);
  if (!/created|inserted|rows/i.test(create.stdout + create.stderr)) throw new Error(`bench: planning: could not create the table: ${create.stderr}`);
  const started = performance.now();
  const { withProject } = (await import(distModule('project/index.js'))) as ProjectModule;
  await withProject({ projectDir: dir }, async (p) => {
    const table = await p.catalog.loadTable('bench', 'events');
    const [real] = await table.liveEntries();
    if (!real) throw new Error('bench: planning: the table has no data file');
    const schema = table.metadata.schemas.find((s) => s['schema-id'] === table.metadata['current-schema-id'])!;
    const tsId = schema.fields.find((f) => f.name === 'ts')!.id;
    const synthetic = Array.from({ length: files - 1 }, (_, i) => shifted(real.dataFile, tsId, i + 1));
    const per = Math.ceil(synthetic.length / commits);
    for (let c = 0; c < commits && c * per < synthetic.length; c++) await table.append(synthetic.slice(c * per, (c + 1) * per));
  });
  mkdirSync(done);
  process.stdout.write(`planning: made ${files.toLocaleString('en-US')} files in ${commits} commit(s) in ${ms(performance.now() - started)}\n`);
  return dir;
}

/** The file's entry moved `days` days later (a day the query does not ask for), at a path that does not exist. */
function shifted(f: DataFileLike, tsId: number, days: number): DataFileLike {
  const move = (bounds: ReadonlyMap<number, Uint8Array> | undefined) => {
    if (!bounds) return bounds;
    const out = new Map(bounds);
    const b = bounds.get(tsId);
    if (b) {
      const v = Buffer.alloc(8);
      v.writeBigInt64LE(Buffer.from(b).readBigInt64LE(0) + BigInt(days) * DAY_US);
      out.set(tsId, new Uint8Array(v));
    }
    return out;
  };
  const dayOf = (f.partition[0] as number) + days;
  const folder = path.join(path.dirname(path.dirname(f.filePath)), `ts_day=${new Date(dayOf * 86_400_000).toISOString().slice(0, 10)}`);
  return { ...f, filePath: path.join(folder, `synthetic-${days}.parquet`), partition: [dayOf], lowerBounds: move(f.lowerBounds), upperBounds: move(f.upperBounds) };
}
