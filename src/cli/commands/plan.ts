import type { Command } from 'commander';
import { blockedPlan, pipelineConfig, planLakehouse, projectSchedules, scheduleLines, type PlanItem } from '../../pipeline/index.js';
import { planPolicies } from '../../governance/index.js';
import { reportError } from '../errors.js';
import { action, inProject, out } from '../context.js';

export function register(program: Command): void {
  program
    .command('plan')
    .description('show what silt.yaml would create or alter: tables, columns, partitioning, rules')
    .action(
      action(async function (this: Command) {
        const { items, schedules } = await inProject(this, async (p) => ({
          items: [...(await planLakehouse(p)), ...(await planPolicies(p))],
          schedules: projectSchedules(p.config, pipelineConfig(p.config).sources),
        }));
        // What `silt serve` will ask for, and when: a line each.
        out(report(items, false, schedules.length ? scheduleLines(schedules) : []));
        const blocked = blockedPlan(items, 'plan');
        if (blocked) process.exitCode = reportError(blocked);
      }),
    );
  program
    .command('apply')
    .description('create the declared silver and gold tables and evolve their schemas as planned')
    .action(
      action(async function (this: Command) {
        const items = await inProject(this, async (p) => [...(await planLakehouse(p)), ...(await planPolicies(p))]);
        const blocked = blockedPlan(items, 'apply');
        if (blocked) {
          out(report(items, false));
          process.exitCode = reportError(blocked);
          return;
        }
        const done = await inProject(this, async (p) => [...(await planLakehouse(p, { apply: true })), ...(await planPolicies(p, { apply: true }))]);
        out(report(done, true));
      }),
    );
}

function report(items: readonly PlanItem[], applied: boolean, schedules: readonly string[] = []): string {
  const width = Math.max(...items.map((i) => i.table.length), 5);
  const lines = [...items.map((i) => `${i.action} ${i.table.padEnd(width)}  ${i.detail}`), ...schedules];
  const count = (a: PlanItem['action']) => items.filter((i) => i.action === a).length;
  lines.push(
    `${applied ? 'applied' : 'plan'}: ${count('+')} to create, ${count('~')} to change, ${count('!')} blocked, ${count('-')} no longer declared, ${count('=')} unchanged`,
  );
  return lines.join('\n');
}
