import { newRunId } from '../pipeline/index.js';
import type { Project } from '../project/index.js';
import { exportTable, type ExportOptions, type ExportOutcome } from './export-table.js';
import { projectExports, selectExports, type ExportSpec } from './export-config.js';

export interface ExportRun {
  /** The run record's id; undefined on a dry run, which records nothing. */
  readonly runId: string | undefined;
  readonly outcomes: readonly ExportOutcome[];
  /** Exports that failed, each with its error; the others ran all the same. */
  readonly failures: readonly { readonly name: string; readonly error: unknown }[];
}

/**
 * Runs the named exports (all declared, when none is named), one after another. A run that sends
 * anything is recorded like a pipeline run (trigger `export`), one step `export.NAME` per export:
 * rows in (those that may go), written (sent), deduplicated (found unchanged, not sent), and the
 * snapshot sent; a failed export does not stop the others.
 */
export async function runExports(project: Project, names: readonly string[], opts: ExportOptions & { onDone?: (o: ExportOutcome) => void } = {}): Promise<ExportRun> {
  const specs = selectExports(projectExports(project.config), names);
  const outcomes: ExportOutcome[] = [];
  const failures: { name: string; error: unknown }[] = [];
  const runId = opts.dryRun ? undefined : newRunId();
  const log = project.catalog.runLog;
  if (runId) await log.start({ runId, trigger: 'export', selector: names.join(' ') || null });
  try {
    for (const spec of specs) {
      const started = Date.now();
      try {
        const outcome = await exportTable(project, spec, opts);
        outcomes.push(outcome);
        opts.onDone?.(outcome);
        if (runId) {
          await log.recordStep(stepRecord(runId, spec, started, outcome, undefined));
          await log.appendLog(runId, `export.${spec.name}`, [
            { atMs: Date.now(), level: 'info', message: `${outcome.how}: ${outcome.rowsSent} rows sent, ${outcome.rowsDeleted} deleted (${outcome.reason})` },
            ...outcome.columnsLeft.map((c) => ({ atMs: Date.now(), level: 'warn' as const, message: `column ${c} of ${outcome.table} is no longer in ${outcome.source}; left in the warehouse` })),
          ]);
        }
      } catch (error) {
        failures.push({ name: spec.name, error });
        if (runId) {
          await log.recordStep(stepRecord(runId, spec, started, undefined, error));
          await log.appendLog(runId, `export.${spec.name}`, [{ atMs: Date.now(), level: 'error', message: error instanceof Error ? error.message : String(error) }]);
        }
      }
    }
  } finally {
    if (runId) {
      const first = failures[0]?.error;
      await log.finish(runId, failures.length ? 'failed' : 'succeeded', first === undefined ? undefined : first instanceof Error ? first.message : String(first));
    }
  }
  return { runId, outcomes, failures };
}

function stepRecord(runId: string, spec: ExportSpec, started: number, o: ExportOutcome | undefined, error: unknown) {
  return {
    runId,
    step: `export.${spec.name}`,
    kind: 'export' as const,
    status: o ? ('succeeded' as const) : ('failed' as const),
    startedMs: started,
    finishedMs: Date.now(),
    rowsIn: o?.rowsRead ?? null,
    rowsWritten: o?.rowsSent ?? null,
    rowsQuarantined: null,
    rowsDeduplicated: o ? o.rowsUnchanged : null,
    bytesWritten: null,
    snapshotId: o?.toSnapshot ?? null,
    details: o
      ? JSON.stringify({
          source: o.source, target: `${o.where} ${o.table}`, how: o.how, reason: o.reason, fromSnapshot: o.fromSnapshot ?? null,
          rowsDeleted: o.rowsDeleted, columnsAdded: o.columnsAdded, columnsWidened: o.columnsWidened, createdTable: o.createdTable,
        })
      : null,
    error: error === undefined ? null : error instanceof Error ? error.message : String(error),
  };
}
