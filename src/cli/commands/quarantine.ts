import type { Command } from 'commander';
import { InvalidInput } from '../../errors.js';
import { SqlSession } from '../../engine/index.js';
import { findQuarantine, pipelineConfig, replayQuarantine, rulePredicate } from '../../pipeline/index.js';
import { quoteIdent } from '../../engine/index.js';
import { action, inProject, out, positiveWhole } from '../context.js';
import { render } from '../render.js';
import { listFormat, quarantineListing, renderListing, withFormat } from '../listings.js';

export function register(program: Command): void {
  const q = program.command('quarantine').description('rows set aside: silver quarantine (rule and reason) and bronze rejects (malformed records)');

  withFormat(q.command('list').description('rows set aside per table: silver quarantine by rule, bronze rejects (malformed records)'))
    .action(
      action(async function (this: Command, opts: { format: string }) {
        const format = listFormat('quarantine list', opts.format);
        const listing = await inProject(this, (p) => quarantineListing(p));
        out(listing.rows.length || format !== 'table' ? renderListing(listing, format) : 'quarantine: empty');
      }),
    );

  q.command('show')
    .description('the rows a table set aside: a silver quarantine (rule, reason, original) or bronze rejects (file, line, raw, error)')
    .argument('<table>', 'e.g. orders, silver.orders, bronze.orders')
    .option('--rule <rule>', 'only rows held by this rule (silver)')
    .option('--limit <n>', 'rows to show', '20')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(
      action(async function (this: Command, table: string, opts: { rule?: string; limit: string; format: string }) {
        const limit = positiveWhole('quarantine', '--limit', opts.limit);
        if (!['table', 'csv', 'json'].includes(opts.format)) throw new InvalidInput(`quarantine: unknown --format ${JSON.stringify(opts.format)}; expected table, csv or json`);
        const result = await inProject(this, async (p) => {
          const q = findQuarantine(pipelineConfig(p.config), table);
          if (q.kind === 'bronze' && opts.rule) throw new InvalidInput(`quarantine: ${q.label} holds rejected records, which have no rule; leave out --rule`);
          if (!(await p.catalog.tableExists(q.namespace, q.table))) return { q, rows: undefined };
          const from = `${quoteIdent(q.namespace)}.${quoteIdent(q.table)}`;
          const where = opts.rule ? ` WHERE ${rulePredicate(opts.rule)}` : '';
          const engine = await p.openEngine();
          try {
            return {
              q,
              rows: await new SqlSession(engine, p.catalog, { policy: p.accessPolicy, governor: p.governance }).execute(
                q.kind === 'silver'
                  ? `SELECT run_id, rule, "column", reason, original, _source_file, _source_line FROM ${from}${where} ORDER BY _source_file, _source_line LIMIT ${limit}`
                  : `SELECT file, line, raw, error, batch_id FROM ${from} ORDER BY file, line LIMIT ${limit}`,
              ),
            };
          } finally {
            engine.close();
          }
        });
        if (!result.rows) {
          out(`quarantine: ${result.q.label} has set no rows aside yet`);
          return;
        }
        process.stdout.write(render(result.rows.columns, result.rows.rows, opts.format as 'table'));
      }),
    );

  q.command('replay')
    .description('run held rows through the contract again (after fixing it in silt.yaml)')
    .argument('<table>', 'silver table, e.g. orders or silver.orders')
    .option('--rule <rule>', 'only rows held by this rule')
    .action(
      action(async function (this: Command, table: string, opts: { rule?: string }) {
        const { label, r } = await inProject(this, async (p) => {
          const q = findQuarantine(pipelineConfig(p.config), table);
          if (q.kind === 'bronze') {
            throw new InvalidInput(
              `quarantine: ${q.label} holds records ingest could not read, which no contract can replay; fix the file and drop it in landing again (changed content is a new file)`,
            );
          }
          return { label: q.label, r: await replayQuarantine(p, q.label.slice(q.namespace.length + 1), opts) };
        });
        out(
          `replayed ${r.rowsIn.toLocaleString('en-US')} rows of ${label}: ${r.rowsWritten} now pass, ` +
            `${r.rowsQuarantined} still quarantined, ${r.rowsDeduplicated} superseded (run ${r.runId})`,
        );
      }),
    );
}
