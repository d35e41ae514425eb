/**
 * Where `silt run` spends its time, below the per-step seconds of `silt runs show`: the pipeline
 * run in this process with every DuckDB statement timed and attributed to the Silt function that
 * made it (prototype wrapping, lib/call-timer.ts; product code untouched), summed per caller.
 */
import { DuckDBConnection } from '@duckdb/node-api';
import { CallTimer, type TimedCall } from './lib/call-timer.js';
import { distModule } from './lib/paths.js';
import { printTable } from './lib/report.js';
import { BENCH_SECRET } from './lib/pipeline-sides.js';
import { ms } from './lib/stats.js';

interface ProjectModule {
  withProject<T>(opts: { projectDir: string }, fn: (p: object) => Promise<T>): Promise<T>;
}
interface PipelineModule {
  runPipeline(p: object, opts: { trigger: string; select?: string[]; onProgress?: (message: string) => void }): Promise<{ status: string }>;
}

export interface CallerCost {
  caller: string;
  calls: number;
  ms: number;
  /** The slowest statement this caller made. */
  slowest: string;
}

export interface PipelineProfile {
  totalMs: number;
  duckdbMs: number;
  byCaller: CallerCost[];
  /** Per pipeline step, in run order: every DuckDB statement it made. */
  bySteps: StepCost[];
}

export interface StepCost {
  step: string;
  ms: number;
  /** Process CPU (user + system, every thread) from the step's start to the next's. */
  cpuMs: number;
  duckdbMs: number;
  calls: TimedCall[];
}

/** Runs the pipeline (only the `select`ed steps, when given) in this process, timing every DuckDB statement. */
export async function profilePipeline(project: string, opts: { select?: string[] } = {}): Promise<PipelineProfile> {
  Error.stackTraceLimit = 50;
  process.env['SILT_PII_SECRET'] = BENCH_SECRET;
  const { withProject } = (await import(distModule('project/index.js'))) as ProjectModule;
  const { runPipeline } = (await import(distModule('pipeline/index.js'))) as PipelineModule;
  const timer = new CallTimer();
  timer.wrap('duckdb', DuckDBConnection.prototype, ['run', 'runAndReadAll', 'streamAndReadUntil', 'prepare'], /engine\/duckdb\.[jt]s$|engine\/sql-errors\.[jt]s$/);
  const started = performance.now();
  // runPipeline announces each step (`silver.orders…`) as it starts; the calls after it are the step's.
  const marks: { step: string; at: number; cpu: number; call: number }[] = [];
  const cpuNow = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const onProgress = (message: string): void => {
    const step = /^(\S+)…$/.exec(message)?.[1];
    if (step) marks.push({ step, at: performance.now(), cpu: cpuNow(), call: timer.calls.length });
  };
  try {
    const select = opts.select?.length ? { select: opts.select } : {};
    const result = await withProject({ projectDir: project }, (p) => runPipeline(p, { trigger: 'manual', onProgress, ...select }));
    if (result.status !== 'succeeded') throw new Error(`bench: profile: the pipeline run ${result.status}`);
  } finally {
    timer.restore();
  }
  const ended = performance.now();
  const endedCpu = cpuNow();
  const totalMs = ended - started;
  const bySteps = marks.map((m, i) => {
    const next = marks[i + 1];
    const calls = timer.calls.slice(m.call, next?.call ?? timer.calls.length).filter((c) => c.kind === 'duckdb');
    return { step: m.step, ms: (next?.at ?? ended) - m.at, cpuMs: (next?.cpu ?? endedCpu) - m.cpu, duckdbMs: calls.reduce((n, c) => n + c.ms, 0), calls };
  });
  const byCaller = sumByCaller(timer.calls);
  const duckdbMs = timer.total('duckdb');
  const pct = (x: number) => `${((x / totalMs) * 100).toFixed(1)}%`;
  printTable(
    `silt run in-process: ${ms(totalMs)}; DuckDB statements ${ms(duckdbMs)} (${pct(duckdbMs)} of wall; connections working side by side add up), by the Silt function that made them`,
    ['ms', '%', 'calls', 'caller', 'slowest statement'],
    byCaller.slice(0, 12).map((c) => [String(Math.round(c.ms)), pct(c.ms), String(c.calls), c.caller, c.slowest]),
  );
  return { totalMs, duckdbMs, byCaller, bySteps };
}

/** Calls summed by caller and statement shape (temp names and literals elided), largest `value` first. */
export function sumByShape(calls: readonly TimedCall[], value: (c: TimedCall) => number): { shape: string; total: number; calls: number }[] {
  const by = new Map<string, { shape: string; total: number; calls: number }>();
  for (const c of calls) {
    const shape = `${c.caller.replace(/ \(.*$/, '')}: ${c.what.replace(/"(silt|__silt)_[a-z0-9_]+"/g, 'T').replace(/'[^']*'/g, "'…'").slice(0, 90)}`;
    const e = by.get(shape) ?? { shape, total: 0, calls: 0 };
    e.total += value(c);
    e.calls += 1;
    by.set(shape, e);
  }
  return [...by.values()].sort((a, b) => b.total - a.total);
}

function sumByCaller(calls: TimedCall[]): CallerCost[] {
  const by = new Map<string, CallerCost & { slowestMs: number }>();
  for (const c of calls) {
    // One line per function, not per call site.
    const caller = c.caller.replace(/:\d+\)$/, ')');
    const e = by.get(caller) ?? { caller, calls: 0, ms: 0, slowest: '', slowestMs: -1 };
    e.calls += 1;
    e.ms += c.ms;
    if (c.ms > e.slowestMs) Object.assign(e, { slowest: c.what, slowestMs: c.ms });
    by.set(caller, e);
  }
  return [...by.values()].sort((a, b) => b.ms - a.ms).map(({ slowestMs: _, ...rest }) => rest);
}
