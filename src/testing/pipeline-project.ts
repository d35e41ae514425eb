/** Test support: real projects in temp folders, table contents to compare, the CLI in a child process. */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finished, startSilt, type SiltResult } from './silt-process.js';
import { PROJECT_FILE } from '../config/index.js';
import { createDemoProject, type DemoTruth } from '../demo/index.js';
import { quoteIdent, SqlSession, type Cell } from '../engine/index.js';
import { initProject, withProject, type Project } from '../project/index.js';
import { currentSchema } from '../table/index.js';
import type { StepResult } from '../pipeline/index.js';

/** Every project in these tests salts PII hashes alike, so two projects' silver tables compare equal. */
export const TEST_SECRET = 'pipeline-tests-secret';

/** Columns that differ between two runs of the same data: run ids, batch ids, clock times. */
export const VOLATILE_COLUMNS: readonly string[] = ['_ingested_at', '_batch_id', '_batch_key', 'quarantined_at', 'run_id'];

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `silt-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  if (process.env['SILT_TEST_KEEP']) process.stderr.write(`kept ${dir}\n`);
  else await fs.rm(dir, { recursive: true, force: true });
}

/**
 * Dates every landing file a minute back: ingest leaves files modified in the last seconds alone
 * (they may still be being written), and these tests run right after writing them.
 */
export async function settleLanding(projectDir: string): Promise<void> {
  const root = path.join(projectDir, 'lake', 'landing');
  const past = new Date(Date.now() - 60_000);
  for (const e of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) await fs.utimes(path.join((e as { parentPath?: string }).parentPath ?? e.path, e.name), past, past);
  }
}

async function fixSecret(projectDir: string): Promise<void> {
  await fs.mkdir(path.join(projectDir, '.silt'), { recursive: true });
  await fs.writeFile(path.join(projectDir, '.silt', 'secret'), `${TEST_SECRET}\n`);
}

/** A demo project (silt.yaml, models, generated landing files) ready to run, and the generator's truth. */
export async function demoProject(dir: string, opts: { rows: number; seed: number }): Promise<{ dir: string; truth: DemoTruth }> {
  const demo = await createDemoProject(dir, opts);
  await fixSecret(demo.dir);
  await settleLanding(demo.dir);
  return { dir: demo.dir, truth: demo.truth };
}

/** A project from `silt init` plus the given pipeline YAML, model files and landing files (paths under `lake/landing/`). */
export async function smallProject(
  dir: string,
  yaml: string,
  landing: Record<string, string | Uint8Array>,
  models: Record<string, string> = {},
): Promise<string> {
  await initProject(dir, { name: 'pipeline_test' });
  await rewritePipelineYaml(dir, yaml);
  for (const [name, sql] of Object.entries(models)) await fs.writeFile(path.join(dir, 'models', name), sql);
  await fixSecret(dir);
  await addLanding(dir, landing);
  return dir;
}

/** Writes landing files and dates them back so the next ingest takes them. */
export async function addLanding(dir: string, landing: Record<string, string | Uint8Array>): Promise<void> {
  for (const [rel, content] of Object.entries(landing)) {
    const file = path.join(dir, 'lake', 'landing', rel);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, content);
  }
  await settleLanding(dir);
}

/** Replaces the pipeline part of silt.yaml (everything after the `silt init` template). */
export async function rewritePipelineYaml(dir: string, yaml: string): Promise<void> {
  const file = path.join(dir, PROJECT_FILE);
  const text = await fs.readFile(file, 'utf8');
  const cut = text.indexOf('\n# ---- pipeline');
  await fs.writeFile(file, `${cut < 0 ? text : text.slice(0, cut)}\n# ---- pipeline\n${yaml}`);
}

export async function withSession<T>(project: Project, fn: (sql: SqlSession) => Promise<T>): Promise<T> {
  const engine = await project.openEngine();
  try {
    return await fn(new SqlSession(engine, project.catalog));
  } finally {
    engine.close();
  }
}

/** A query's rows, every cell as text (or null). */
export async function query(sql: SqlSession, text: string): Promise<(string | null)[][]> {
  const r = await sql.execute(text, { maxRows: 1_000_000 });
  return r.rows.map((row) => row.map((c: Cell) => (c === null ? null : typeof c === 'object' ? JSON.stringify(c) : String(c))));
}

/** A query's rows (cells as text) on the project in `dir`, opened for it alone. */
export async function projectQuery(dir: string, text: string): Promise<(string | null)[][]> {
  return withProject({ projectDir: dir }, (project) => withSession(project, (s) => query(s, text)));
}

export async function count(sql: SqlSession, table: string, where = 'TRUE'): Promise<number> {
  const [row] = await query(sql, `SELECT count(*) FROM ${table} WHERE ${where}`);
  return Number(row?.[0]);
}

