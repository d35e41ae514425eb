import type { StepStatus } from '../catalog/index.js';
import type { SourceConfig } from '../ingest/index.js';
import { InvalidInput, isUserError, RunFailed, type ErrorKind } from '../errors.js';
import { PIPELINE, SqlSession, type Engine, type ReadAccess } from '../engine/index.js';
import { discoverModels, tableOf, type Model } from '../models/index.js';
import type { Project } from '../project/index.js';
import { layersIn, pipelineConfig, sourceTable, type PipelineConfig } from './config.js';
import { refuseFormerLayers } from './layer-change.js';
import type { StepContext } from './context.js';
import type { RunResult, StepResult } from './step-result.js';

export type { RunResult, StepResult } from './step-result.js';
import { fullRefreshSteps } from './full-refresh.js';
import { goldStep } from './gold-step.js';
import { selectSteps, topoOrder, type StepNode } from './graph.js';
import { ingestStep } from './ingest-step.js';
import type { IngestSpread } from './ingest-spread.js';
import { referencedTables } from './apply-contract.js';
import { newRunId } from './run-id.js';
import type { Trigger } from './run-request.js';
import { scheduleSteps } from './schedule.js';
import { silverStep } from './silver-step.js';
import { trinoSteps } from './trino-steps.js';
import { guardStep, outOfMemory, type RetryPolicy } from './step-guard.js';
import { StepLogBook } from './step-log.js';

export type { Trigger };

export interface RunOptions {
  select?: string[];
  /** Silver and gold steps rebuilt from all their upstream rows (`full-refresh.ts`); they must be among the selected steps. */
  fullRefresh?: string[];
  trigger?: Trigger;
  /** Progress lines (what is running now); the CLI shows them on a terminal. */
  onProgress?: (message: string) => void;
  /** Called when a step starts running (not for a step that does not run), with the run's id. */
  onStepStarted?: (step: StepNode, runId: string) => void;
  /** Called when a step ends. */
  onStep?: (step: StepResult, runId: string) => void;
  /**
   * Aborting it stops the run: a running step is halted at its next statement and commits
   * nothing, and later steps do not start. The abort's reason (a Silt error) is their error.
   */
  signal?: AbortSignal;
  /** Per-step retries of failures that may pass (the machine's, out of memory). */
  retry?: RetryPolicy;
  /** A step running longer is stopped (code `step_timeout`) and not retried. */
  stepTimeoutMs?: number;
  /** The `silt serve` job making this run, recorded with it. */
  jobId?: string;
  /** The executor making it (a `silt worker`'s name, or `serve`), recorded with it. */
  worker?: string;
  /** Spread each source's ingest over the job queue's workers, in tasks of this many files. */
  spread?: IngestSpread;
  /** Told the run's id once the run holds the run lock. */
  onStart?: (runId: string) => void;
}

/**
 * One run of the declared lakehouse: ingest → silver → gold in dependency order. A failed step
 * commits nothing and the steps that depend on it do not run; the others go on. Every step's
 * counts must reconcile: rows_in = written + quarantined + deduplicated.
 */
export async function runPipeline(project: Project, opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const config = pipelineConfig(project.config);
  const engine = await project.openEngine();
  const runId = newRunId();
  try {
    const models = await discoverModels(engine, config.modelsDir, config.layers?.gold);
    const nodes = topoOrder(buildGraph(config, models));
    await refuseFormerLayers(project.catalog, project.config.layers, nodes.map((n) => n.table), 'run');
    const picked = selectSteps(nodes, opts.select ?? []);
    const refresh = fullRefreshSteps(nodes, opts.fullRefresh ?? []);
    const outside = [...refresh].filter((id) => !picked.has(id));
    if (outside.length) throw new InvalidInput(`run: --full-refresh ${outside.join(', ')}: not among the steps --select picks; add ${outside.length > 1 ? 'them' : 'it'} to --select`, { code: 'bad_arguments' });
    await project.catalog.runLog.start({ runId, trigger: opts.trigger ?? 'manual', selector: opts.select?.join(' ') || null, ...(opts.jobId ? { jobId: opts.jobId } : {}), ...(opts.worker ? { worker: opts.worker } : {}) });
    opts.onStart?.(runId);
    try {
      const plan = { runId, started, config, models, refresh, steps: nodes.filter((n) => picked.has(n.id)) };
      return await runSteps(project, engine, plan, opts);
    } catch (e) {
      // Recorded as ended, so the run does not hold off the next one until this process exits.
      await project.catalog.runLog.finish(runId, 'failed', e instanceof Error ? e.message : String(e)).catch(() => undefined);
      throw e;
    }
  } finally {
    engine.close();
  }
}

/** What a run was asked to do, once it has the right to run. */
interface RunPlan {
  runId: string;
  started: number;
  config: PipelineConfig;
  models: Model[];
  /** Steps to rebuild from all their upstream rows. */
  refresh: ReadonlySet<string>;
  steps: StepNode[];
}

