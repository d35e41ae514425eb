/**
 * Start-up costs, as child processes: bare node, node + DuckDB, the silt CLI doing nothing,
 * opening the project, a trivial query; then the import cost of each dependency, Silt layer and
 * CLI command, incrementally in one process (probe/import-trace.ts).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { timedRun } from './lib/child.js';
import type { BenchOptions } from './lib/options.js';
import { distModule, IMPORT_TRACE, PEER_SCRIPT, ROOT, SILT_MAIN } from './lib/paths.js';
import { cachedProjectDir, isLoaded } from './lib/projects.js';
import { AGGREGATE } from './lib/queries.js';
import { printTable } from './lib/report.js';
import { ms } from './lib/stats.js';

/** Imported in this order; each is charged only for what the ones before it did not load. */
const IMPORTS = [
  '@duckdb/node-api',
  'better-sqlite3',
  'kysely',
  'zod',
  'yaml',
  'avsc',
  'commander',
  'dist/storage/index.js',
  'dist/table/index.js',
  'dist/config/index.js',
  'dist/catalog/index.js',
  'dist/engine/index.js',
  'dist/ingest/index.js',
  'dist/project/index.js',
];
const PROBE_RUNS = 5;

export async function startupCosts(opts: BenchOptions): Promise<Record<string, number>> {
  const project = cachedProjectDir(opts.rows);
  if (!isLoaded(project, 'orders')) {
    throw new Error(`bench: profile: run "bench/run.sh query --rows ${opts.rows}" first (it loads ${project})`);
  }
  const engineArgs = ['--threads', String(opts.threads), '--memory', opts.memoryLimit];
  const peerAggregate = AGGREGATE.replace('bench.orders', `read_parquet('${path.join(project, 'lake/warehouse/bench/orders/data')}/*.parquet')`);
  const probes: [string, string[]][] = [
    ['node, empty script', ['-e', '']],
    ['node + DuckDB: SELECT 1 (peer script)', [PEER_SCRIPT, 'query', ...engineArgs, 'SELECT 1']],
    ['silt --help', [SILT_MAIN, '--help']],
    ['silt table list (opens project + catalog)', [SILT_MAIN, '--project', project, 'table', 'list']],
    ['silt query SELECT 1 (adds engine + session)', [SILT_MAIN, '--project', project, 'query', 'SELECT 1', '--format', 'json']],
    ['silt query aggregate', [SILT_MAIN, '--project', project, 'query', AGGREGATE, '--format', 'json']],
    ['peer query aggregate', [PEER_SCRIPT, 'query', ...engineArgs, peerAggregate]],
  ];
  const figures: Record<string, number> = {};
  for (const [name, args] of probes) {
    const times: number[] = [];
    for (let i = 0; i < PROBE_RUNS; i++) times.push((await timedRun(process.execPath, args, { cwd: ROOT })).wallMs);
    figures[name] = Math.min(...times);
  }
  // The minimum, not the median: on shared cores it is the best estimate of the intrinsic cost.
  const rows = Object.entries(figures).map(([k, v]) => [k, ms(v)]);
  printTable(`fixed costs per process (min of ${PROBE_RUNS})`, ['what', 'wall'], rows);
  return { ...figures, ...(await importCosts()) };
}

/** Incremental import cost of each dependency, then each Silt layer, then each CLI command (min of runs). */
async function importCosts(): Promise<Record<string, number>> {
  const commands = readdirSync(path.join(ROOT, 'dist', 'cli', 'commands'))
    .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js'))
    .map((f) => `dist/cli/commands/${f}`);
  const specs = [...IMPORTS, ...commands];
  const best = new Map<string, number>();
  for (let i = 0; i < PROBE_RUNS; i++) {
    const run = await timedRun(process.execPath, [IMPORT_TRACE, ...specs.map(importSpecifier)], { cwd: ROOT });
    const steps = JSON.parse(run.stdout) as { module: string; ms: number }[];
    steps.forEach((s, j) => best.set(specs[j]!, Math.min(best.get(specs[j]!) ?? Infinity, s.ms)));
  }
  const rows = specs.map((s) => [s, ms(best.get(s)!)]);
  const total = [...best.values()].reduce((a, b) => a + b, 0);
  printTable(`import cost, each module beyond those above it (min of ${PROBE_RUNS}; total ${ms(total)})`, ['module', 'wall'], rows);
  return Object.fromEntries([...best].map(([k, v]) => [`import ${k}`, v]));
}

/** Packages resolve from the checkout (the probes run there); dist/ paths become file URLs. */
function importSpecifier(spec: string): string {
  return spec.startsWith('dist/') ? distModule(spec.slice('dist/'.length)) : spec;
}
