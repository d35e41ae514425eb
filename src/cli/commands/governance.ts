import type { Command } from 'commander';
import { publishAudit } from '../../governance/index.js';
import { textTable } from '../render.js';
import { action, inProject, out } from '../context.js';

export function register(program: Command): void {
  const wg = program.command('workgroup').description('workgroups: bytes-scanned and result-row limits declared under policies: in silt.yaml');
  wg.command('usage')
    .description('queries, refusals and bytes scanned per workgroup and UTC day')
    .option('--workgroup <name>', 'one workgroup only')
    .option('--day <yyyy-mm-dd>', 'one day only')
    .action(
      action(async function (this: Command, opts: { workgroup?: string; day?: string }) {
        const rows = await inProject(this, (p) => p.governance.workgroups.usage(opts));
        out(rows.length ? textTable(['workgroup', 'day', 'queries', 'refused', 'bytes_scanned'], rows.map((r) => [r.workgroup, r.day, String(r.queries), String(r.refused), String(r.bytesScanned)])) : 'workgroup: no usage yet');
      }),
    );
  program
    .command('audit')
    .description('the audit log: publish the events kept since the last time into system.audit (then query it with silt query)')
    .command('publish')
    .action(
      action(async function (this: Command) {
        const n = await inProject(this, async (p) => {
          const engine = await p.openEngine();
          try {
            return await publishAudit(p.catalog, engine);
          } finally {
            engine.close();
          }
        });
        out(`audit: published ${n} event${n === 1 ? '' : 's'} to system.audit`);
      }),
    );
}
