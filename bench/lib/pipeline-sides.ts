/**
 * The four sides of the pipeline bench, each a child process timed from spawn to exit with its
 * peak RSS: `silt run` on a fresh demo project, and the hand-written DuckDB SQL, pandas and
 * Polars peers over the same landing files. All get the same thread count; the DuckDB ones the
 * same memory_limit.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { timedRun } from './child.js';
import { OUT, ROOT, SILT_MAIN } from './paths.js';
import { silt, type EngineSettings } from './silt.js';

export type SideName = 'silt' | 'duckdb' | 'polars' | 'pandas';

export interface SideRun {
  wallMs: number;
  peakRssBytes: number | null;
  /** User + system CPU milliseconds of the process (all threads); null without GNU time. */
  cpuMs: number | null;
  /** Milliseconds per stage (bronze, silver, gold) as the side measured them itself. */
  stages: Record<string, number>;
  /** The DuckDB peer's milliseconds per table section of its script (`silver.orders`). */
  sections?: Record<string, number>;
}

/** Salts the PII hashes on every side, so masked values can be compared. */
export const BENCH_SECRET = 'silt-bench-pipeline';
export const PYTHON = path.join(OUT, '.venv', 'bin', 'python');
const PEER_DIR = path.join(ROOT, 'bench', 'peer');

export function hasPython(): boolean {
  return existsSync(PYTHON);
}

export interface SiltRun extends SideRun {
  runId: string;
  /** Per pipeline step, from `silt runs show`: its seconds and when it started (seconds into the run). */
  steps: { step: string; seconds: number; rowsIn: number; startedAt: number }[];
}

/** `silt run` (only the `select`ed steps, when given) with the bench's PII secret. */
export async function runSilt(project: string, select: readonly string[] = []): Promise<SiltRun> {
  const args = [SILT_MAIN, '--project', project, 'run', ...(select.length ? ['--select', ...select] : [])];
  const run = await timedRun(process.execPath, args, { env: { ...process.env, SILT_PII_SECRET: BENCH_SECRET } });
  const m = /^run (\S+) (\w+)/m.exec(run.stdout);
  if (!m) throw new Error(`bench: could not find the run id in silt's output: ${JSON.stringify(run.stdout.slice(0, 300))}`);
  if (m[2] !== 'succeeded') throw new Error(`bench: silt run ${m[1]} ${m[2]}:\n${run.stdout}`);
  const steps = parseSteps((await silt(project, ['runs', 'show', m[1]!])).stdout);
  // Steps of a layer may run side by side (and beside other layers'): a layer's time is its span.
  const stage = (prefix: string) => {
    const of = steps.filter((s) => s.step.startsWith(prefix));
    return of.length === 0 ? 0 : (Math.max(...of.map((s) => s.startedAt + s.seconds)) - Math.min(...of.map((s) => s.startedAt))) * 1000;
  };
  return {
    wallMs: run.wallMs, peakRssBytes: run.peakRssBytes, cpuMs: run.cpuMs, runId: m[1]!, steps,
    stages: { bronze: stage('ingest.'), silver: stage('silver.'), gold: stage('gold.') },
  };
}

/** Rows of `silt runs show`: `silver.orders  succeeded  105,645  95,295  4,428  5,922  2.0  yes  +3.1`. */
export function parseSteps(text: string): SiltRun['steps'] {
  const steps: SiltRun['steps'] = [];
  for (const line of text.split('\n')) {
    const m = /^((?:ingest|silver|gold)\.\S+)\s+\w+\s+([\d,]+)\s+[\d,]+\s+[\d,]+\s+[\d,]+\s+([\d.]+)\s+\w+\s+\+([\d.]+)/.exec(line);
    if (m) steps.push({ step: m[1]!, rowsIn: Number(m[2]!.replaceAll(',', '')), seconds: Number(m[3]), startedAt: Number(m[4]) });
  }
  return steps;
}

/** A peer over the landing files; `stages` (DuckDB only) runs just those stages of its script. */
export async function runPeer(side: Exclude<SideName, 'silt'>, landing: string, out: string, engine: EngineSettings, stages: readonly string[] = []): Promise<SideRun> {
  const common = ['--landing', landing, '--out', out, '--secret', BENCH_SECRET, '--run-id', 'bench'];
  const only = stages.length ? ['--stages', stages.join(',')] : [];
  const run =
    side === 'duckdb'
      ? await timedRun(process.execPath, [path.join(OUT, 'peer', 'pipeline-duckdb.js'), '--threads', String(engine.threads), '--memory', engine.memoryLimit, ...only, ...common])
      : await timedRun(PYTHON, [path.join(PEER_DIR, `pipeline_${side}.py`), '--threads', String(engine.threads), ...common], {
          env: { ...process.env, POLARS_MAX_THREADS: String(engine.threads), OMP_NUM_THREADS: String(engine.threads) },
        });
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  const parsed = JSON.parse(line) as { stages: Record<string, number>; sections?: Record<string, number> };
  return { wallMs: run.wallMs, peakRssBytes: run.peakRssBytes, cpuMs: run.cpuMs, stages: parsed.stages, ...(parsed.sections ? { sections: parsed.sections } : {}) };
}
