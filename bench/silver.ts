/**
 * silver: only the demo's silver steps, Silt against the DuckDB peer's silver stage, per table.
 * Both start from bronze made once and kept: a Silt project after `silt ingest` (snapshotted, and
 * put back before every run; lake files hard-linked) and the peer's bronze Parquet. Then one
 * in-process Silt run times every DuckDB statement per step and caller (pipeline-profile.ts).
 * Each run's silver tables are digested (every row, minus run ids and times) and compared with
 * the previous results file's digests, so a faster silver step that writes other rows shows up.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { demoTemplate, freshDemoProject, setEngineSettings, type DemoTemplate } from './lib/demo-project.js';
import type { BenchOptions } from './lib/options.js';
import { OUT, PROJECTS_DIR } from './lib/paths.js';
import { BENCH_SECRET, runPeer, runSilt, type SideRun, type SiltRun } from './lib/pipeline-sides.js';
import { removeDir } from './lib/projects.js';
import { log, printTable, writeResults } from './lib/report.js';
import { silt, type EngineSettings } from './lib/silt.js';
import { median, ms, ratio } from './lib/stats.js';
import { profilePipeline } from './pipeline-profile.js';

const MARK = '.bench-silver.json';
/** Columns that differ between runs of the same rows. */
const VOLATILE = ['run_id', 'quarantined_at'];

interface Digest {
  rows: string;
  digest: string;
}

export async function silverBench(opts: BenchOptions): Promise<void> {
  const engine = { threads: opts.threads, memoryLimit: opts.memoryLimit };
  const template = await demoTemplate(opts.rows);
  const work = path.join(PROJECTS_DIR, `silver-${opts.rows}`);
  const base = `${work}.base`;
  const peer = `${work}.peer`;
  await ensureBase(template, work, base, engine, opts.fresh);
  await ensurePeerBronze(template, peer, engine, opts.fresh);
  const tables = silverTables(path.join(base, 'silt.yaml'));
  const select = tables.map((t) => `silver.${t}`);

  const runs = opts.runs ?? 3;
  const siltRuns: SiltRun[] = [];
  const peerRuns: SideRun[] = [];
  let digests: Record<string, Digest> = {};
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 ? ['peer', 'silt'] : ['silt', 'peer']) {
      if (side === 'silt') {
        restore(base, work, engine);
        const run = await runSilt(work, select);
        siltRuns.push(run);
        log(`run ${i + 1}/${runs} silt: ${ms(run.stages['silver']!)} in silver steps, ${ms(run.wallMs)} wall`);
        if (i === runs - 1) digests = await digestSilver(work, tables);
      } else {
        const run = await runPeer('duckdb', template.landing, peer, engine, ['silver']);
        peerRuns.push(run);
        log(`run ${i + 1}/${runs} duckdb peer: ${ms(run.stages['silver']!)} in its silver stage`);
      }
    }
  }

  restore(base, work, engine);
  process.env['SILT_PII_SECRET'] = BENCH_SECRET;
  const profile = await profilePipeline(work, { select });
  for (const step of profile.bySteps) {
    const top = [...step.calls].sort((a, b) => b.ms - a.ms).slice(0, 8);
    printTable(
      `${step.step}: ${ms(step.ms)}, DuckDB ${ms(step.duckdbMs)} in ${step.calls.length} statements; the slowest`,
      ['ms', 'caller', 'statement'],
      top.map((c) => [String(Math.round(c.ms)), c.caller, c.what]),
    );
  }

  const stepMs = (run: SiltRun, table: string) => (run.steps.find((s) => s.step === `silver.${table}`)?.seconds ?? Number.NaN) * 1000;
  const peerMs = (run: SideRun, table: string) => run.sections?.[`silver.${table}`] ?? Number.NaN;
  const row = (name: string, s: number[], p: number[]) => [name, ms(median(s)), ms(Math.min(...s)), ms(median(p)), ratio(median(s), median(p))];
  printTable(
    `silver: demo at ${opts.rows.toLocaleString('en-US')} orders, threads ${opts.threads}, memory_limit ${opts.memoryLimit}, ${runs} runs (silt runs show vs the peer's statements)`,
    ['table', 'silt median', 'silt best', 'duckdb median', 'silt/duckdb'],
    [
      ...tables.map((t) => row(t, siltRuns.map((r) => stepMs(r, t)), peerRuns.map((r) => peerMs(r, t)))),
      row('silver (all steps)', siltRuns.map((r) => r.stages['silver']!), peerRuns.map((r) => r.stages['silver']!)),
    ],
  );

  const previous = readPrevious(opts.rows);
  if (previous) {
    const diffs = Object.entries(digests).filter(([t, d]) => previous[t] && (previous[t].rows !== d.rows || previous[t].digest !== d.digest));
    process.stdout.write(
      diffs.length
        ? `DIFF silver tables differ from the previous results: ${diffs.map(([t, d]) => `${t} (${previous[t]!.rows} → ${d.rows} rows)`).join(', ')}\n`
        : `SAME silver tables as the previous results (${Object.keys(digests).length} tables, every row)\n`,
    );
  }
  const file = writeResults('silver', {
    bench: 'silver', at: new Date().toISOString(), rows: opts.rows, threads: opts.threads, memoryLimit: opts.memoryLimit,
    silt: siltRuns, duckdb: peerRuns, digests,
    profile: { ...profile, bySteps: profile.bySteps.map((s) => ({ ...s, calls: [...s.calls].sort((a, b) => b.ms - a.ms).slice(0, 40) })) },
  });
  log(`wrote ${file}`);
}

