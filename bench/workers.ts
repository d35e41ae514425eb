/**
 * `bench/run.sh workers [--rows N] [--files N]`: ingest throughput of one landing (default 120
 * CSV files, 1.2M rows) with the run's ingest spread over 1, 2 and 4 `silt worker` processes
 * behind a `silt serve --no-execute`, against the same ingest in one process (`silt run`). Each
 * side starts from a fresh project whose landing is the same files (hard links); bronze is
 * counted after each. Reports files/s and rows/s of the ingest step, and the tasks each worker did.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchOptions } from './lib/options.js';
import { DATA_DIR, distModule, SILT_MAIN } from './lib/paths.js';
import { startServe } from './lib/serve.js';
import { log, printTable, writeResults } from './lib/report.js';
import { initBenchProject, silt } from './lib/silt.js';

const FILES_PER_TASK = 8;
const WORKER_COUNTS = [1, 2, 4];

interface Side {
  side: string;
  workers: number;
  ingestMs: number;
  rows: number;
  tasks: Record<string, number>;
  /** From the last task's end to the step's: the run's commits of what the tasks staged. */
  commitMs: number;
  /** Sum of the tasks' times, over the step's: how many tasks ran at once on average. */
  overlap: number;
}

interface StepRow {
  step: string;
  startedMs: number | null;
  finishedMs: number | null;
  rowsWritten: number | null;
  details: string | null;
}

interface JobRow {
  startedMs: number | null;
  finishedMs: number | null;
}

interface BenchCatalog {
  runLog: { runs(n: number): Promise<{ runId: string }[]>; run(id: string): Promise<{ steps: StepRow[] } | undefined> };
  jobs: { get(id: string): Promise<JobRow | undefined> };
}

interface ProjectModule {
  withProject<T>(opts: { projectDir: string }, fn: (p: { catalog: BenchCatalog }) => Promise<T>): Promise<T>;
}

