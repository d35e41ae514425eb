/**
 * pipeline-s3: the demo pipeline (`silt run`) on the same landing files twice, once on the embedded
 * defaults (a local lake folder, a SQLite catalog) and once on S3 + PostgreSQL: the SeaweedFS and
 * PostgreSQL of a `silt dev up` the bench starts and stops itself, or the stack SILT_DEV_STORAGE /
 * SILT_DEV_CATALOG (and the AWS_* variables `silt dev up` exports) name. Each S3 run gets its own
 * prefix and its own PostgreSQL database. Every table's fingerprint is compared between the two.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { demoTemplate, freshDemoProject, type DemoTemplate } from './lib/demo-project.js';
import type { BenchOptions } from './lib/options.js';
import { distModule, OUT, SILT_MAIN } from './lib/paths.js';
import { compareFingerprints, siltFingerprint, type Fingerprint } from './lib/pipeline-check.js';
import { runSilt, type SiltRun } from './lib/pipeline-sides.js';
import { removeDir } from './lib/projects.js';
import { log, printTable, printVerdicts, writeResults, type Verdict } from './lib/report.js';
import { median, mib, ms, ratio } from './lib/stats.js';

type Side = 'embedded' | 's3+pg';

interface StackRef {
  storage: string;
  catalog: string;
  /** Set when the bench started the stack: `silt dev down` runs there at the end. */
  folder?: string;
}

interface Sample extends SiltRun {
  side: Side;
  /** Bytes of every object the run left in the lake outside the landing zone. */
  bytesWritten: number;
  objectsWritten: number;
  /** Rows the ingest steps read from the landing files. */
  rowsIn: number;
  /** S3 side only: uploading the landing files before the run (not part of the run's time). */
  uploadMs?: number;
  /** S3 side, on a stack the bench started: CPU SeaweedFS and PostgreSQL used during the run. */
  stackCpuMs?: number;
}

interface ObjectStoreLike {
  list(prefix: string): Promise<{ key: string; size: number }[]>;
  dispose?: () => Promise<void>;
}
interface DistModules {
  placeDemo(dir: string, to: { storage?: string; catalog?: string }): Promise<void>;
  loadProject(dir: string): { storageLocation: string; storageS3: unknown };
  openStore(location: string, s3: unknown): ObjectStoreLike;
}

export async function pipelineS3Bench(opts: BenchOptions): Promise<Verdict[]> {
  const engine = { threads: opts.threads, memoryLimit: opts.memoryLimit };
  const template = await demoTemplate(opts.rows);
  log(`demo data for ${opts.rows.toLocaleString('en-US')} orders: ${template.files} files, ${mib(template.landingBytes)} (${template.generatedMs === null ? 'cached' : `generated in ${ms(template.generatedMs)}`})`);
  const work = path.join(OUT, 'tmp', 'pipeline-s3');
  removeDir(work);
  mkdirSync(work, { recursive: true });
  const dist = await loadDist();
  const stack = await openStack();
  const samples: Sample[] = [];
  const prints = new Map<Side, Fingerprint>();
  const load: number[] = [os.loadavg()[0]!];
  try {
    const runs = opts.runs ?? 1;
    for (let i = 0; i < runs; i++) {
      const order: Side[] = i % 2 === 0 ? ['embedded', 's3+pg'] : ['s3+pg', 'embedded'];
      for (const side of order) {
        const dir = path.join(work, `${side === 'embedded' ? 'embedded' : 's3'}-${i}`);
        await freshDemoProject(template, dir, engine);
        let uploadMs: number | undefined;
        if (side === 's3+pg') {
          const started = performance.now();
          const prefix = `bench-${process.pid}-${Date.now()}-${i}`;
          await dist.placeDemo(dir, { storage: `${stack.storage.replace(/\/+$/, '')}-${prefix}`, catalog: await freshDatabase(stack.catalog, prefix.replaceAll('-', '_')) });
          uploadMs = performance.now() - started;
        }
        const stackBefore = side === 's3+pg' ? stackCpuMs(stack) : null;
        const run = await runSilt(dir);
        const stackAfter = side === 's3+pg' ? stackCpuMs(stack) : null;
        load.push(os.loadavg()[0]!);
        const written = await lakeBytes(dist, dir);
        if (i === runs - 1) prints.set(side, await siltFingerprint(dir));
        removeDir(dir);
        const rowsIn = run.steps.filter((s) => s.step.startsWith('ingest.')).reduce((n, s) => n + s.rowsIn, 0);
        samples.push({ ...run, side, bytesWritten: written.bytes, objectsWritten: written.objects, rowsIn, ...(uploadMs === undefined ? {} : { uploadMs }), ...(stackBefore !== null && stackAfter !== null ? { stackCpuMs: stackAfter - stackBefore } : {}) });
        log(`run ${i + 1}/${runs} ${side}: ${ms(run.wallMs)}, CPU ${ms(run.cpuMs ?? Number.NaN)}, ${mib(written.bytes)} written${uploadMs === undefined ? '' : ` (landing uploaded in ${ms(uploadMs)} first)`}, load ${os.loadavg()[0]!.toFixed(1)}`);
      }
    }
  } finally {
    await closeStack(stack);
    removeDir(work);
  }
  return report(opts, template, samples, prints, load);
}

