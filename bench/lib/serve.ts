/** A real `silt serve` for a bench: started on any free port, its output kept, its memory sampled. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SILT_MAIN } from './paths.js';

export interface BenchServer {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything it printed (its JSON log lines included), for a bench's error message. */
  output(): string;
  /** Resident memory now, in bytes (0 once it has exited). */
  rss(): number;
  /** CPU time (user + system) it has used so far, in ms (10 ms resolution). */
  cpuMs(): number;
  /** SIGTERM, then wait for it to exit. */
  stop(): Promise<void>;
}

export async function startServe(dir: string, args: string[] = []): Promise<BenchServer> {
  // BENCH_SERVE_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles the server (written when it stops).
  const nodeArgs = (process.env['BENCH_SERVE_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, SILT_MAIN, '--project', dir, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = / on (http:\/\/[0-9.:]+) /.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`bench: silt serve exited ${code}: ${out}`)));
  });
  return {
    child,
    url,
    output: () => out,
    rss: () => rssOf(child.pid!),
    cpuMs: () => cpuOf(child.pid!),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

function cpuOf(pid: number): number {
  // Fields 14 and 15 of /proc/PID/stat (after the parenthesised name): utime and stime in clock ticks.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
