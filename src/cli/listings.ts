/**
 * What `silt runs`, `silt runs show`, `silt table list`, `silt landing` and `silt quarantine list`
 * list, as typed rows: the terminal gets a table, scripts `--format csv|json` (render.ts), so no
 * script has to read the catalog database.
 */
import type { Command } from 'commander';
import type { RunRecord, StepRecord } from '../catalog/index.js';
import { quoteIdent, SqlSession } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import type { LandingEntry } from '../ingest/index.js';
import { pipelineConfig, quarantineTables } from '../pipeline/index.js';
import type { Project } from '../project/index.js';
import { tableOverview } from '../table/index.js';
import { render, text, type OutputFormat, type RenderColumn } from './render.js';

export interface Listing {
  columns: RenderColumn[];
  rows: unknown[][];
}

const FORMATS: readonly OutputFormat[] = ['table', 'csv', 'json'];

/** Adds `--format table|csv|json` to a listing command; with `plain`, no default: without it the command keeps its own plain output. */
export function withFormat(cmd: Command, plain = false): Command {
  const help = 'table, csv or json (one object a line)';
  return plain ? cmd.option('--format <format>', help) : cmd.option('--format <format>', help, 'table');
}

/** The `--format` value, or InvalidInput naming the command. */
export function listFormat(command: string, value: string): OutputFormat {
  if (!(FORMATS as readonly string[]).includes(value)) throw new InvalidInput(`${command}: unknown --format ${JSON.stringify(value)}; expected one of ${FORMATS.join(', ')}`);
  return value as OutputFormat;
}

export function renderListing(l: Listing, format: OutputFormat): string {
  return render(l.columns, l.rows, format).replace(/\n$/, '');
}

const cols = (spec: string): RenderColumn[] =>
  spec.split(/\s+/).map((c) => {
    const [name, type] = c.split(':') as [string, string | undefined];
    return { name, type: type ?? 'VARCHAR' };
  });

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const seconds = (from: number | null, to: number | null): number | null => (from === null || to === null ? null : Math.round(to - from) / 1000);

/** `silt runs`: one row per run, newest first. `short` cuts errors for the terminal. */
export function runsListing(runs: readonly RunRecord[], short = false): Listing {
  return {
    columns: cols('run_id trigger status by started seconds:DOUBLE error select'),
    rows: runs.map((r) => [
      r.runId, r.trigger, r.status,
      r.worker ?? (r.pid === null ? null : `${r.host ?? '?'}:${r.pid}`),
      iso(r.startedMs), seconds(r.startedMs, r.finishedMs),
      short ? (r.error ?? '').slice(0, 80) : r.error,
      r.selector,
    ]),
  };
}

/** `silt runs show ID --format …`: one row per step, with its details (expectations, files, warnings) as JSON. */
export function runStepsListing(run: RunRecord, steps: readonly StepRecord[]): Listing {
  return {
    columns: cols('run_id step kind status rows_in:BIGINT written:BIGINT quarantined:BIGINT deduplicated:BIGINT bytes_written:BIGINT started seconds:DOUBLE snapshot_id error details:JSON'),
    rows: steps.map((s) => [
      run.runId, s.step, s.kind, s.status, s.rowsIn, s.rowsWritten, s.rowsQuarantined, s.rowsDeduplicated, s.bytesWritten,
      iso(s.startedMs), seconds(s.startedMs, s.finishedMs), s.snapshotId, s.error, s.details === null ? null : JSON.parse(s.details),
    ]),
  };
}

/** `silt table list`: tables with their current rows, data files and bytes (from the snapshot summary); external tables and views. */
export async function tableListing(p: Project, ns?: string): Promise<Listing> {
  const rows: unknown[][] = [];
  for (const t of await p.catalog.listTables(ns)) {
    const o = tableOverview((await p.catalog.loadTable(t.namespace, t.name)).metadata);
    rows.push([`${t.namespace}.${t.name}`, 'table', o.rows, o.files, o.bytes]);
  }
  for (const t of await p.catalog.externalTables.list(ns)) rows.push([`${t.namespace}.${t.name}`, 'external', null, null, null]);
  for (const t of await p.catalog.views.list(ns)) rows.push([`${t.namespace}.${t.name}`, 'view', null, null, null]);
  rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return { columns: cols('table kind rows:BIGINT files:BIGINT bytes:BIGINT'), rows };
}

/** `silt landing`: the files and what became of each. */
export function landingListing(entries: readonly LandingEntry[]): Listing {
  return { columns: cols('source file size:BIGINT status detail'), rows: entries.map((e) => [e.source || null, e.path, e.size, e.status, e.detail]) };
}

/** `silt quarantine list`: rows set aside per table and rule (read as the project's sessions read, so policies apply). */
export async function quarantineListing(p: Project): Promise<Listing> {
  const engine = await p.openEngine();
  try {
    const sql = new SqlSession(engine, p.catalog, { policy: p.accessPolicy, governor: p.governance });
    const rows: unknown[][] = [];
    for (const q of quarantineTables(pipelineConfig(p.config))) {
      if (!(await p.catalog.tableExists(q.namespace, q.table))) continue;
      const from = `${quoteIdent(q.namespace)}.${quoteIdent(q.table)}`;
      const r = await sql.execute(
        q.kind === 'silver'
          ? `SELECT rule || coalesce('(' || "column" || ')', '') AS rule, count(*) AS n, max(quarantined_at) AS last FROM ${from} GROUP BY 1 ORDER BY 2 DESC, 1`
          : `SELECT 'rejected' AS rule, count(*) AS n, max(rejected_at) AS last FROM ${from} HAVING count(*) > 0`,
      );
      for (const row of r.rows) rows.push([q.label, row[0], row[1], row[2] === null ? null : text(row[2])]);
    }
    return { columns: cols('table rule rows:BIGINT last_quarantined_at:TIMESTAMPTZ'), rows };
  } finally {
    engine.close();
  }
}
