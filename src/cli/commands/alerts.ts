import type { Command } from 'commander';
import { evaluateAlerts } from '../../alerts/index.js';
import type { AlertRecord } from '../../catalog/index.js';
import { action, inProject, out, positiveWhole } from '../context.js';
import { textTable } from '../render.js';

export function register(program: Command): void {
  const alerts = program.command('alerts').description('alerts firing now and recent ones (declared under alerts: in silt.yaml)');
  alerts
    .command('list', { isDefault: true })
    .option('--limit <n>', 'how many recent alerts', '20')
    .action(
      action(async function (this: Command, opts: { limit: string }) {
        const limit = positiveWhole('alerts', '--limit', opts.limit);
        const { firing, recent } = await inProject(this, async (p) => ({
          firing: await p.catalog.alertLog.firing(),
          recent: (await p.catalog.alertLog.history({ limit, offset: 0 })).alerts,
        }));
        out(`firing: ${firing.length}`);
        if (firing.length) out(table(firing));
        out(`recent: ${recent.length}`);
        if (recent.length) out(table(recent));
      }),
    );
  alerts
    .command('check')
    .description('judge every rule now (staleness, row counts), and deliver what fires or clears')
    .action(
      action(async function (this: Command) {
        const o = await inProject(this, (p) => evaluateAlerts(p));
        for (const a of o.fired) out(`fired: ${a.rule} (${a.subject}): ${a.message}`);
        for (const a of o.resolved) out(`resolved: ${a.rule} (${a.subject}): ${a.resolution ?? ''}`);
        for (const d of o.deliveries.filter((x) => x.status === 'failed')) out(`not delivered to ${d.channel} after ${d.attempts} attempts: ${d.lastError}`);
        if (!o.fired.length && !o.resolved.length) out('no change');
      }),
    );
}

function table(list: readonly AlertRecord[]): string {
  return textTable(
    ['rule', 'subject', 'status', 'fired', 'resolved', 'delivered', 'message'],
    list.map((a) => {
      const failed = a.deliveries.filter((d) => d.status === 'failed');
      return [
        a.rule,
        a.subject,
        a.resolvedMs === null ? 'firing' : 'resolved',
        new Date(a.firedMs).toISOString(),
        a.resolvedMs === null ? '' : new Date(a.resolvedMs).toISOString(),
        `${a.deliveries.length - failed.length}/${a.deliveries.length}${failed.length ? ` (failed: ${failed.map((d) => d.channel).join(', ')})` : ''}`,
        a.message.slice(0, 100),
      ];
    }),
  );
}
