import { z } from 'zod';
import { cronProblem, isDuration, parseDuration, type ProjectConfig } from '../config/index.js';

/**
 * The `maintenance:` section of silt.yaml: what table maintenance to do, for every table, per
 * layer (namespace) and per table (the most specific setting wins, key by key; `false` turns an
 * action off), and when `silt serve` does it. `silt maintain` does it by hand.
 *
 * ```yaml
 * maintenance:
 *   schedule: "0 4 * * *"                       # cron; each table on the most specific schedule
 *   expire: { older_than: 7d, retain_last: 5 }  # silt expire's options
 *   rewrite_manifests: true
 *   layers:
 *     bronze: { schedule: "0 * * * *", compact: { target_file_size_mb: 128 } }
 *   tables:
 *     gold.daily_sales: { expire: false }
 * ```
 */
const expireSchema = z.union([
  z.literal(false),
  z.literal(true),
  z.strictObject({
    older_than: z.string().refine(isDuration, { message: 'a duration such as 30m, 1h or 7d' }).optional(),
    retain_last: z.number().int().min(1).optional(),
  }),
]);
const actionsSchema = {
  schedule: z.string().min(1).optional(),
  timezone: z.string().min(1).optional(),
  expire: expireSchema.optional(),
  rewrite_manifests: z.boolean().optional(),
  /** Applies the table's rule of the `retention:` section (deletes and archives what is due). */
  retention: z.boolean().optional(),
  /** Handed to compaction as written. */
  compact: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
};
function checkSchedule(s: { schedule?: string | undefined; timezone?: string | undefined }, ctx: z.RefinementCtx): void {
  if (s.schedule === undefined) return;
  const problem = cronProblem(s.schedule, s.timezone);
  if (problem) ctx.addIssue({ code: 'custom', path: [problem.key === 'cron' ? 'schedule' : problem.key], message: problem.message });
}
const levelSchema = z.strictObject(actionsSchema).superRefine(checkSchedule);

export const maintenanceSchema = z.strictObject({
  ...actionsSchema,
  layers: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/), levelSchema).optional(),
  tables: z.record(z.string().regex(/^[^.\s]+\.[^.\s]+$/, 'namespace.table'), levelSchema).optional(),
}).superRefine(checkSchedule);

export type MaintenancePolicy = z.output<typeof maintenanceSchema>;

/** What maintenance one table gets: each action's settings (absent: not done), and which schedule does it. */
export interface TableMaintenance {
  expire?: { olderThanMs?: number; retainLast?: number };
  rewriteManifests: boolean;
  /** Whether the table's `retention:` rule is applied. */
  retention?: boolean;
  compact?: Record<string, unknown>;
  /** The schedule's name (`maintenance`, `maintenance.layers.bronze`, `maintenance.tables.a.b`); undefined: none. */
  schedule?: string;
}

export function maintenancePolicy(config: ProjectConfig): MaintenancePolicy {
  return config.section('maintenance', maintenanceSchema) ?? {};
}

/** The settings of `table` (`ns.name`): the table's over the layer's over the section's. */
export function tableMaintenance(policy: MaintenancePolicy, table: string): TableMaintenance {
  const layerName = table.split('.')[0]!;
  const levels = [
    { name: 'maintenance', s: policy },
    { name: `maintenance.layers.${layerName}`, s: policy.layers?.[layerName] },
    { name: `maintenance.tables.${table}`, s: policy.tables?.[table] },
  ];
  let expire: boolean | { older_than?: string; retain_last?: number } | undefined;
  let rewrite = false;
  let retention = false;
  let compact: boolean | Record<string, unknown> | undefined;
  let schedule: string | undefined;
  for (const { name, s } of levels) {
    if (!s) continue;
    if (s.expire !== undefined) expire = typeof s.expire === 'object' && typeof expire === 'object' ? { ...expire, ...s.expire } : s.expire;
    if (s.rewrite_manifests !== undefined) rewrite = s.rewrite_manifests;
    if (s.retention !== undefined) retention = s.retention;
    if (s.compact !== undefined) compact = typeof s.compact === 'object' && typeof compact === 'object' ? { ...compact, ...s.compact } : s.compact;
    if (s.schedule !== undefined) schedule = name;
  }
  const out: TableMaintenance = { rewriteManifests: rewrite, ...(retention ? { retention } : {}), ...(schedule ? { schedule } : {}) };
  if (expire) {
    const e = expire === true ? {} : expire;
    out.expire = {
      ...(e.older_than === undefined ? {} : { olderThanMs: parseDuration(e.older_than, `maintenance: ${table}: expire.older_than`) }),
      ...(e.retain_last === undefined ? {} : { retainLast: e.retain_last }),
    };
  }
  if (compact) out.compact = compact === true ? {} : compact;
  return out;
}

/** A schedule as schedules-config.ts declares them, for the task `maintain`. */
export interface MaintenanceSchedule {
  name: string;
  cron: string;
  timezone?: string;
  task: 'maintain';
  select: string[];
  declaredAt: string;
}

/** The schedules `maintenance:` declares, each a `maintain` task naming its own scope. */
export function maintenanceSchedules(policy: MaintenancePolicy): MaintenanceSchedule[] {
  const out: MaintenanceSchedule[] = [];
  const add = (name: string, s: { schedule?: string; timezone?: string } | undefined) => {
    if (!s?.schedule) return;
    out.push({ name, cron: s.schedule, ...(s.timezone ? { timezone: s.timezone } : {}), task: 'maintain', select: [name], declaredAt: `${name}.schedule` });
  };
  add('maintenance', policy);
  for (const [layer, s] of Object.entries(policy.layers ?? {})) add(`maintenance.layers.${layer}`, s);
  for (const [table, s] of Object.entries(policy.tables ?? {})) add(`maintenance.tables.${table}`, s);
  return out;
}
