import type { Command } from 'commander';
import { parseDuration } from '../../config/index.js';
import { costReport, type CostReport, type CostSection } from '../../cost/index.js';
import { InvalidInput } from '../../errors.js';
import { action, inProject, out } from '../context.js';
import { render, textTable, type OutputFormat } from '../render.js';

const FORMATS: readonly OutputFormat[] = ['table', 'json', 'csv'];
const SECTIONS = [
  ['silt', 'Silt'],
  ['aws', 'AWS'],
  ['savings', 'Savings on AWS'],
] as const;

export function register(program: Command): void {
  program
    .command('cost')
    .description("what this lakehouse costs, and what the same workload would cost on AWS (S3, Athena, Glue, Lambda), priced with silt.yaml's prices:")
    .option('--format <format>', `${FORMATS.join(', ')}`, 'table')
    .option('--since <duration>', 'the period priced, back from now: 30d, 12h', '30d')
    .action(
      action(async function (this: Command, opts: { format: string; since: string }) {
        if (!FORMATS.includes(opts.format as OutputFormat)) {
          throw new InvalidInput(`cost: --format must be ${FORMATS.join(', ')}, found ${JSON.stringify(opts.format)}`);
        }
        const back = parseDuration(opts.since, 'cost: --since');
        if (back <= 0) throw new InvalidInput(`cost: --since must be a period longer than nothing, such as 30d, found ${JSON.stringify(opts.since)}`);
        const now = Date.now();
        const report = await inProject(this, (p) => costReport(p, now - back, now));
        out(formatReport(report, opts.format as OutputFormat));
      }),
    );
}

function formatReport(r: CostReport, format: OutputFormat): string {
  if (format === 'json') return JSON.stringify({ ...r, since: new Date(r.sinceMs).toISOString(), until: new Date(r.untilMs).toISOString() }, null, 2);
  const columns = ['stack', 'item', 'product', 'quantity', 'unit', 'price', 'cost', 'source'].map((name) => ({ name, type: 'VARCHAR' }));
  const rows = SECTIONS.flatMap(([key]) => [
    ...r[key].lines.map((l) => [key, l.item, l.product, l.quantity, l.unit, l.price, l.cost, l.source]),
    [key, 'total', '', '', '', '', r[key].total, `sum of the ${r[key].lines.length} ${key} lines`],
  ]);
  if (format === 'csv') return render(columns, rows, 'csv');
  const head = `cost from ${new Date(r.sinceMs).toISOString()} to ${new Date(r.untilMs).toISOString()} (${r.days.toFixed(1)} days), in ${r.currency}, at ${r.prices === 'defaults' ? 'AWS list prices (set prices: in silt.yaml to change them)' : 'the prices of silt.yaml'}`;
  const sections = SECTIONS.map(([key, title]) => `${title}: ${money(r[key].total)}\n${sectionTable(r[key])}`);
  const storage = textTable(
    ['layer', 'table', 'tier', 'objects', 'bytes'],
    r.storage.map((g) => [g.layer, g.table, g.tier, String(g.objects), String(g.bytes)]),
  );
  return [head, ...sections, `Storage by table\n${storage}`, 'every line with its source: silt cost --format json'].join('\n');
}

function sectionTable(s: CostSection): string {
  return textTable(
    ['item', 'product', 'quantity', 'unit', 'price', 'cost'],
    s.lines.map((l) => [l.item, l.product, l.quantity.toPrecision(4), l.unit, String(l.price), money(l.cost)]),
  );
}

function money(n: number): string {
  return n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2);
}