/** A project whose bronze holds the demo's landing files, ingested once and snapshotted at `base`. */
async function ensureBase(template: DemoTemplate, work: string, base: string, engine: EngineSettings, fresh: boolean): Promise<void> {
  if (!fresh && existsSync(path.join(base, MARK))) return;
  removeDir(base);
  log(`ingesting the demo's landing files once into ${work}`);
  await freshDemoProject(template, work, engine);
  await silt(work, ['ingest']);
  copyTree(work, base);
  writeFileSync(path.join(base, MARK), `${JSON.stringify({ template: template.dir, at: new Date().toISOString() })}\n`);
}

async function ensurePeerBronze(template: DemoTemplate, peer: string, engine: EngineSettings, fresh: boolean): Promise<void> {
  if (!fresh && existsSync(path.join(peer, MARK))) return;
  removeDir(peer);
  log(`running the DuckDB peer's bronze stage once into ${peer}`);
  await runPeer('duckdb', template.landing, peer, engine, ['bronze']);
  writeFileSync(path.join(peer, MARK), '{}\n');
}

/**
 * Puts the ingested project back at `work` (the catalog holds absolute paths, so it must live
 * there), with this run's engine settings.
 */
function restore(base: string, work: string, engine: EngineSettings): void {
  removeDir(work);
  copyTree(base, work);
  setEngineSettings(work, engine);
}

/** Copies a project: table and landing files are immutable, so they are hard-linked; the rest copied. */
function copyTree(from: string, to: string, linked = false): void {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    if (e.name === MARK) continue;
    const [src, dst] = [path.join(from, e.name), path.join(to, e.name)];
    const link = linked || e.name === 'lake';
    if (e.isDirectory()) copyTree(src, dst, link);
    else if (link) linkSync(src, dst);
    else copyFileSync(src, dst);
  }
}

function silverTables(siltYaml: string): string[] {
  const config = parse(readFileSync(siltYaml, 'utf8')) as { silver?: Record<string, unknown> };
  return Object.keys(config.silver ?? {});
}

/** Every silver and quarantine table as a row count and an order-free hash of all its rows. */
async function digestSilver(project: string, tables: string[]): Promise<Record<string, Digest>> {
  const out: Record<string, Digest> = {};
  for (const name of tables.flatMap((t) => [t, `${t}_quarantine`])) {
    const q = `SELECT count(*) AS rows, CAST(sum(CAST(hash(*COLUMNS(* EXCLUDE (${VOLATILE.join(', ')}))) AS HUGEINT)) AS VARCHAR) AS digest FROM silver.${name}`;
    const plain = `SELECT count(*) AS rows, CAST(sum(CAST(hash(*COLUMNS(*)) AS HUGEINT)) AS VARCHAR) AS digest FROM silver.${name}`;
    const run = await silt(project, ['query', '--format', 'json', name.endsWith('_quarantine') ? q : plain]);
    out[name] = JSON.parse(run.stdout.trim().split('\n')[0]!) as Digest;
  }
  return out;
}

function readPrevious(rows: number): Record<string, Digest> | undefined {
  const file = path.join(OUT, 'results-silver.json');
  if (!existsSync(file)) return undefined;
  const prev = JSON.parse(readFileSync(file, 'utf8')) as { rows?: number; digests?: Record<string, Digest> };
  return prev.rows === rows ? prev.digests : undefined;
}