/** A table's rows as sorted JSON lines, leaving out the given columns. */
export async function tableRows(project: Project, sql: SqlSession, table: string, ignore: readonly string[] = VOLATILE_COLUMNS): Promise<string[]> {
  const [ns, name] = table.split('.') as [string, string];
  const t = await project.catalog.loadTable(ns, name);
  const cols = currentSchema(t.metadata).fields.map((f) => f.name).filter((c) => !ignore.includes(c));
  // A quarantine's `original` holds the bronze row, with its (volatile) `_batch_id`.
  const text = (c: string) =>
    c === 'original' && ignore.includes('_batch_id')
      ? `regexp_replace(${quoteIdent(c)}, ',?"_batch_id":"[^"]*"', '')`
      : `CAST(${quoteIdent(c)} AS VARCHAR)`;
  const rows = await query(sql, `SELECT ${cols.map(text).join(', ')} FROM ${table}`);
  return rows.map((r) => JSON.stringify(r)).sort();
}

/**
 * A table's rows as sorted JSON lines after its column names in name order (the order columns
 * were added in may differ between two runs that hold the same data), leaving out the given columns.
 */
export async function rowsByColumnName(project: Project, table: string, ignore: readonly string[] = [...VOLATILE_COLUMNS, 'batch_id', 'rejected_at']): Promise<string[]> {
  const [ns, name] = table.split('.') as [string, string];
  const cols = currentSchema((await project.catalog.loadTable(ns, name)).metadata).fields.map((f) => f.name).filter((c) => !ignore.includes(c)).sort();
  const got = await withSession(project, (sql) => query(sql, `SELECT ${cols.map((c) => `CAST(${quoteIdent(c)} AS VARCHAR)`).join(', ')} FROM ${table}`));
  return [JSON.stringify(cols), ...got.map((r) => JSON.stringify(r)).sort()];
}

/** The content of every table in the given namespaces: table name → sha256 of its sorted rows. */
export async function contentDigests(project: Project, namespaces: readonly string[], ignore: readonly string[] = []): Promise<Record<string, string>> {
  return withSession(project, async (sql) => {
    const out: Record<string, string> = {};
    for (const t of await project.catalog.listTables()) {
      if (!namespaces.includes(t.namespace)) continue;
      const name = `${t.namespace}.${t.name}`;
      out[name] = createHash('sha256').update((await tableRows(project, sql, name, ignore)).join('\n')).digest('hex');
    }
    return out;
  });
}

/** The current snapshot id of a table, or undefined when it has none (or does not exist). */
export async function snapshotOf(project: Project, table: string): Promise<string | undefined> {
  const [ns, name] = table.split('.') as [string, string];
  if (!(await project.catalog.tableExists(ns, name))) return undefined;
  return (await project.catalog.loadTable(ns, name)).metadata['current-snapshot-id']?.toString();
}

export function step(steps: readonly StepResult[], id: string): StepResult {
  const s = steps.find((x) => x.id === id);
  assert.ok(s, `no step ${id} in ${steps.map((x) => x.id).join(', ')}`);
  return s;
}

/** Every step succeeded and reconciles: rows_in = written + quarantined + deduplicated. */
export function assertReconciled(steps: readonly StepResult[]): void {
  for (const s of steps) {
    assert.equal(s.status, 'succeeded', `${s.id}: ${s.status}: ${s.error ?? ''}`);
    assert.equal(s.rowsIn, (s.rowsWritten ?? NaN) + (s.rowsQuarantined ?? NaN) + (s.rowsDeduplicated ?? NaN), `${s.id} does not reconcile: ${JSON.stringify(s)}`);
  }
}

// ---- the CLI, in a child process --------------------------------------------------------------

export type CliResult = SiltResult;

/** The CLI in a child process, with no project secret from the environment (projects keep their own). */
export function startCli(cwd: string, args: readonly string[]): ChildProcess {
  return startSilt(cwd, [...args], { SILT_PII_SECRET: '' });
}

export const cliFinished = finished;

export function cli(cwd: string, ...args: string[]): Promise<CliResult> {
  return cliFinished(startCli(cwd, args));
}

/** Runs a command that must exit 0 without a word on stderr beyond progress; returns stdout. */
export async function cliOk(cwd: string, ...args: string[]): Promise<string> {
  const r = await cli(cwd, ...args);
  assert.equal(r.code, 0, `silt ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assertNoStack(r, args.join(' '));
  return r.stdout;
}

export function assertNoStack(r: CliResult, what: string): void {
  const all = `${r.stdout}\n${r.stderr}`;
  assert.doesNotMatch(all, /^\s+at .+(:\d+:\d+\)?|\(node:)/m, `stack trace from silt ${what}:\n${all}`);
  assert.doesNotMatch(all, /internal error/i, `internal error from silt ${what}:\n${all}`);
}