export async function workersBench(opts: BenchOptions): Promise<void> {
  const files = opts.files[0]!;
  const rowsPerFile = Math.max(1, Math.floor(opts.rows / files));
  const landing = landingData(files, rowsPerFile);
  const cores = os.availableParallelism();
  log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the machine skews the figures)`);
  log(`${files} files x ${rowsPerFile.toLocaleString('en-US')} rows; this machine has ${cores} cores, shared by every worker (DuckDB threads ${opts.threads} each)`);
  const sides: Side[] = [await oneSide(opts, landing, 0)];
  for (const n of WORKER_COUNTS) sides.push(await oneSide(opts, landing, n));
  const rows = sides.map((s) => {
    const secs = s.ingestMs / 1000;
    return [s.side, `${secs.toFixed(1)} s`, (files / secs).toFixed(1), Math.round(s.rows / secs).toLocaleString('en-US'), `${(sides[0]!.ingestMs / s.ingestMs).toFixed(2)}x`, s.workers ? `${(s.commitMs / 1000).toFixed(1)} s` : 'n/a', s.workers ? `${s.overlap.toFixed(2)}x` : 'n/a', Object.entries(s.tasks).map(([w, n]) => `${w}:${n}`).join(' ')];
  });
  printTable(`ingest throughput, ${files} files, ${(files * rowsPerFile).toLocaleString('en-US')} rows, ${cores} cores`, ['side', 'ingest', 'files/s', 'rows/s', 'vs one process', 'commit', 'tasks at once', 'tasks by worker'], rows);
  const out = writeResults('workers', { files, rowsPerFile, cores, loadAverage: os.loadavg(), threads: opts.threads, filesPerTask: FILES_PER_TASK, sides });
  log(`results in ${out}`);
}

/** The landing files, made once per size under bench/out/data/workers-<files>x<rows>/. */
function landingData(files: number, rowsPerFile: number): string {
  const dir = path.join(DATA_DIR, `workers-${files}x${rowsPerFile}`);
  if (existsSync(path.join(dir, '.done'))) return dir;
  mkdirSync(dir, { recursive: true });
  for (let f = 0; f < files; f++) {
    const lines = ['order_id,customer_id,status,amount,updated_at'];
    for (let i = 0; i < rowsPerFile; i++) {
      const id = f * rowsPerFile + i + 1;
      lines.push(`${id},c${id % 9973},${['new', 'paid', 'shipped'][id % 3]},${((id % 10_000) / 100).toFixed(2)},2026-11-${String((id % 28) + 1).padStart(2, '0')}T10:00:00Z`);
    }
    writeFileSync(path.join(dir, `orders_${String(f).padStart(4, '0')}.csv`), lines.join('\n') + '\n');
  }
  writeFileSync(path.join(dir, '.done'), '');
  return dir;
}

async function oneSide(opts: BenchOptions, landing: string, workers: number): Promise<Side> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'silt-bench-workers-'));
  const children: ChildProcess[] = [];
  try {
    await initBenchProject(dir, { threads: opts.threads, memoryLimit: opts.memoryLimit });
    const yaml = path.join(dir, 'silt.yaml');
    writeFileSync(yaml, `${readFileSync(yaml, 'utf8')}\nsources:\n  orders: { path: orders/, format: csv }\nserve:\n  ingest_task_files: ${FILES_PER_TASK}\n`);
    const into = path.join(dir, 'lake', 'landing', 'orders');
    mkdirSync(into, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    for (const f of readdirCsv(landing)) {
      linkSync(path.join(landing, f), path.join(into, f));
      utimesSync(path.join(into, f), old, old);
    }
    let server: Awaited<ReturnType<typeof startServe>> | undefined;
    if (workers > 0) {
      server = await startServe(dir, ['--no-execute', '--no-watch']);
      children.push(server.child);
      for (let i = 1; i <= workers; i++) children.push(await startWorker(dir, `w${i}`));
    }
    const side = workers === 0 ? 'one process (silt run)' : `${workers} worker${workers === 1 ? '' : 's'}`;
    log(`${side}: running`);
    // With a server up, `silt run` asks it, and the workers make the run.
    const run = await silt(dir, ['run', '--select', 'ingest.orders']);
    if (!/succeeded/.test(run.stdout)) throw new Error(`bench: ${side}: the run did not succeed:\n${run.stdout}\n${run.stderr}`);
    await server?.stop();
    const { withProject } = (await import(distModule('project/index.js'))) as ProjectModule;
    const { step, jobs } = await withProject({ projectDir: dir }, async (p) => {
      const [last] = await p.catalog.runLog.runs(1);
      const found = last && (await p.catalog.runLog.run(last.runId));
      const step = found?.steps.find((s) => s.step === 'ingest.orders');
      const records = (JSON.parse(step?.details ?? '{}') as { tasks?: { worker: string; jobId: string }[] }).tasks ?? [];
      return { step, jobs: await Promise.all(records.map(async (t) => ({ worker: t.worker, job: await p.catalog.jobs.get(t.jobId) }))) };
    });
    if (!step?.startedMs || !step.finishedMs) throw new Error(`bench: ${side}: no ingest step in the run log`);
    const tasks: Record<string, number> = {};
    for (const t of jobs) tasks[t.worker] = (tasks[t.worker] ?? 0) + 1;
    const lastTask = Math.max(step.startedMs, ...jobs.map((t) => t.job?.finishedMs ?? 0));
    const busy = jobs.reduce((n, t) => n + ((t.job?.finishedMs ?? 0) - (t.job?.startedMs ?? 0)), 0);
    const counted = await silt(dir, ['query', 'SELECT count(*) AS n, count(DISTINCT order_id) AS d FROM bronze.orders', '--format', 'csv']);
    const [n, d] = counted.stdout.trim().split('\n')[1]!.split(',').map(Number) as [number, number];
    if (n !== d || n !== step.rowsWritten) throw new Error(`bench: ${side}: bronze holds ${n} rows (${d} distinct) but the step wrote ${step.rowsWritten}`);
    return { side, workers, ingestMs: step.finishedMs - step.startedMs, rows: n, tasks, commitMs: jobs.length ? step.finishedMs - lastTask : 0, overlap: busy / (step.finishedMs - step.startedMs) };
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

function readdirCsv(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.csv')).sort();
}

/** A `silt worker`, once it says it takes jobs. */
function startWorker(dir: string, name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SILT_MAIN, '--project', dir, 'worker', '--name', name], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      if (err.includes('takes jobs')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`bench: worker ${name} exited ${code}: ${err}`)));
  });
}
