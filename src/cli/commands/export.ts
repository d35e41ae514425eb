import type { Command } from 'commander';
import { runExports, type ExportOutcome } from '../../export/index.js';
import { action, inProject, out, warn } from '../context.js';
import { Progress } from '../progress.js';

export function register(program: Command): void {
  program
    .command('export')
    .description('copy tables to a PostgreSQL (or Redshift) warehouse, as silt.yaml exports.tables declares: only what changed since the last export')
    .argument('[names...]', 'exports to run (default: every one declared)')
    .option('--full', 'send every row again (in one transaction), not only what changed')
    .option('--dry-run', 'say what would be sent, send nothing')
    .action(
      action(async function (this: Command, names: string[], opts: { full?: boolean; dryRun?: boolean }) {
        const progress = new Progress('export');
        const run = await inProject(this, (p) =>
          runExports(p, names, {
            full: opts.full,
            dryRun: opts.dryRun,
            onProgress: (m) => progress.note(m),
            onDone: (o) => {
              progress.done();
              out(describe(o));
              for (const c of o.columnsLeft) warn(`export ${o.name}: column ${c} of ${o.table} is no longer in ${o.source}; left in the warehouse, NULL in new rows`);
            },
          }),
        );
        progress.done();
        if (run.runId) out(`run ${run.runId}: ${run.outcomes.length} exported, ${run.failures.length} failed`);
        for (const f of run.failures.slice(1)) warn(f.error instanceof Error ? f.error.message : String(f.error));
        if (run.failures[0]) throw run.failures[0].error;
      }),
    );
}

function describe(o: ExportOutcome): string {
  const would = o.dryRun ? 'would ' : '';
  const head = `export ${o.name}: ${o.source} -> ${o.table} (${o.where})`;
  const added = o.columnsAdded.length ? `; ${would}add column${o.columnsAdded.length > 1 ? 's' : ''} ${o.columnsAdded.join(', ')}` : '';
  const widened = o.columnsWidened.length ? `; ${would}widen ${o.columnsWidened.join(', ')}` : '';
  if (o.how === 'up-to-date') return `${head}: up to date, ${o.reason}${added}${widened}`;
  const verb = { append: 'insert', upsert: 'upsert', replace: 'replace the table with' }[o.how];
  const past = { append: 'inserted', upsert: 'upserted', replace: 'replaced the table with' }[o.how];
  const deleted = o.how !== 'append' && o.rowsDeleted > 0 ? `, ${o.dryRun ? 'would delete' : 'deleted'} ${o.rowsDeleted.toLocaleString('en-US')} ${o.how === 'replace' ? 'old rows' : 'rows whose key is gone'}` : '';
  const unchanged = o.rowsUnchanged > 0 ? `, ${o.rowsUnchanged.toLocaleString('en-US')} rows of the rewritten files unchanged` : '';
  const rows = `${o.dryRun ? `would ${verb}` : past} ${o.rowsSent.toLocaleString('en-US')} rows${deleted}${unchanged}`;
  return `${head}: ${rows} (${o.reason}); snapshot ${o.toSnapshot ?? 'none'}${added}${widened}${o.dryRun ? '; nothing sent (--dry-run)' : ''}`;
}
