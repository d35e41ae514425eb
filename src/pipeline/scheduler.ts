import { scheduleCron } from '../config/index.js';
import { InvalidInput, NotFound } from '../errors.js';
import { discoverModels } from '../models/index.js';
import type { Project } from '../project/index.js';
import { pipelineConfig, type PipelineConfig } from './config.js';
import { selectSteps, topoOrder } from './graph.js';
import type { RunRequester } from './run-request.js';
import { buildGraph } from './run.js';
import { projectSchedules, scheduleAt, type Schedule } from './schedules-config.js';

export interface SchedulerOptions {
  /** The clock (epoch ms); tests pass their own. */
  now?: () => number;
  /** A request that failed; the schedule tries again shortly, and once more at its next tick. */
  onError?: (e: unknown) => void;
}

/** The longest the scheduler sleeps without looking at the clock again (a clock set forward, a laptop waking). */
const MAX_SLEEP_MS = 60_000;
/** After a failed request, the next attempt. */
const RETRY_MS = 5_000;

/**
 * Asks `requester` for each declared schedule's run (or maintenance task) at each tick, with the
 * dedupe key `schedule:<name>:<tick ISO>`. The last tick fired is kept in the catalog after the
 * request is made: a restart never fires a tick already fired, and ticks missed while the server
 * was down are made up by one request (for the latest of them), not one per tick. A schedule first
 * seen now makes up nothing before now. An invalid selection is refused before anything starts,
 * naming the schedule.
 */
export async function startScheduler(project: Project, requester: RunRequester, opts: SchedulerOptions = {}): Promise<{ stop(): Promise<void> }> {
  const config = pipelineConfig(project.config);
  const schedules = projectSchedules(project.config, config.sources);
  await checkSelections(project, config, schedules);
  const clock = opts.now ?? Date.now;
  const fires = project.catalog.scheduleFires;
  const report = opts.onError ?? ((e: unknown) => process.emitWarning(`scheduler: ${e instanceof Error ? e.message : String(e)}`));
  const entries = schedules.map((s) => ({ s, cron: scheduleCron(s.cron, s.timezone), timer: undefined as NodeJS.Timeout | undefined }));
  for (const e of entries) await fires.know(e.s.name, clock());

  let stopped = false;
  const busy = new Set<Promise<void>>();
  const track = (p: Promise<void>) => (busy.add(p), void p.finally(() => busy.delete(p)));

  const check = async (e: (typeof entries)[number]): Promise<void> => {
    let retry = false;
    try {
      const now = clock();
      const record = await fires.get(e.s.name);
      const from = record?.lastFireMs ?? record?.sinceMs ?? now;
      const tick = e.cron.previousRuns(1, new Date(now + 1))[0]?.getTime();
      if (tick !== undefined && tick > from) {
        const at = new Date(tick).toISOString();
        const late = now - tick > MAX_SLEEP_MS ? '; made up after the server was down (once, not once per tick missed)' : '';
        await requester.request({
          ...(e.s.select && { select: e.s.select }),
          ...(e.s.task && { task: e.s.task }),
          trigger: 'schedule',
          dedupeKey: `schedule:${e.s.name}:${at}`,
          reason: `schedule ${e.s.name} (${e.s.cron}${e.s.timezone ? ` ${e.s.timezone}` : ''}) at ${at}${late}`,
        });
        await fires.fired(e.s.name, tick);
      }
    } catch (err) {
      report(err);
      retry = true;
    }
    if (stopped) return;
    const next = e.cron.nextRun(new Date(clock()))?.getTime();
    if (next === undefined) return;
    const wait = Math.min(Math.max(0, next - clock()), retry ? RETRY_MS : MAX_SLEEP_MS);
    e.timer = setTimeout(() => track(check(e)), wait);
  };
  for (const e of entries) track(check(e));
  return {
    async stop() {
      stopped = true;
      for (const e of entries) clearTimeout(e.timer);
      while (busy.size) await Promise.all([...busy]);
      for (const e of entries) clearTimeout(e.timer);
    },
  };
}

/** Each schedule's `select` names steps (a run) or tables (a task) the project has; InvalidInput naming the schedule otherwise. */
async function checkSelections(project: Project, config: PipelineConfig, schedules: readonly Schedule[]): Promise<void> {
  // A `maintain` schedule selects its own scope, not tables.
  const selecting = schedules.filter((s) => s.select?.length && s.task !== 'maintain');
  if (selecting.length === 0) return;
  const engine = await project.openEngine();
  let nodes;
  try {
    nodes = topoOrder(buildGraph(config, await discoverModels(engine, config.modelsDir, config.layers?.gold)));
  } finally {
    engine.close();
  }
  const tables = new Set([...nodes.map((n) => n.table), ...(await project.catalog.listTables()).map((t) => `${t.namespace}.${t.name}`)]);
  for (const s of selecting) {
    for (const sel of s.select!) {
      if (s.task) {
        if (!tables.has(sel)) {
          throw new InvalidInput(`${scheduleAt(s, 'select')}: ${sel}: no table of that name for ${s.task}; tables: ${[...tables].sort().join(', ') || 'none'}`, {
            code: 'schedule_invalid',
            details: { key: `${s.declaredAt}.select` },
          });
        }
        continue;
      }
      try {
        selectSteps(nodes, [sel]);
      } catch (e) {
        if (!(e instanceof NotFound)) throw e;
        throw new InvalidInput(`${scheduleAt(s, 'select')}: ${e.message.replace(/^run: --select /, '')}`, { code: 'schedule_invalid', details: { key: `${s.declaredAt}.select` } });
      }
    }
  }
}
