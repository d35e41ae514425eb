/**
 * Runs a command as a child process and measures what a user waits for: wall time from spawn to
 * exit, and peak RSS. Peak RSS comes from GNU time (`/usr/bin/time -f %M`, the child's own
 * getrusage maxrss) because Node reports resource usage only for its own process.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';

export interface ChildRun {
  wallMs: number;
  /** Peak resident set size in bytes; null when GNU time is not installed. */
  peakRssBytes: number | null;
  stdout: string;
  stderr: string;
}

export function canMeasureRss(): boolean {
  return existsSync(GNU_TIME);
}

export async function timedRun(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildRun> {
  const rssDir = canMeasureRss() ? mkdtempSync(path.join(os.tmpdir(), 'silt-bench-rss-')) : null;
  const rssFile = rssDir ? path.join(rssDir, 'rss') : null;
  const [cmd, argv] = rssFile ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args];
  try {
    const started = performance.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(cmd, argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    const wallMs = performance.now() - started;
    if (code !== 0) {
      throw new Error(`bench: ${path.basename(command)} ${args.slice(0, 4).join(' ')} … exited with ${code}:\n${stderr.trim()}`);
    }
    return { wallMs, peakRssBytes: rssFile ? readRss(rssFile) : null, stdout, stderr };
  } finally {
    if (rssDir) rmSync(rssDir, { recursive: true, force: true });
  }
}

function readRss(file: string): number | null {
  // GNU time may prefix lines like "Command exited with non-zero status"; the figure is the last line.
  const last = readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '';
  const kib = Number(last);
  return Number.isFinite(kib) && last !== '' ? kib * 1024 : null;
}