/**
 * CPU (user+sys, ms) SeaweedFS and PostgreSQL have used so far, from /proc: the SeaweedFS process,
 * the postmaster with its exited children (finished backends) and its live ones. Null when the
 * bench did not start the stack or /proc is not there.
 */
function stackCpuMs(stack: StackRef): number | null {
  if (!stack.folder) return null;
  const dev = path.join(stack.folder, '.silt', 'dev');
  const pidOf = (file: string) => (existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : NaN);
  const weed = pidOf(path.join(dev, 's3', 'seaweedfs.pid'));
  const postmaster = pidOf(path.join(dev, 'postgres', 'data', 'postmaster.pid'));
  /** Fields 14-17 of /proc/PID/stat: utime, stime, cutime, cstime, in clock ticks (100 a second). */
  const ticks = (pid: number, fields: number): number | null => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return rest.slice(11, 11 + fields).reduce((n, x) => n + Number(x), 0);
    } catch {
      return null;
    }
  };
  const w = ticks(weed, 4);
  const p = ticks(postmaster, 4);
  if (w === null || p === null) return null;
  let children = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) children += ticks(Number(d), 2) ?? 0;
    } catch {
      // The process ended meanwhile.
    }
  }
  return (w + p + children) * 10;
}

async function loadDist(): Promise<DistModules> {
  const demo = (await import(distModule('demo/index.js'))) as Pick<DistModules, 'placeDemo'>;
  const config = (await import(distModule('config/index.js'))) as Pick<DistModules, 'loadProject'>;
  const storage = (await import(distModule('storage/index.js'))) as Pick<DistModules, 'openStore'>;
  return { placeDemo: demo.placeDemo, loadProject: config.loadProject, openStore: storage.openStore };
}

/** The stack in SILT_DEV_* when set, else a new `silt dev up` (its exports copied into this process's env). */
async function openStack(): Promise<StackRef> {
  const storage = process.env['SILT_DEV_STORAGE'];
  const catalog = process.env['SILT_DEV_CATALOG'];
  if (storage && catalog) {
    log(`on the stack in SILT_DEV_STORAGE (${storage}) and SILT_DEV_CATALOG`);
    return { storage, catalog };
  }
  // PostgreSQL runs as its own user when the bench runs as root: the folder must be reachable.
  const folder = mkdtempSync(path.join(os.tmpdir(), 'silt-bench-stack-'));
  chmodSync(folder, 0o755);
  log(`starting PostgreSQL and SeaweedFS (silt dev up in ${folder})`);
  const up = await siltIn(folder, ['dev', 'up']);
  for (const m of up.matchAll(/^export (\w+)=(\S+)$/gm)) process.env[m[1]!] = m[2]!;
  const s = process.env['SILT_DEV_STORAGE'];
  const c = process.env['SILT_DEV_CATALOG'];
  if (!s || !c) {
    await closeStack({ storage: '', catalog: '', folder });
    throw new Error(`bench: silt dev up exported no SILT_DEV_STORAGE / SILT_DEV_CATALOG:\n${up}`);
  }
  return { storage: s, catalog: c, folder };
}

