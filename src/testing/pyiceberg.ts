import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, siltOk } from './silt-process.js';

const run = promisify(execFile);
const PYTHON = path.join(REPO_ROOT, 'interop/.venv/bin/python');

/** Fails (never skips) when the PyIceberg venv is missing: interop is part of what Silt promises. */
export function requirePyIceberg(): string {
  if (!existsSync(PYTHON)) {
    throw new Error(`interop: ${path.relative(REPO_ROOT, PYTHON)} is missing; run interop/setup.sh to install PyIceberg`);
  }
  return PYTHON;
}

/** `silt connect pyiceberg` per project folder (it does not change while a test runs). */
const propsByDir = new Map<string, Promise<string>>();

async function python(dir: string, script: string, args: string[]): Promise<string> {
  if (!propsByDir.has(dir)) propsByDir.set(dir, siltOk(dir, 'connect', 'pyiceberg', '--catalog', 'sql', '--format', 'json').then((s) => s.trim()));
  return runScript(dir, script, [await propsByDir.get(dir)!, ...args]);
}

/** Runs an interop/ script with the venv's Python; its stdout, or an error with its stderr's tail. */
async function runScript(dir: string, script: string, args: string[]): Promise<string> {
  const py = requirePyIceberg();
  try {
    const { stdout } = await run(py, [path.join(REPO_ROOT, 'interop', script), ...args], {
      cwd: dir,
      maxBuffer: 64 << 20,
    });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const tail = (err.stderr ?? '').trim().split('\n').slice(-6).join('\n');
    throw new Error(`interop: ${script} ${args.join(' ')} failed:\n${tail || err.message}`);
  }
}

export interface PyIcebergRead {
  snapshot_id: string;
  rows: number;
  columns: string[];
}

/** Reads `table` (at `snapshot`, or the current one) with PyIceberg into a Parquet file. */
export async function pyicebergRead(dir: string, table: string, out: string, snapshot?: string): Promise<PyIcebergRead> {
  const stdout = await python(dir, 'pyiceberg_read.py', [table, out, ...(snapshot ? [snapshot] : [])]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as PyIcebergRead;
}

export interface PyIcebergReadAll {
  current: string | null;
  /** Rows read at each snapshot id; the Parquet files are `<outDir>/<id>.parquet` and `current.parquet`. */
  snapshots: Record<string, number>;
}

/** Reads `table` with PyIceberg at its current snapshot and at every snapshot of its history (one process). */
export async function pyicebergReadAll(dir: string, table: string, outDir: string): Promise<PyIcebergReadAll> {
  const stdout = await python(dir, 'pyiceberg_read_all.py', [table, outDir]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as PyIcebergReadAll;
}

export interface ReferencedFiles {
  metadata: string[];
  manifest_lists: string[];
  manifests: string[];
  data_files: string[];
}

/** Every file the table's metadata references (all snapshots), as PyIceberg reads it. */
export async function pyicebergFiles(dir: string, table: string): Promise<ReferencedFiles> {
  return JSON.parse(await python(dir, 'pyiceberg_files.py', [table])) as ReferencedFiles;
}

/**
 * PyIceberg's RestCatalog against a running `silt serve` (`uri`: its /iceberg): lists, creates
 * rest_ns.people, appends, evolves, appends again, and reads `siltTable`; see interop/pyiceberg_rest.py.
 */
export async function pyicebergRest(dir: string, uri: string, outDir: string, siltTable: string, credential: string): Promise<any> {
  const stdout = await runScript(dir, 'pyiceberg_rest.py', [uri, outDir, siltTable, credential]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

/** PyIceberg's RestCatalog on the views of a running `silt serve` (`uri`: its /iceberg); see interop/pyiceberg_views.py. */
export async function pyicebergViews(dir: string, uri: string, credential: string): Promise<any> {
  const stdout = await runScript(dir, 'pyiceberg_views.py', [uri, credential]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}
