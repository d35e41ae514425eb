import type { Command } from 'commander';
import { NotFound } from '../../errors.js';
import { unclaimedLanding, type IngestTaskRecord } from '../../ingest/index.js';
import { runWithLineage } from '../../lineage/index.js';
import { pipelineConfig, storedStep, type RunResult, type StepResult } from '../../pipeline/index.js';
import type { Project } from '../../project/index.js';
import { EXIT, exitCodeOfKind } from '../errors.js';
import { action, inProject, out, positiveWhole, warn } from '../context.js';
import { Progress } from '../progress.js';
import { findServer, runOnServer, serverWanted } from '../server-client.js';
import { textTable } from '../render.js';
import { listFormat, renderListing, runsListing, runStepsListing, withFormat } from '../listings.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('run the pipeline: ingest → silver → gold, in dependency order')
    .option('--select <steps...>', 'steps or tables to run: orders, silver.orders, +gold.daily_sales (with upstream), orders+ (with downstream)')
    .option('--local', 'run in this process even when a `silt serve` runs for the project (as SILT_NO_SERVER=1 does)')
    .option('--full-refresh <steps...>', 'silver or gold tables rebuilt from all their upstream rows in one commit (e.g. silver.orders); runs in this process')
    .action(
      action(async function (this: Command, opts: { select?: string[]; local?: boolean; fullRefresh?: string[] }) {
        const progress = new Progress('run');
        const { result, unclaimed } = await inProject(this, async (p) => ({
          result: await runHereOrOnServer(p, opts.select, opts.local || !!opts.fullRefresh, progress, opts.fullRefresh),
          unclaimed: await unclaimedNote(p),
        })).finally(() => progress.done());
        out(runReport(result) + unclaimed);
        process.exitCode = runExitCode(result);
      }),
    );

  const runs = program.command('runs').description('past pipeline runs');
  withFormat(runs.command('list', { isDefault: true }).option('--limit <n>', 'how many', '20')).action(
    action(async function (this: Command, opts: { limit: string; format: string }) {
      const format = listFormat('runs', opts.format);
      const limit = positiveWhole('runs', '--limit', opts.limit);
      const list = await inProject(this, (p) => p.catalog.runLog.runs(limit));
      out(renderListing(runsListing(list, format === 'table'), format));
    }),
  );
  withFormat(runs.command('show').argument('<run-id>')).action(
    action(async function (this: Command, id: string, opts: { format: string }) {
      const format = listFormat('runs show', opts.format);
      const found = await inProject(this, (p) => p.catalog.runLog.run(id));
      if (!found) throw new NotFound(`runs: no run ${id}; \`silt runs\` lists them`);
      const { run, steps } = found;
      if (format !== 'table') return out(renderListing(runStepsListing(run, steps), format));
      const by = run.worker ? `  worker=${run.worker}` : '';
      out(`run ${run.runId}  ${run.status}  trigger=${run.trigger}${run.selector ? `  select=${run.selector}` : ''}${by}  host=${run.host ?? '?'} pid=${run.pid ?? '?'}`);
      const results = steps.map(storedStep);
      out(stepTable(results, run.startedMs));
      for (const s of results) {
        for (const e of (s.details as StoredDetails | undefined)?.expectations?.filter((x) => x.failing_rows > 0) ?? []) {
          out(`  ${s.id}: ${e.label ?? e.rule}${e.column && !e.label ? `(${e.column})` : ''} [${e.policy}] ${e.failing_rows} rows`);
        }
      }
      for (const s of results) {
        const tasks = (s.details as StoredDetails | undefined)?.tasks;
        if (tasks?.length) out(`  ${s.id}: ${tasks.length} ingest tasks; ${tasksByWorker(tasks)}`);
        const archived = (s.details as StoredDetails | undefined)?.archived;
        if (archived?.length) out(`  ${s.id}: ${archived.length} landing file${archived.length === 1 ? '' : 's'} archived: ${archived.map((a) => a.to).join(', ')}`);
      }
      const notes = stepNotes(results);
      if (notes.length) out(notes.join('\n'));
    }),
  );
}

/**
 * A run by the project's `silt serve` when one answers (so runs never race, and the server's
 * history has them), else in this process; the result is the same either way.
 */
export async function runHereOrOnServer(p: Project, select: string[] | undefined, local: boolean | undefined, progress: Progress, fullRefresh?: string[]): Promise<RunResult> {
  const server = serverWanted(local) ? await findServer(p.config.dir, p.config.name) : undefined;
  if (!server) return runWithLineage(p, { select, ...(fullRefresh ? { fullRefresh } : {}), trigger: 'manual', onProgress: (m) => progress.note(m), onWarning: warn });
  progress.note(`asked the server at ${server.url}; waiting for the run`);
  return runOnServer(server, { ...(select ? { select } : {}) });
}

