import { z } from 'zod';
import { cronProblem, PROJECT_FILE, scheduleCron, type ProjectConfig } from '../config/index.js';
import type { SourceConfig } from '../ingest/index.js';
import type { MaintenanceTask } from './run-request.js';
import { maintenancePolicy, maintenanceSchedules } from './maintenance-config.js';

/**
 * One schedule under `schedules:` in silt.yaml: what `silt serve` asks for at each tick.
 *
 * ```yaml
 * schedules:
 *   nightly:
 *     cron: "0 2 * * *"          # minute hour day-of-month month day-of-week (6 fields: seconds first)
 *     select: [orders+]          # as `silt run --select` (default: the whole pipeline)
 *     timezone: Europe/Oslo      # default: the server's local time
 *   weekly_vacuum:
 *     cron: "0 3 * * 0"
 *     task: vacuum               # vacuum|check instead of a run; select then names tables
 * ```
 */
const scheduleSchema = z
  .strictObject({
    cron: z.string().min(1),
    select: z.union([z.string().min(1).transform((s) => s.split(/\s+/)), z.array(z.string().min(1))]).optional(),
    task: z.enum(['vacuum', 'check']).optional(),
    timezone: z.string().min(1).optional(),
  })
  .superRefine((s, ctx) => {
    const problem = cronProblem(s.cron, s.timezone);
    if (problem) ctx.addIssue({ code: 'custom', path: [problem.key], message: problem.message });
  });

const NAME = /^[a-z_][a-z0-9_-]*$/;

export const schedulesSchema = z.record(z.string(), scheduleSchema).superRefine((schedules, ctx) => {
  for (const name of Object.keys(schedules)) {
    if (!NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'a schedule name of lower-case letters, digits, _ and -' });
  }
});

export interface Schedule {
  /** The key under `schedules:`, or `ingest.<source>` for a source's own `schedule:`. */
  name: string;
  cron: string;
  timezone?: string;
  select?: string[];
  task?: MaintenanceTask;
  /** Where it is declared, for messages: `schedules.nightly`, `sources.orders.schedule`. */
  declaredAt: string;
}

/** Every schedule silt.yaml declares: the `schedules:` section, then each source's `schedule:`. */
export function projectSchedules(config: ProjectConfig, sources: Record<string, SourceConfig>): Schedule[] {
  const out: Schedule[] = [];
  for (const [name, s] of Object.entries(config.section('schedules', schedulesSchema) ?? {})) {
    out.push({ name, cron: s.cron, ...(s.timezone && { timezone: s.timezone }), ...(s.select && { select: s.select }), ...(s.task && { task: s.task }), declaredAt: `schedules.${name}` });
  }
  out.push(...maintenanceSchedules(maintenancePolicy(config)));
  for (const [name, source] of Object.entries(sources)) {
    if (source.schedule) out.push({ name: `ingest.${name}`, cron: source.schedule, select: [`ingest.${name}+`], declaredAt: `sources.${name}.schedule` });
  }
  return out;
}

/** The message prefix of a schedule's problem: the file and the key. */
export function scheduleAt(s: Schedule, key?: string): string {
  return `config: ${PROJECT_FILE}: ${s.declaredAt}${key ? `.${key}` : ''}`;
}

/** What a schedule asks for, in words: `run orders+`, `vacuum every table`. */
export function scheduleAsks(s: Schedule): string {
  return s.task ? `${s.task} ${s.select?.join(' ') || 'every table'}` : `run ${s.select?.join(' ') || 'the whole pipeline'}`;
}

/** One line per schedule for `silt plan`: name, cron (and zone), what it asks for, its next tick. */
export function scheduleLines(schedules: readonly Schedule[], nowMs = Date.now()): string[] {
  const width = Math.max(...schedules.map((s) => s.name.length));
  return schedules.map((s) => {
    const when = `${s.cron}${s.timezone ? ` (${s.timezone})` : ''}`;
    const what = scheduleAsks(s);
    const next = scheduleCron(s.cron, s.timezone).nextRun(new Date(nowMs));
    return `@ ${s.name.padEnd(width)}  ${when}: ${what}${next ? `; next ${next.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}`;
  });
}
