import type { Command } from 'commander';
import { recover, type RecoveredTable } from '../../lifecycle/index.js';
import { action, inProject, out } from '../context.js';
import { textTable } from '../render.js';

const NOT_RESTORED = [
  'not restored (a catalog holds them, the warehouse does not):',
  '  the run history of `silt runs`; external tables from `silt crawl` (crawl their folders again);',
  '  namespace properties and namespaces without tables (`silt ns create`).',
  'the bronze ingest ledger is rebuilt from the bronze tables\' snapshots by the next `silt ingest`,',
  'so no landing file already in bronze is ingested again.',
].join('\n');

export function register(program: Command): void {
  program
    .command('recover')
    .description('register again every table and view the warehouse holds that the catalog lacks (after a lost catalog)')
    .option('--dry-run', 'list what would be registered; change nothing')
    .action(
      action(async function (this: Command, opts: { dryRun?: boolean }) {
        const result = await inProject(this, (p) => recover(p.catalog, opts), { ifLost: opts.dryRun ? 'in-memory' : 'replace' });
        for (const f of result.setAside) out(`set aside the lost catalog file as ${f}`);
        out(report(result.tables));
        const count = (s: RecoveredTable['status']) => result.tables.filter((t) => t.status === s).length;
        const done = opts.dryRun ? `would register ${count('would register')}` : `registered ${count('registered')}`;
        out(`${done} tables; ${count('already registered')} already registered; ${count('not recoverable')} not recoverable`);
        if (!opts.dryRun && count('registered') > 0) out(NOT_RESTORED);
      }),
    );
}

function report(tables: readonly RecoveredTable[]): string {
  const rows = tables.map((t) => [
    t.view ? `${t.table} (view)` : t.table,
    t.status,
    t.metadataLocation ? t.metadataLocation.slice(t.metadataLocation.lastIndexOf('/') + 1) : '',
    t.snapshotId?.toString() ?? '',
    t.rows?.toString() ?? '',
  ]);
  const notes = tables.flatMap((t) => t.notes.map((n) => `  ${t.table}: ${n}`));
  return [textTable(['table', 'status', 'metadata', 'snapshot', 'rows'], rows), ...notes].join('\n');
}