async function closeStack(stack: StackRef): Promise<void> {
  if (!stack.folder) return;
  try {
    await siltIn(stack.folder, ['dev', 'down']);
  } catch (e) {
    log(`silt dev down failed (stop the stack in ${stack.folder} by hand): ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  rmSync(stack.folder, { recursive: true, force: true });
}

function siltIn(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SILT_MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`silt ${args.join(' ')} exited with ${code}: ${err.trim()}`))));
  });
}

/** A new database on the stack's PostgreSQL, so that every S3 run starts from an empty catalog. */
async function freshDatabase(url: string, name: string): Promise<string> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.href;
}

/** What the run wrote: every object of the project's lake outside the landing zone. */
async function lakeBytes(dist: DistModules, dir: string): Promise<{ bytes: number; objects: number }> {
  const config = dist.loadProject(dir);
  const store = dist.openStore(config.storageLocation, config.storageS3);
  try {
    const written = (await store.list('')).filter((o) => !o.key.startsWith('landing/'));
    return { bytes: written.reduce((n, o) => n + o.size, 0), objects: written.length };
  } finally {
    await store.dispose?.();
  }
}

function report(opts: BenchOptions, template: DemoTemplate, samples: Sample[], prints: Map<Side, Fingerprint>, load: number[]): Verdict[] {
  const of = (side: Side) => samples.filter((s) => s.side === side);
  const med = (side: Side, f: (s: Sample) => number) => median(of(side).map(f));
  const wall = (side: Side) => med(side, (s) => s.wallMs);
  const cpu = (side: Side) => med(side, (s) => s.cpuMs ?? Number.NaN);
  const sides: Side[] = ['embedded', 's3+pg'];
  printTable(
    `pipeline-s3: demo at ${opts.rows.toLocaleString('en-US')} orders, landing ${mib(template.landingBytes)} in ${template.files} files, threads ${opts.threads}, memory_limit ${opts.memoryLimit}, load average ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}`,
    ['side', 'runs', 'wall', 'CPU', 'rows/s', 'written', 'objects', 'peak RSS', 'bronze', 'silver', 'gold', 'wall ratio', 'CPU ratio'],
    sides.map((side) => [
      side,
      String(of(side).length),
      ms(wall(side)),
      ms(cpu(side)),
      Math.round(med(side, (s) => s.rowsIn / (s.wallMs / 1000))).toLocaleString('en-US'),
      mib(med(side, (s) => s.bytesWritten)),
      String(med(side, (s) => s.objectsWritten)),
      mib(Math.max(...of(side).map((s) => s.peakRssBytes ?? 0)) || null),
      ms(med(side, (s) => s.stages['bronze'] ?? Number.NaN)),
      ms(med(side, (s) => s.stages['silver'] ?? Number.NaN)),
      ms(med(side, (s) => s.stages['gold'] ?? Number.NaN)),
      ratio(wall(side), wall('embedded')),
      ratio(cpu(side), cpu('embedded')),
    ]),
  );
  const stackCpu = median(of('s3+pg').map((s) => s.stackCpuMs ?? Number.NaN));
  if (Number.isFinite(stackCpu)) process.stdout.write(`(SeaweedFS and PostgreSQL used ${ms(stackCpu)} of CPU during the S3 run, beside silt's ${ms(cpu('s3+pg'))}: ${ratio(cpu('s3+pg') + stackCpu, cpu('embedded'))} of the embedded run's CPU together)\n`);
  const upload = median(of('s3+pg').map((s) => s.uploadMs ?? Number.NaN));
  process.stdout.write(`(landing uploaded to S3 before each S3 run, not timed in it: ${ms(upload)})\n`);
  // Where the time goes: each step's seconds in the last run of each side.
  const last = (side: Side) => of(side).at(-1)!;
  const s3Steps = new Map(last('s3+pg').steps.map((s) => [s.step, s.seconds]));
  printTable(
    'per step (silt runs show, last run of each side; steps run side by side)',
    ['step', 'rows in', 'embedded', 's3+pg', 'ratio'],
    [...last('embedded').steps]
      .sort((a, b) => b.seconds - a.seconds)
      .map((s) => {
        const other = s3Steps.get(s.step) ?? Number.NaN;
        return [s.step, s.rowsIn.toLocaleString('en-US'), `${s.seconds.toFixed(1)} s`, `${other.toFixed(1)} s`, s.seconds > 0 ? ratio(other, s.seconds) : 'n/a'];
      }),
  );
  const a = prints.get('embedded');
  const b = prints.get('s3+pg');
  const diffs = a && b ? compareFingerprints(a, b) : ['a side has no fingerprint'];
  const verdicts: Verdict[] = [
    { target: 'S3 + PostgreSQL produced the same tables as the embedded run', pass: diffs.length === 0, detail: diffs.length ? diffs.slice(0, 6).join('; ') : `${Object.keys(a ?? {}).length} tables agree` },
  ];
  printVerdicts(verdicts);
  process.stdout.write(`INFO s3+pg/embedded: wall ${ratio(wall('s3+pg'), wall('embedded'))}, CPU ${ratio(cpu('s3+pg'), cpu('embedded'))}\n`);
  log(`wrote ${writeResults('pipeline-s3', { bench: 'pipeline-s3', at: new Date().toISOString(), rows: opts.rows, landingBytes: template.landingBytes, landingFiles: template.files, threads: opts.threads, memoryLimit: opts.memoryLimit, loadAverage: load, samples, verdicts })}`)
  return verdicts;
}
