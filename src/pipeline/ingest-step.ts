import { ingestSource, type SourceConfig } from '../ingest/index.js';
import type { StepContext, StepOutcome } from './context.js';

/** Ingests a source's new landing files into its bronze table; malformed lines count as quarantined. */
export async function ingestStep(ctx: StepContext, name: string, source: SourceConfig): Promise<StepOutcome> {
  const r = await ingestSource(ctx.catalog, ctx.engine, name, source, {
    runId: ctx.runId,
    youngFiles: ctx.trigger === 'file' ? 'leave' : 'wait',
    onProgress: (p) => ctx.progress(`ingest ${name}: ${p.files} files, ${p.rows.toLocaleString('en-US')} rows`),
  });
  return {
    rowsIn: r.rowsIn,
    rowsWritten: r.rowsWritten,
    rowsQuarantined: r.rowsRejected,
    rowsDeduplicated: 0,
    bytesWritten: r.bytesWritten,
    snapshotId: r.snapshotId,
    warnings: r.warnings,
    details: {
      table: r.table,
      batchId: r.batchId,
      files: r.files,
      newColumns: r.newColumns,
      typeConflicts: r.typeConflicts,
    },
  };
}
