import type { Command } from 'commander';
import { InvalidInput } from '../../errors.js';
import { SqlSession } from '../../engine/index.js';
import { pipelineConfig, replayQuarantine } from '../../pipeline/index.js';
import { quoteLiteral } from '../../engine/index.js';
import { action, inProject, out } from '../context.js';
import { render, textTable } from '../render.js';

export function register(program: Command): void {
  const q = program.command('quarantine').description('rows silver contracts set aside, with rule and reason');

  q.command('list')
    .description('quarantined rows per silver table and rule')
    .action(
      action(async function (this: Command) {
        const rows = await inProject(this, async (p) => {
          const engine = await p.openEngine();
          try {
            const sql = new SqlSession(engine, p.catalog);
            const out: string[][] = [];
            for (const name of Object.keys(pipelineConfig(p.config).silver)) {
              if (!(await p.catalog.tableExists('silver', `${name}_quarantine`))) continue;
              const r = await sql.execute(`SELECT rule || coalesce('(' || "column" || ')', '') AS rule, count(*) AS n, max(quarantined_at) AS last FROM silver.${name}_quarantine GROUP BY 1 ORDER BY 2 DESC, 1`);
              for (const row of r.rows) out.push([`silver.${name}`, String(row[0]), String(row[1]), String(row[2] ?? '')]);
            }
            return out;
          } finally {
            engine.close();
          }
        });
        out(rows.length ? textTable(['table', 'rule', 'rows', 'last_quarantined_at'], rows) : 'quarantine: empty');
      }),
    );

  q.command('show')
    .description('the quarantined rows of a silver table')
    .argument('<table>', 'silver table name, e.g. orders')
    .option('--rule <rule>', 'only rows held by this rule')
    .option('--limit <n>', 'rows to show', '20')
    .option('--format <format>', 'table, csv or json', 'table')
    .action(
      action(async function (this: Command, table: string, opts: { rule?: string; limit: string; format: string }) {
        const name = table.replace(/^silver\./, '');
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new InvalidInput('quarantine: --limit must be a positive whole number');
        if (!['table', 'csv', 'json'].includes(opts.format)) throw new InvalidInput(`quarantine: unknown --format ${opts.format}`);
        const result = await inProject(this, async (p) => {
          const engine = await p.openEngine();
          try {
            const where = opts.rule ? ` WHERE rule = ${quoteLiteral(opts.rule)}` : '';
            return await new SqlSession(engine, p.catalog).execute(
              `SELECT run_id, rule, "column", reason, original, _source_file, _source_line FROM silver.${name}_quarantine${where} ORDER BY _source_file, _source_line LIMIT ${limit}`,
            );
          } finally {
            engine.close();
          }
        });
        process.stdout.write(render(result.columns.map((c) => c.name), result.rows, opts.format as 'table'));
      }),
    );

  q.command('replay')
    .description('run held rows through the contract again (after fixing it in silt.yaml)')
    .argument('<table>', 'silver table name, e.g. orders')
    .option('--rule <rule>', 'only rows held by this rule')
    .action(
      action(async function (this: Command, table: string, opts: { rule?: string }) {
        const name = table.replace(/^silver\./, '');
        const r = await inProject(this, (p) => replayQuarantine(p, name, opts));
        out(
          `replayed ${r.rowsIn.toLocaleString('en-US')} rows of silver.${name}: ${r.rowsWritten} now pass, ` +
            `${r.rowsQuarantined} still quarantined, ${r.rowsDeduplicated} superseded (run ${r.runId})`,
        );
      }),
    );
}
