import type { Command } from 'commander';
import { parseTableName } from '../../catalog/index.js';
import { parseDuration } from '../../config/index.js';
import { rewriteManifests } from '../../lifecycle/index.js';
import { expireTables, maintainTables, type MaintainedTable } from '../../pipeline/index.js';
import { action, inProject, out, positiveWhole } from '../context.js';
import { formatBytes } from '../progress.js';

export function register(program: Command): void {
  program
    .command('expire')
    .description('remove old snapshots (keeping what branches, tags and the pipeline need), then the files only they referenced')
    .argument('[tables...]', 'namespace.table (default: every table)')
    .option('--older-than <duration>', "expire snapshots older than this, e.g. 7d (default: the table's history.expire.max-snapshot-age-ms, else 5d)")
    .option('--retain-last <n>', "keep at least this many snapshots of each branch (default: history.expire.min-snapshots-to-keep, else 1)")
    .option('--dry-run', 'list what would be removed, change nothing')
    .action(
      action(async function (this: Command, tables: string[], opts: { olderThan?: string; retainLast?: string; dryRun?: boolean }) {
        const olderThanMs = opts.olderThan === undefined ? undefined : parseDuration(opts.olderThan, 'expire: --older-than');
        const retainLast = opts.retainLast === undefined ? undefined : positiveWhole('expire', '--retain-last', opts.retainLast);
        const idents = tables.length ? tables.map(parseTableName) : undefined;
        const result = await inProject(this, (p) =>
          expireTables(p.catalog, {
            dryRun: opts.dryRun,
            ...(idents ? { tables: idents } : {}),
            ...(olderThanMs === undefined ? {} : { olderThanMs }),
            ...(retainLast === undefined ? {} : { retainLast }),
          }),
        );
        const verb = opts.dryRun ? 'would expire' : 'expired';
        for (const t of result.tables) {
          if (t.snapshotsExpired.length === 0 && t.refsRemoved.length === 0) continue;
          const refs = t.refsRemoved.length ? `, refs ${t.refsRemoved.join(', ')}` : '';
          out(`${t.table}: ${verb} ${t.snapshotsExpired.length} snapshots${refs}; ${t.snapshotsKept} kept; ${opts.dryRun ? 'would remove' : 'removed'} ${t.filesRemoved} files (${formatBytes(t.bytesRemoved)})`);
        }
        const expired = result.tables.reduce((n, t) => n + t.snapshotsExpired.length, 0);
        out(`${verb} ${expired} snapshots of ${result.tables.length} tables; ${opts.dryRun ? 'would remove' : 'removed'} ${result.filesRemoved} files (${formatBytes(result.bytesRemoved)})`);
      }),
    );

  program
    .command('rewrite-manifests')
    .description("rewrite a table's many small manifests into few (one replace commit; the same rows)")
    .argument('[tables...]', 'namespace.table (default: every table)')
    .option('--dry-run', 'say what would be rewritten, change nothing')
    .action(
      action(async function (this: Command, tables: string[], opts: { dryRun?: boolean }) {
        const idents = tables.length ? tables.map(parseTableName) : undefined;
        const result = await inProject(this, (p) => rewriteManifests(p.catalog, { dryRun: opts.dryRun, ...(idents ? { tables: idents } : {}) }));
        for (const t of result) {
          if (t.replaced === 0) continue;
          out(`${t.table}: ${opts.dryRun ? 'would rewrite' : 'rewrote'} ${t.replaced} manifests into ${t.created} (${t.kept} kept as they were)`);
        }
        out(`${opts.dryRun ? 'would rewrite' : 'rewrote'} manifests of ${result.filter((t) => t.replaced > 0).length} of ${result.length} tables`);
      }),
    );

  program
    .command('maintain')
    .description('do the table maintenance the maintenance: section of silt.yaml asks for (what silt serve does on its schedule)')
    .argument('[tables...]', 'namespace.table (default: every table)')
    .option('--dry-run', 'list what would change, change nothing')
    .action(
      action(async function (this: Command, tables: string[], opts: { dryRun?: boolean }) {
        const idents = tables.length ? tables.map(parseTableName) : undefined;
        const result = await inProject(this, (p) => maintainTables(p, { dryRun: opts.dryRun, ...(idents ? { tables: idents } : {}) }));
        for (const t of result) for (const line of maintainedLines(t, opts.dryRun ?? false)) out(line);
        out(`${opts.dryRun ? 'would maintain' : 'maintained'} ${result.filter((t) => maintainedLines(t, false).length > 0).length} of ${result.length} tables`);
      }),
    );
}

/** One line per action a table had. */
function maintainedLines(t: MaintainedTable, dryRun: boolean): string[] {
  const lines: string[] = [];
  const would = (done: string, todo: string) => (dryRun ? todo : done);
  if (t.retention !== undefined) lines.push(`${t.table}: retention: ${JSON.stringify(t.retention)}`);
  if (t.compact !== undefined) lines.push(`${t.table}: compact: ${JSON.stringify(t.compact)}`);
  if (t.rewriteManifests && t.rewriteManifests.replaced > 0) {
    lines.push(`${t.table}: ${would('rewrote', 'would rewrite')} ${t.rewriteManifests.replaced} manifests into ${t.rewriteManifests.created}`);
  }
  if (t.expire && t.expire.snapshotsExpired > 0) {
    lines.push(`${t.table}: ${would('expired', 'would expire')} ${t.expire.snapshotsExpired} snapshots, ${would('removed', 'would remove')} ${t.expire.filesRemoved} files (${formatBytes(t.expire.bytesRemoved)})`);
  }
  for (const s of t.skipped ?? []) lines.push(`${t.table}: skipped ${s}`);
  return lines;
}
