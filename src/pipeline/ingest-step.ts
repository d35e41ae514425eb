import { archiveLanding, ingestPulled, ingestSource, spreadSource, type IngestResult, type IngestTaskRecord, type PullReport, type SourceConfig } from '../ingest/index.js';
import type { StepContext, StepOutcome } from './context.js';
import { queueIngestTasks } from './ingest-spread.js';

/**
 * Ingests a source's new landing files into its bronze table; malformed lines count as quarantined.
 * A run that spreads its ingest hands the files to tasks any worker may do, then commits them. A
 * pulled source (`pull:`) is pulled into its landing first. Then, with an `archive:` policy, files
 * ingested long enough ago move to the archive (only after their commit: the ledger is written after it).
 */
export async function ingestStep(ctx: StepContext, name: string, source: SourceConfig): Promise<StepOutcome> {
  const opts = {
    runId: ctx.runId,
    youngFiles: ctx.trigger === 'file' ? ('leave' as const) : ('wait' as const),
    onProgress: (p: { files: number; rows: number }) => ctx.progress(`ingest ${name}: ${p.files} files, ${p.rows.toLocaleString('en-US')} rows`),
  };
  const r: IngestResult & { tasks?: IngestTaskRecord[]; pulled?: PullReport } = source.pull
    ? await ingestPulled(ctx.catalog, ctx.engine, name, source, { ...opts, signal: ctx.signal, log: ctx.progress })
    : ctx.spread
    ? await spreadSource(ctx.catalog, ctx.engine, name, source, { ...opts, filesPerTask: ctx.spread.filesPerTask, runTasks: queueIngestTasks(ctx.catalog, ctx.engine, source, ctx.spread, ctx.signal) })
    : await ingestSource(ctx.catalog, ctx.engine, name, source, opts);
  const archived = await archiveLanding(ctx.catalog, name, source);
  return {
    rowsIn: r.rowsIn,
    rowsWritten: r.rowsWritten,
    rowsQuarantined: r.rowsRejected,
    rowsDeduplicated: 0,
    bytesWritten: r.bytesWritten,
    snapshotId: r.snapshotId,
    warnings: [...r.warnings, ...archived.warnings],
    details: {
      table: r.table,
      batchId: r.batchId,
      files: r.files,
      newColumns: r.newColumns,
      typeConflicts: r.typeConflicts,
      ...(r.tasks?.length ? { tasks: r.tasks } : {}),
      ...(archived.moved.length ? { archived: archived.moved } : {}),
      ...(r.pulled ? { pulled: r.pulled } : {}),
    },
  };
}
