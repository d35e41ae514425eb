/** Silt as a user runs it: `node dist/bundle/silt.js …` child processes on a bench project. */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { timedRun, type ChildRun } from './child.js';
import { SILT_MAIN } from './paths.js';

export interface EngineSettings {
  threads: number;
  memoryLimit: string;
}

export function silt(project: string, args: string[]): Promise<ChildRun> {
  return timedRun(process.execPath, [SILT_MAIN, '--project', project, ...args]);
}

/** `silt init` a project and pin its DuckDB settings to the ones the peer gets. */
export async function initBenchProject(dir: string, engine: EngineSettings): Promise<void> {
  await timedRun(process.execPath, [SILT_MAIN, 'init', dir]);
  const file = path.join(dir, 'silt.yaml');
  const text = readFileSync(file, 'utf8');
  const pinned = text
    .replace(/^\s*#\s*memory_limit:.*$/m, `  memory_limit: ${engine.memoryLimit}`)
    .replace(/^\s*#\s*threads:.*$/m, `  threads: ${engine.threads}`);
  if (!/^ {2}memory_limit: /m.test(pinned) || !/^ {2}threads: /m.test(pinned)) {
    throw new Error(`bench: ${file}: could not find the commented engine settings to pin (did the template change?)`);
  }
  writeFileSync(file, pinned);
}

export interface LoadSummary {
  rows: number;
  dataFiles: number;
}

/** Parses `created bench.orders: 10,000,000 rows; 3 data files, …`. */
export function parseLoadSummary(stdout: string): LoadSummary {
  const m = /: ([\d,]+) rows; (\d+) data files/.exec(stdout);
  if (!m) throw new Error(`bench: could not read the load summary from silt's output: ${JSON.stringify(stdout.trim())}`);
  return { rows: Number(m[1]!.replaceAll(',', '')), dataFiles: Number(m[2]) };
}

/** The Parquet files under a table's data folder (recursively: partitioned tables have sub-folders). */
export function tableDataFiles(project: string, namespace: string, table: string): { path: string; bytes: number }[] {
  const root = path.join(project, 'lake', 'warehouse', namespace, table, 'data');
  const found: { path: string; bytes: number }[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.parquet')) found.push({ path: p, bytes: statSync(p).size });
    }
  };
  walk(root);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** `--stats` prints one JSON line on stderr; progress output may precede it. */
export function parseStats(stderr: string): Record<string, number> {
  const line = stderr.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (!line) throw new Error(`bench: no --stats line in silt's stderr: ${JSON.stringify(stderr.slice(-300))}`);
  return JSON.parse(line) as Record<string, number>;
}
