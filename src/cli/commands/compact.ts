import type { Command } from 'commander';
import { parseTableName } from '../../catalog/index.js';
import { parseSize } from '../../config/index.js';
import { compactTables, type TableCompaction } from '../../lifecycle/index.js';
import { action, inProject, out } from '../context.js';
import { formatBytes, Progress } from '../progress.js';

export function register(program: Command): void {
  program
    .command('compact')
    .description('rewrite small data files per partition into files of the target size, folding merge-on-read deletes into them (one replace commit per table)')
    .argument('[tables...]', 'namespace.table (default: every table)')
    .option('--target-size <size>', "bytes per output file, e.g. 64MB, 128MiB (default: the table's write.target-file-size-bytes, else 128 MiB)")
    .option('--sort-by <columns>', 'sort the rewritten rows by these columns, comma-separated')
    .option('--dry-run', 'list per table and partition the files that would be rewritten and what they become; change nothing')
    .action(
      action(async function (this: Command, tables: string[], opts: { targetSize?: string; sortBy?: string; dryRun?: boolean }) {
        const targetSize = opts.targetSize === undefined ? undefined : parseSize(opts.targetSize, 'compact: --target-size');
        const sortBy = opts.sortBy?.split(',').map((c) => c.trim()).filter(Boolean);
        const idents = tables.length ? tables.map(parseTableName) : undefined;
        const progress = new Progress('compact');
        const result = await inProject(this, async (p) => {
          const engine = await p.openEngine();
          try {
            return await compactTables({ catalog: p.catalog, engine }, {
              tables: idents, dryRun: opts.dryRun, targetSize, sortBy,
              onProgress: (s) => progress.update({ files: s.filesDone, rows: s.rowsWritten, bytes: s.bytesWritten }),
            });
          } finally {
            engine.close();
          }
        }).finally(() => progress.done());
        for (const t of result.tables) out(opts.dryRun ? planText(t) : doneText(t));
        const secs = (progress.elapsedMs() / 1000).toFixed(1);
        const changed = result.tables.filter((t) => t.partitions.length > 0).length;
        out(`${opts.dryRun ? 'would compact' : 'compacted'} ${changed} of ${result.tables.length} tables in ${secs} s`);
      }),
    );
}

function planText(t: TableCompaction): string {
  if (t.partitions.length === 0) return `${t.table}: nothing to compact`;
  const lines = t.partitions.map((p) =>
    `  ${p.partition}: ${p.dataFiles} files (${formatBytes(p.bytes)}, ${p.records} rows before deletes, ${p.withDeletes} with deletes) -> about ${p.outputFiles} ${p.outputFiles === 1 ? 'file' : 'files'}`);
  return [`${t.table}: would rewrite ${t.partitions.length} partitions into files of ${formatBytes(t.targetSize)}`, ...lines].join('\n');
}

function doneText(t: TableCompaction): string {
  if (t.snapshotId === undefined) return `${t.table}: nothing to compact`;
  return `${t.table}: rewrote ${t.dataFilesRemoved} data files into ${t.dataFilesAdded} (${t.rowsWritten} rows, ${formatBytes(t.bytesWritten)}), ` +
    `removed ${t.deleteFilesRemoved} delete files; snapshot ${t.snapshotId} (replace)`;
}
