import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeEventsCsv } from '../../testing/csv-data.js';
import { queryNumber, silt, siltOk, type SiltResult } from '../../testing/silt-process.js';
import { filesUnder } from '../../testing/temp-project.js';

/**
 * Real faults, no mocks: the project's warehouse and its catalog folder (.silt) each sit on their
 * own tiny tmpfs, filled up to a few KB before a write, or remounted read-only. (Killing a write
 * at random moments is crash.test.ts.) Needs root, as the tests run in CI.
 */

const TABLE = 'ops.events';
const OLD_ROWS = 1000;
const NEW_ROWS = 2000;

let base: string;
let project: string;
let mounts: string[] = [];

function sh(cmd: string, ...args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

before(async () => {
  assert.equal(process.getuid?.(), 0, 'faults.test needs root, to mount small file systems');
  base = await mkdtemp(path.join(os.tmpdir(), 'silt-faults-'));
  project = path.join(base, 'project');
  for (const dir of [path.join(project, 'lake', 'warehouse'), path.join(project, '.silt')]) {
    await mkdir(dir, { recursive: true });
    sh('mount', '-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir);
    mounts.push(dir);
  }
  await siltOk(project, 'init');
  await writeEventsCsv(path.join(base, 'old.csv'), 0, OLD_ROWS);
  await writeEventsCsv(path.join(base, 'new.csv'), 100_000, 100_000 + NEW_ROWS);
  await siltOk(project, 'load', path.join(base, 'old.csv'), '--into', TABLE);
  // A second table to INSERT from, so INSERT writes as many rows as a load.
  await siltOk(project, 'load', path.join(base, 'new.csv'), '--into', 'ops.incoming');
});

after(async () => {
  for (const m of mounts.reverse()) sh('umount', m);
  mounts = [];
  if (base && !process.env['SILT_E2E_KEEP']) await rm(base, { recursive: true, force: true });
});

/** Fills the file system of `dir` until `freeKb` is left; returns the filler to remove. */
async function fill(dir: string, freeKb: number): Promise<string> {
  const filler = path.join(dir, 'filler');
  const s = await statfs(dir);
  const bytes = Math.max(0, s.bavail * s.bsize - freeKb * 1024);
  await writeFile(filler, new Uint8Array(bytes));
  return filler;
}

type Write = 'load' | 'insert';

function write(kind: Write): Promise<SiltResult> {
  return kind === 'load'
    ? silt(project, 'load', path.join(base, 'new.csv'), '--into', TABLE)
    : silt(project, 'query', `INSERT INTO ${TABLE} SELECT * FROM ops.incoming`);
}

interface Outcome {
  what: string;
  code: number | null;
  step: string;
}

/** Which step failed, from the one line a failed write prints and how many files it left. */
function stepOf(r: SiltResult, filesLeft: number): string {
  if (r.code === 0) return /warning: .*marker/.test(r.stderr) ? 'committed, marker left' : 'committed';
  const line = r.stderr.trim();
  if (/catalog: cannot write /.test(line)) return 'catalog opened read-only';
  // The marker goes in before any file is written, the pointer swap after all of them.
  if (/catalog: /.test(line)) return filesLeft > 0 ? 'pointer swap' : 'write marker';
  if (/\/snap-[^/]*\.avro/.test(line)) return 'manifest list';
  if (/\.avro/.test(line)) return 'manifest';
  if (/metadata\.json/.test(line)) return 'metadata file';
  if (/\/data\/data_[^/]*\.parquet/.test(line)) return 'data file';
  return `other: ${line}`;
}

let rows = 0;

/**
 * One write under a fault: it either committed (exit 0, all new rows) or not (exit 6 with one line
 * naming what failed, no new row); once the fault is gone, vacuum leaves exactly the files the
 * table had before plus the committed ones, and the table reads.
 */
async function faultyWrite(kind: Write, what: string, fault: () => Promise<() => Promise<void>>): Promise<Outcome> {
  const filesBefore = await filesUnder(mounts[0]!);
  const undo = await fault();
  let r: SiltResult;
  try {
    r = await write(kind);
  } finally {
    await undo();
  }
  const note = `${kind} with ${what}: exit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`;
  assert.notEqual(r.code, 70, `a bug reported for a fault of the machine: ${note}`);
  if (r.code !== 0) {
    assert.equal(r.code, 6, `a full or read-only disk is an environment fault (exit 6): ${note}`);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
    assert.equal(lines.length, 1, `one line on stderr: ${note}`);
    assert.match(lines[0]!, /^silt: .*(full|read-only|not writable|I\/O error|No space left)/i, note);
    assert.match(lines[0]!, /\//, `the message names the file: ${note}`);
  }
  const left = (await filesUnder(mounts[0]!)).filter((f) => !filesBefore.includes(f)).length;
  await siltOk(project, 'vacuum', '--older-than', '0');
  const filesAfter = await filesUnder(mounts[0]!);
  if (r.code === 0) rows += NEW_ROWS;
  assert.equal(await queryNumber(project, `SELECT count(*) FROM ${TABLE}`), rows, `exit 0 means committed, and only then are the rows there: ${note}`);
  assert.deepEqual(filesAfter.filter((f) => f.endsWith('.tmp')), [], `no temporary file left: ${note}`);
  if (r.code === 0) assert.deepEqual(filesBefore.filter((f) => !filesAfter.includes(f)), [], `no file lost: ${note}`);
  else assert.deepEqual(filesAfter, filesBefore, `vacuum removed what the failed write left: ${note}`);
  const outcome = { what: `${kind}, ${what}`, code: r.code, step: stepOf(r, left) };
  if (process.env['SILT_FAULT_TRACE']) process.stderr.write(`${outcome.what}: exit ${r.code}, ${outcome.step}: ${r.stderr}`);
  return outcome;
}

/** Faults with ever more free space, from `fromKb` in 4 KB steps (tmpfs pages), until the write commits. */
async function untilCommitted(kind: Write, where: string, dir: string, fromKb: number): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (let kb = fromKb; kb < fromKb + 128; kb += 4) {
    out.push(await faultyWrite(kind, `${kb} KB free ${where}`, fullDisk(dir, kb)));
    if (out.at(-1)!.code === 0) return out;
  }
  assert.fail(`${kind} never committed with up to ${fromKb + 128} KB free ${where}`);
}

const fullDisk = (dir: string, freeKb: number) => async () => {
  const filler = await fill(dir, freeKb);
  return () => rm(filler, { force: true });
};

const readOnly = (dir: string) => async () => {
  sh('mount', '-o', 'remount,ro', dir);
  return async () => sh('mount', '-o', 'remount,rw', dir);
};

test('a write that meets a full or read-only disk at any step has committed (exit 0) or left the table as it was (exit 6), and vacuum then cleans up', async (tc) => {
  const [warehouse, catalog] = mounts as [string, string];
  rows = await queryNumber(project, `SELECT count(*) FROM ${TABLE}`);
  assert.equal(rows, OLD_ROWS);
  const outcomes: Outcome[] = [
    // A load fails at each file it writes in turn (data, manifest, manifest list, metadata) as
    // the free space grows, until it commits.
    ...(await untilCommitted('load', 'in the warehouse', warehouse, 8)),
    // The catalog (SQLite in WAL mode) needs 32 KB for its -shm file before anything: with less
    // it is read read-only; then the write marker, the pointer swap and the marker's removal.
    await faultyWrite('load', '0 KB free for the catalog', fullDisk(catalog, 0)),
    ...(await untilCommitted('load', 'for the catalog', catalog, 40)),
    await faultyWrite('load', 'a read-only warehouse', readOnly(warehouse)),
    await faultyWrite('load', 'a read-only catalog', readOnly(catalog)),
    await faultyWrite('insert', '8 KB free in the warehouse', fullDisk(warehouse, 8)),
    ...(await untilCommitted('insert', 'for the catalog', catalog, 44)),
  ];
  for (const o of outcomes) tc.diagnostic(`${o.what}: exit ${o.code}, ${o.step}`);
  const steps = new Set(outcomes.map((o) => o.step));
  assert.deepEqual([...steps].filter((s) => s.startsWith('other')), [], 'every failure names a known step');
  for (const step of ['data file', 'manifest', 'manifest list', 'metadata file', 'write marker', 'pointer swap', 'catalog opened read-only', 'committed, marker left']) {
    assert.ok(steps.has(step), `some write failed at: ${step}`);
  }
});
