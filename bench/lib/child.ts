/**
 * Runs a command as a child process and measures what a user waits for: wall time from spawn to
 * exit, and peak RSS. Peak RSS and CPU time come from GNU time (`/usr/bin/time -f '%M %U %S'`, the
 * child's own getrusage) because Node reports resource usage only for its own process. CPU time
 * (user + system, every thread) suffers less than wall time when others load the cores.
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
  /** User + system CPU time of the child, all threads; null when GNU time is not installed. */
  cpuMs: number | null;
  stdout: string;
  stderr: string;
}

export function canMeasureRss(): boolean {
  return existsSync(GNU_TIME);
}

export async function timedRun(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ChildRun> {
  const rssDir = canMeasureRss() ? mkdtempSync(path.join(os.tmpdir(), 'silt-bench-rss-')) : null;
  const rssFile = rssDir ? path.join(rssDir, 'rss') : null;
  const [cmd, argv] = rssFile ? [GNU_TIME, ['-f', '%M %U %S', '-o', rssFile, command, ...args]] : [command, args];
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
    const usage = rssFile ? readUsage(rssFile) : null;
    return { wallMs, peakRssBytes: usage?.peakRssBytes ?? null, cpuMs: usage?.cpuMs ?? null, stdout, stderr };
  } finally {
    if (rssDir) rmSync(rssDir, { recursive: true, force: true });
  }
}

function readUsage(file: string): { peakRssBytes: number | null; cpuMs: number | null } {
  // GNU time may prefix lines like "Command exited with non-zero status"; the figures are the last line.
  const [kib, user, system] = (readFileSync(file, 'utf8').trim().split('\n').at(-1) ?? '').split(' ').map((x) => (x === '' ? NaN : Number(x)));
  return {
    peakRssBytes: kib !== undefined && Number.isFinite(kib) ? kib * 1024 : null,
    cpuMs: user !== undefined && system !== undefined && Number.isFinite(user + system) ? Math.round((user + system) * 1000) : null,
  };
}