/** A step's details as the run log holds them. */
interface StoredDetails extends Record<string, unknown> {
  expectations?: Expectation[];
  warnings?: string[];
  /** An ingest spread over workers: who did which task. */
  tasks?: IngestTaskRecord[];
  /** Landing files the source's archive policy moved after the ingest. */
  archived?: { from: string; to: string }[];
}

/** `w1: tasks 0, 2 (6 files, 120 rows); w2: …`, workers by name. */
function tasksByWorker(tasks: readonly IngestTaskRecord[]): string {
  const by = new Map<string, IngestTaskRecord[]>();
  for (const t of tasks) by.set(t.worker, [...(by.get(t.worker) ?? []), t]);
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([worker, ts]) => `${worker}: task${ts.length === 1 ? '' : 's'} ${ts.map((t) => t.task).join(', ')} (${ts.reduce((n, t) => n + t.files, 0)} files, ${ts.reduce((n, t) => n + t.rows, 0)} rows)`)
    .join('; ');
}

interface Expectation {
  rule: string;
  column?: string;
  label?: string;
  policy: string;
  failing_rows: number;
}

/**
 * A run's exit code: 0 when every step succeeded, otherwise the code of its first failed step's
 * error, so a missing source table exits 3 and only a `fail` rule (or rows that do not reconcile) 5.
 */
export function runExitCode(result: RunResult): number {
  const failed = result.steps.find((s) => s.status === 'failed');
  return failed ? exitCodeOfKind(failed.errorKind ?? 'internal') : EXIT.ok;
}

/** A line for the end of ingest and run output when landing holds files no source reads; '' otherwise. */
export async function unclaimedNote(p: Project): Promise<string> {
  const files = await unclaimedLanding(p.store, pipelineConfig(p.config).sources);
  if (files.length === 0) return '';
  const names = files.slice(0, 3).map((f) => f.file.key).join(', ') + (files.length > 3 ? ', …' : '');
  return `\nlanding: ${files.length} file${files.length === 1 ? '' : 's'} no source reads (${names}); \`silt landing\` says why`;
}

export function runReport(result: RunResult): string {
  if (result.steps.length === 0) {
    return `run ${result.runId}: nothing to do: silt.yaml declares no sources, silver contracts or gold models (declare one under \`sources:\`; \`silt demo\` makes a full example)`;
  }
  const lines = [stepTable(result.steps, result.startedMs), ...stepNotes(result.steps, { warningsPerStep: 10, runId: result.runId })];
  lines.push(`run ${result.runId} ${result.status} in ${(result.elapsedMs / 1000).toFixed(1)} s`);
  return lines.join('\n');
}

/**
 * One line per step error and per warning, under the step table. A run's report shows the first
 * warnings of each step (a thousand files with one odd header each would bury the table);
 * `silt runs show` shows them all.
 */
function stepNotes(steps: readonly StepResult[], cap?: { warningsPerStep: number; runId: string }): string[] {
  return steps.flatMap((s) => {
    const warnings = s.warnings ?? [];
    const shown = cap ? warnings.slice(0, cap.warningsPerStep) : warnings;
    return [
      ...(s.error ? [`${s.id}: ${s.status}: ${s.error}`] : []),
      ...shown.map((w) => `${s.id}: warning: ${w}`),
      ...(shown.length < warnings.length ? [`${s.id}: … and ${warnings.length - shown.length} more warnings; \`silt runs show ${cap!.runId}\` lists them all`] : []),
    ];
  });
}

/** One row per step; `started` is seconds into the run, since steps may run side by side. */
function stepTable(steps: readonly StepResult[], runStartedMs: number): string {
  const n = (v: number | undefined) => (v === undefined ? '' : v.toLocaleString('en-US'));
  return textTable(
    ['step', 'status', 'rows_in', 'written', 'quarantined', 'deduplicated', 'seconds', 'reconciled', 'started'],
    steps.map((s) => [
      s.id,
      s.status,
      n(s.rowsIn),
      n(s.rowsWritten),
      n(s.rowsQuarantined),
      n(s.rowsDeduplicated),
      (s.elapsedMs / 1000).toFixed(1),
      s.rowsIn === undefined ? '' : s.rowsIn === (s.rowsWritten ?? 0) + (s.rowsQuarantined ?? 0) + (s.rowsDeduplicated ?? 0) ? 'yes' : 'NO',
      s.startedMs === undefined ? '' : `+${(Math.max(0, s.startedMs - runStartedMs) / 1000).toFixed(1)}`,
    ]),
  );
}