async function runSteps(project: Project, engine: Engine, plan: RunPlan, opts: RunOptions): Promise<RunResult> {
  const { runId, started, config, models } = plan;
  const progress = opts.onProgress ?? (() => undefined);
  const access = pipelineAccess(project, runId);
  const ctx: StepContext = {
    catalog: project.catalog,
    store: project.store,
    engine,
    session: new SqlSession(engine, project.catalog, { principal: access.principal, policy: access.policy }),
    access,
    runId,
    layers: project.config.layers,
    trigger: opts.trigger ?? 'manual',
    secret: project.secret(),
    progress,
    ...(opts.spread ? { spread: opts.spread } : {}),
    trino: trinoSteps(project.config),
  };
  const atOnce = Math.min(STEPS_AT_ONCE, await engine.threads());
  const logs = new StepLogBook(project.catalog, runId);
  const say = (step: string, level: 'info' | 'warn', message: string) => logs.say(step, level, message);
  const steps = await scheduleSteps<StepResult>(plan.steps, atOnce, {
    run: async (node, blockedBy, alone) => {
      if (blockedBy) return { id: node.id, kind: node.kind, table: node.table, status: 'not_run', elapsedMs: 0, error: `${blockedBy} failed` };
      if (alone) progress(`${node.id}: out of memory beside other steps; running it again on its own`);
      else opts.onStepStarted?.(node, runId);
      const stepCtx = { ...ctx, fullRefresh: plan.refresh.has(node.id), progress: (m: string) => (say(node.id, 'info', m), progress(m)) };
      const guard = { signal: opts.signal, timeoutMs: opts.stepTimeoutMs, retry: opts.retry, note: (level: 'warn', m: string) => (say(node.id, level, m), progress(m)) };
      const result = await guardStep(node, guard, (signal) => onOwnConnection({ ...stepCtx, signal }, (c) => runStep(c, node, config, models)));
      return alone ? { ...result, warnings: [...(result.warnings ?? []), 'ran out of memory beside other steps (engine.memory_limit is tight for this data), so it ran again on its own'] } : result;
    },
    again: outOfMemory,
    ended: async (node, result) => {
      await logs.end(node.id, [
        ...(result.warnings ?? []).map((message) => ({ level: 'warn' as const, message })),
        ...(result.error ? [{ level: 'error' as const, message: result.error }] : []),
      ]);
      await project.catalog.runLog.recordStep({
        runId,
        step: node.id,
        kind: node.kind,
        status: result.status,
        startedMs: result.startedMs ?? Date.now(),
        finishedMs: Date.now(),
        rowsIn: result.rowsIn ?? null,
        rowsWritten: result.rowsWritten ?? null,
        rowsQuarantined: result.rowsQuarantined ?? null,
        rowsDeduplicated: result.rowsDeduplicated ?? null,
        bytesWritten: result.bytesWritten ?? null,
        snapshotId: result.snapshotId ?? null,
        details: result.details || result.warnings?.length ? JSON.stringify({ ...result.details, ...(result.warnings?.length ? { warnings: result.warnings } : {}) }) : null,
        error: result.error ?? null,
      });
      if (result.snapshotId || result.status === 'failed') {
        await project.governance.audit.record({ principal: PIPELINE, action: 'commit', tables: [result.table], outcome: result.snapshotId ? 'ok' : 'failed', detail: `run ${runId} step ${node.id}${result.snapshotId ? `: snapshot ${result.snapshotId}` : `: ${result.error ?? 'failed'}`}` });
      }
      opts.onStep?.(result, runId);
    },
  });
  const status = steps.some((s) => s.status === 'failed') ? 'failed' : 'succeeded';
  const firstError = steps.find((s) => s.status === 'failed')?.error;
  await project.catalog.runLog.finish(runId, status, firstError);
  return { runId, status, steps, startedMs: started, elapsedMs: Date.now() - started };
}

/**
 * The run reads and writes as the pipeline, a service principal, through the project's access
 * policy like any session (its grants are implicit: see PIPELINE_GRANTS); each table it reads is
 * in the audit log once per run, as the pipeline's read (or refusal).
 */
function pipelineAccess(project: Project, runId: string): ReadAccess {
  const policy = project.accessPolicy;
  const audited = new Set<string>();
  return {
    principal: PIPELINE,
    policy: {
      ...(policy.checkWrite ? { checkWrite: (p, privilege, table) => policy.checkWrite!(p, privilege, table) } : {}),
      read: async (principal, table) => {
        const grant = await policy.read(principal, table);
        const name = `${table.namespace}.${table.name}`;
        if (!audited.has(name)) {
          audited.add(name);
          await project.governance.audit.record({ principal, action: grant ? 'read' : 'refused', tables: [name], outcome: grant ? 'ok' : 'refused', detail: `run ${runId}` });
        }
        return grant;
      },
    },
  };
}

/**
 * A step's temp views and tables live on a connection of its own, so steps run side by side.
 * The step's signal halts that connection and every fork of it (see Engine.halt).
 */
