import type { Command } from 'commander';
import { parseTableName } from '../../catalog/index.js';
import { EnvironmentFault } from '../../errors.js';
import { checkTables } from '../../lifecycle/index.js';
import { action, inProject, out } from '../context.js';
import { formatBytes, Progress } from '../progress.js';

export function register(program: Command): void {
  program
    .command('check')
    .description('verify that every data file a table references is present, of its recorded size and checksum')
    .argument('[tables...]', 'namespace.table (default: every table)')
    .option('--all-snapshots', 'check the files of every snapshot kept, not only the current one')
    .action(
      action(async function (this: Command, tables: string[], opts: { allSnapshots?: boolean }) {
        const progress = new Progress('check');
        const result = await inProject(this, (p) =>
          checkTables(p.catalog, {
            tables: tables.length ? tables.map(parseTableName) : undefined,
            allSnapshots: opts.allSnapshots,
            onProgress: (d) => progress.update(d),
          }),
        ).finally(() => progress.done());
        for (const t of result.tables) {
          const sums = [`${t.checksumsMatched} checksums match`];
          if (t.checksumsUnrecorded > 0) sums.push(`${t.checksumsUnrecorded} not recorded`);
          out(`${t.table}: ${t.files} files, ${formatBytes(t.bytes)}, ${sums.join(', ')}, ${t.messages.length} problems`);
          for (const m of t.messages) out(`  ${m}`);
        }
        const problems = result.tables.reduce((n, t) => n + t.messages.length, 0);
        if (result.damaged) {
          throw new EnvironmentFault(`check: found ${problems} problems in ${result.tables.filter((t) => t.messages.length).length} of ${result.tables.length} tables (listed above)`);
        }
        out(`checked ${result.tables.length} tables in ${(progress.elapsedMs() / 1000).toFixed(1)} s: no problems`);
      }),
    );
}
