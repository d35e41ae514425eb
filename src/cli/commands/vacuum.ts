import type { Command } from 'commander';
import { parseTableName } from '../../catalog/index.js';
import { parseDuration } from '../../config/index.js';
import { vacuum } from '../../lifecycle/index.js';
import { action, inProject, out } from '../context.js';
import { formatBytes } from '../progress.js';

export function register(program: Command): void {
  program
    .command('vacuum')
    .description('remove files that no table references (left by crashed or failed writes)')
    .argument('[tables...]', 'namespace.table (default: every table)')
    .option('--older-than <duration>', 'keep unreferenced files younger than this, e.g. 1h, 30m (default 1d: a writer may not have committed them yet)', '1d')
    .option('--dry-run', 'list what would be removed')
    .action(
      action(async function (this: Command, tables: string[], opts: { olderThan: string; dryRun?: boolean }) {
        const olderThanMs = parseDuration(opts.olderThan, 'vacuum: --older-than');
        const result = await inProject(this, (p) =>
          vacuum(p.catalog, { olderThanMs, dryRun: opts.dryRun, tables: tables.length ? tables.map(parseTableName) : undefined }),
        );
        for (const key of result.removed) out(`${opts.dryRun ? 'would remove' : 'removed'} ${key}`);
        out(
          `${opts.dryRun ? 'would remove' : 'removed'} ${result.filesRemoved} files (${formatBytes(result.bytesRemoved)}) from ${result.tables} tables`,
        );
      }),
    );
}