async function onOwnConnection<T>(ctx: StepContext, fn: (ctx: StepContext) => Promise<T>): Promise<T> {
  const engine = await ctx.engine.fork();
  const halt = (): void => engine.halt(ctx.signal?.reason instanceof Error ? ctx.signal.reason : new Error(String(ctx.signal?.reason)));
  ctx.signal?.addEventListener('abort', halt, { once: true });
  if (ctx.signal?.aborted) halt();
  try {
    return await fn({ ...ctx, engine, session: new SqlSession(engine, ctx.catalog, { principal: ctx.access.principal, policy: ctx.access.policy, ...(ctx.signal ? { signal: ctx.signal } : {}) }) });
  } finally {
    ctx.signal?.removeEventListener('abort', halt);
    engine.close();
  }
}

/**
 * Steps that may run at once (see scheduleSteps), at most one per DuckDB thread. Two keep the
 * cores busy while one step is in a phase that uses one core (reading a file, a commit); more
 * would multiply what is held in memory at once.
 */
const STEPS_AT_ONCE = 2;

async function runStep(ctx: StepContext, node: StepNode, config: PipelineConfig, models: Model[]): Promise<StepResult> {
  // An ingest step may run beside others (see scheduleSteps), so it works on a connection of its own.
  if (node.kind === 'ingest') {
    const engine = await ctx.engine.fork();
    try {
      return await runStepOn({ ...ctx, engine }, node, config, models);
    } finally {
      engine.close();
    }
  }
  return runStepOn(ctx, node, config, models);
}

async function runStepOn(ctx: StepContext, node: StepNode, config: PipelineConfig, models: Model[]): Promise<StepResult> {
  const t0 = Date.now();
  const base = { id: node.id, kind: node.kind, table: node.table };
  const name = node.id.slice(node.id.indexOf('.') + 1);
  try {
    ctx.progress(`${node.id}…`);
    const outcome =
      node.kind === 'ingest'
        ? await ingestStep(ctx, name, config.sources[name]!)
        : node.kind === 'silver'
          ? await silverStep(ctx, name, config.silver[name]!, ingestOf(config, config.silver[name]!.source))
          : await goldStep(ctx, models.find((m) => m.name === name)!);
    if (outcome.rowsIn !== outcome.rowsWritten + outcome.rowsQuarantined + outcome.rowsDeduplicated) {
      throw new RunFailed(`${node.id}: rows do not reconcile: in ${outcome.rowsIn} ≠ written ${outcome.rowsWritten} + quarantined ${outcome.rowsQuarantined} + deduplicated ${outcome.rowsDeduplicated}`);
    }
    return { ...base, ...outcome, status: 'succeeded', startedMs: t0, elapsedMs: Date.now() - t0 };
  } catch (e) {
    if (!isUserError(e) && !(e instanceof Error)) throw e;
    const message = e instanceof Error ? e.message : String(e);
    return { ...base, status: 'failed', startedMs: t0, elapsedMs: Date.now() - t0, error: isUserError(e) ? message : `internal error: ${message}`,
      errorKind: isUserError(e) ? e.kind : 'internal',
      ...(isUserError(e) ? { errorCode: e.code } : {}),
      // What the error measured (a threshold's ratio) is kept in the run record with the step.
      ...(isUserError(e) && Object.keys(e.details).length ? { details: { ...e.details } } : {}),
    };
  }
}

/** The ingest step that writes `table`, if a declared source does. */
function ingestOf(config: PipelineConfig, table: string): string | undefined {
  const found = Object.entries(config.sources).find(([name, source]) => sourceTable(config, name) === table.toLowerCase());
  return found ? `ingest.${found[0]}` : undefined;
}

/** Steps and their dependencies, from the config and from the models' SQL. */
export function buildGraph(config: PipelineConfig, models: readonly Model[]): StepNode[] {
  const nodes: StepNode[] = [];
  // Two sources may feed one bronze table: whatever reads it waits for both.
  const writers = new Map<string, string[]>();
  const writes = (table: string, step: string) => writers.set(table, [...(writers.get(table) ?? []), step]);
  const layers = layersIn(config);
  for (const [name, source] of Object.entries(config.sources)) {
    const table = sourceTable(config, name);
    nodes.push({ id: `ingest.${name}`, kind: 'ingest', table, dependsOn: [] });
    writes(table, `ingest.${name}`);
  }
  const silver = (name: string) => layers.table('silver', name);
  for (const name of Object.keys(config.silver)) writes(silver(name), silver(name));
  for (const [name, c] of Object.entries(config.silver)) for (const e of c.explode ?? []) writes(silver(e.into.toLowerCase()), silver(name));
  for (const m of models) writes(tableOf(m), tableOf(m));
  const deps = (tables: readonly string[], self: string) =>
    [...new Set(tables.flatMap((t) => writers.get(t.toLowerCase()) ?? []).filter((d) => d !== self))];
  for (const [name, contract] of Object.entries(config.silver)) {
    const id = silver(name);
    nodes.push({ id, kind: 'silver', table: id, dependsOn: deps([contract.source, ...referencedTables(contract)], id) });
  }
  for (const m of models) {
    const id = tableOf(m);
    nodes.push({ id, kind: 'gold', table: id, dependsOn: deps(m.dependsOn, id) });
  }
  return nodes;
}
