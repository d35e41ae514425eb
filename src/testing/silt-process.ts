import { spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout: this file runs from <root>/dist/cli/e2e/. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SILT_MAIN = path.join(REPO_ROOT, 'dist/bundle/silt.js');

export interface SiltResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts `node dist/bundle/silt.js ARGS` in `cwd` (the built CLI, never bin/silt, so tests don't race a build). */
export function startSilt(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [SILT_MAIN, ...args], {
    cwd,
    env: { ...process.env, SILT_DEBUG: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Collects a started process's output until it exits. */
export function finished(child: ChildProcess): Promise<SiltResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs one `silt` command to its end. */
export async function silt(cwd: string, ...args: string[]): Promise<SiltResult> {
  const t0 = Date.now();
  const r = await finished(startSilt(cwd, args));
  if (process.env['SILT_E2E_TIMING']) process.stderr.write(`[${Date.now() - t0} ms] silt ${args.join(' ').slice(0, 80)}\n`);
  return r;
}

/** Runs one `silt` command that must succeed; returns its stdout. */
export async function siltOk(cwd: string, ...args: string[]): Promise<string> {
  const r = await silt(cwd, ...args);
  assert.equal(r.code, 0, `silt ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** Runs a query and returns the rows of its CSV output as arrays of strings (no header). */
export async function queryCsv(cwd: string, sql: string): Promise<string[][]> {
  const text = await siltOk(cwd, 'query', sql, '--format', 'csv');
  return text
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split(','));
}

/** A single number from a query such as `SELECT count(*) FROM …`. */
export async function queryNumber(cwd: string, sql: string): Promise<number> {
  const rows = await queryCsv(cwd, sql);
  assert.equal(rows.length, 1, `expected one row from ${sql}, got ${JSON.stringify(rows)}`);
  return Number(rows[0]![0]);
}

/**
 * A failed command as a user sees it: a non-zero exit and ONE line on stderr starting `silt: `
 * (no stack trace, no "internal error"), matching every pattern given.
 */
export function assertCleanFailure(r: SiltResult, what: string, ...patterns: RegExp[]): void {
  const show = `${what}\nexit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`;
  assert.notEqual(r.code, 0, `expected a failure: ${show}`);
  assert.notEqual(r.code, null, `killed instead of failing: ${show}`);
  assert.notEqual(r.code, 70, `an internal error (a bug) instead of a user error: ${show}`);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `expected one line on stderr: ${show}`);
  assert.match(lines[0]!, /^silt: /, show);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `stack trace on stderr: ${show}`);
  for (const p of patterns) assert.match(lines[0]!, p, show);
}
