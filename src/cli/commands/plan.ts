import type { Command } from 'commander';
import { blockedPlan, pipelineConfig, planLakehouse, projectSchedules, scheduleLines, type PlanItem } from '../../pipeline/index.js';
import { planAccess, planPolicies, projectGrants } from '../../governance/index.js';
import type { Project } from '../../project/index.js';
import { reportError } from '../errors.js';
import { action, inProject, out } from '../context.js';

export function register(program: Command): void {
  program
    .command('plan')
    .description('show what silt.yaml would create or alter: tables, columns, partitioning, rules')
    .action(
      action(async function (this: Command) {
        const { items, schedules } = await inProject(this, async (p) => ({
          items: await planWhole(p),
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
    .description('create the declared silver and gold tables and evolve their schemas as planned; make the declared principals, groups and grants')
    .action(
      action(async function (this: Command) {
        const items = await inProject(this, (p) => planWhole(p));
        const blocked = blockedPlan(items, 'apply');
        if (blocked) {
          out(report(items, false));
          process.exitCode = reportError(blocked);
          return;
        }
        const done = await inProject(this, (p) => planWhole(p, true));
        out(report(done, true));
      }),
    );
}

/** The tables' plan, then the access plan (principals, groups, grants of silt.yaml's `access:`), which may name tables the first creates. */
async function planWhole(p: Project, apply = false): Promise<PlanItem[]> {
  const tables = await planLakehouse(p, apply ? { apply: true } : {});
  const tablesToCreate = tables.filter((i) => i.action === '+').map((i) => i.table);
  return [
    ...tables,
    ...(await planAccess(p.catalog, p.config, projectGrants(p.catalog, p.config), { apply, tablesToCreate })),
    ...(await planPolicies(p, apply ? { apply: true } : {})),
  ];
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
