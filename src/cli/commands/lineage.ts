import type { Command } from 'commander';
import { InvalidInput } from '../../errors.js';
import { lineageTreeText, parseLineageTarget, projectLineage, type Direction } from '../../lineage/index.js';
import { action, inProject, out, warn } from '../context.js';

export function register(program: Command): void {
  program
    .command('lineage')
    .description('where a table or column comes from (upstream) and what it feeds (downstream)')
    .argument('<target>', 'namespace.table or namespace.table.column, e.g. gold.daily_sales.revenue')
    .option('--direction <dir>', 'up, down or both', 'both')
    .option('--json', 'print the lineage as JSON')
    .action(
      action(async function (this: Command, target: string, opts: { direction: string; json?: boolean }) {
        if (!['up', 'down', 'both'].includes(opts.direction)) {
          throw new InvalidInput(`lineage: --direction must be up, down or both, found ${JSON.stringify(opts.direction)}`);
        }
        const { table, column } = parseLineageTarget(target);
        const trace = await inProject(this, (p) => projectLineage(p, table, column, opts.direction as Direction));
        trace.warnings.forEach(warn);
        out(opts.json ? JSON.stringify(trace, null, 2) : lineageTreeText(trace));
      }),
    );
}
