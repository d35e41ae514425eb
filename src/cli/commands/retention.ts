import type { Command } from 'commander';
import { parseTableName } from '../../catalog/index.js';
import { InvalidInput } from '../../errors.js';
import { applyRetention, retentionRules, retentionStatus } from '../../lifecycle/index.js';
import { action, inProject, out, warn } from '../context.js';
import { formatBytes } from '../progress.js';
import { render, type OutputFormat } from '../render.js';

const STATUS_COLUMNS = ['table', 'partition', 'state', 'files', 'bytes', 'rows', 'oldest'].map((name) => ({ name, type: ['files', 'bytes', 'rows'].includes(name) ? 'BIGINT' : 'VARCHAR' }));

export function register(program: Command): void {
  program
    .command('retention')
    .description('delete and archive old partitions as the retention: section of silt.yaml says; `silt retention status` shows what is hot, archived and due')
    .argument('[tables...]', 'namespace.table (default: every table a rule covers); `status` first shows the state instead')
    .option('--dry-run', 'list what would be deleted and archived, change nothing')
    .option('--status', 'show per table and partition what is hot, archived and due (as `silt retention status`)')
    .option('--format <format>', 'for status: table, csv or json', 'table')
    .action(
      action(async function (this: Command, args: string[], opts: { dryRun?: boolean; status?: boolean; format: string }) {
        const status = opts.status || args[0] === 'status';
        const names = (args[0] === 'status' ? args.slice(1) : args).map(parseTableName);
        const tables = names.length ? names : undefined;
        if (!['table', 'csv', 'json'].includes(opts.format)) {
          throw new InvalidInput(`retention: unknown --format ${JSON.stringify(opts.format)}; expected one of table, csv, json`);
        }
        if (status) {
          const result = await inProject(this, (p) => retentionStatus(p.catalog, retentionRules(p.config), { tables }));
          for (const s of result.skipped) warn(`skipped ${s.table}: ${s.reason}`);
          const rows = result.tables.flatMap((t) => t.partitions.map((p) => [t.table, p.partition, p.state, p.files, p.bytes, p.rows, p.oldest ?? '']));
          out(render(STATUS_COLUMNS, rows, opts.format as OutputFormat).trimEnd());
          return;
        }
        const result = await inProject(this, (p) =>
          applyRetention(p.catalog, retentionRules(p.config), { tables, dryRun: opts.dryRun, openEngine: () => p.openEngine() }),
        );
        for (const s of result.skipped) warn(`skipped ${s.table}: ${s.reason}`);
        const verb = opts.dryRun ? ['would delete', 'would archive'] : ['deleted', 'archived'];
        for (const t of result.tables) {
          const parts = [
            `${verb[0]} ${t.deleted.rows} rows in ${t.deleted.files} files (${formatBytes(t.deleted.bytes)})`,
            `${verb[1]} ${t.archived.files} files (${formatBytes(t.archived.bytes)})`,
          ];
          if (t.held > 0) parts.push(`${t.held} files due to archive carry position deletes: run compaction on the table first`);
          out(`${t.table} (${t.declaredAt}): ${parts.join(', ')}`);
        }
        if (result.tables.length === 0) out('retention: no table has a retention policy; declare one under retention: in silt.yaml');
      }),
    );
}
