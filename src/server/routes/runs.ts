import { createRoute, z } from '@hono/zod-openapi';
import type { Job, RunRecord, StepRecord } from '../../catalog/index.js';
import { EnvironmentFault, InvalidInput, NotFound } from '../../errors.js';
import type { Context } from 'hono';
import { isAdministrator } from '../../governance/index.js';
import { pipelineConfig, sourceTable, type Executor } from '../../pipeline/index.js';
import type { ServerDeps } from '../deps.js';
import { errors } from '../error-schema.js';
import { routeApp } from '../route-app.js';
import { requireGrant } from '../auth.js';
import { mayRead } from '../governed-read.js';

const RunSchema = z
  .object({
    runId: z.string(),
    trigger: z.string(),
    selector: z.string().nullable(),
    status: z.enum(['running', 'succeeded', 'failed']),
    startedMs: z.number(),
    finishedMs: z.number().nullable(),
    error: z.string().nullable(),
    jobId: z.string().nullable(),
    /** Where it ran: host, process, and the executor's name (a `silt worker`'s, or `serve`; null for a run by hand). */
    host: z.string().nullable(),
    pid: z.number().nullable(),
    worker: z.string().nullable(),
  })
  .openapi('Run');

const StepSchema = z
  .object({
    step: z.string(),
    kind: z.enum(['ingest', 'silver', 'gold', 'export']),
    status: z.enum(['succeeded', 'failed', 'skipped', 'not_run']),
    startedMs: z.number().nullable(),
    finishedMs: z.number().nullable(),
    rowsIn: z.number().nullable(),
    rowsWritten: z.number().nullable(),
    rowsQuarantined: z.number().nullable(),
    rowsDeduplicated: z.number().nullable(),
    bytesWritten: z.number().nullable(),
    snapshotId: z.string().nullable(),
    /** Expectation results, files, warnings. */
    details: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
  })
  .openapi('RunStep');

const JobSchema = z
  .object({
    jobId: z.string(),
    request: z.object({
      select: z.array(z.string()).optional(),
      trigger: z.string(),
      task: z.string().optional(),
      dedupeKey: z.string().optional(),
      reason: z.string().optional(),
    }),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']),
    requests: z.number(),
    attempts: z.number(),
    cancelRequested: z.boolean(),
    runId: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string(), kind: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() }).nullable(),
    createdMs: z.number(),
    startedMs: z.number().nullable(),
    finishedMs: z.number().nullable(),
    /** What the job's run gave: the run's steps with their counts and errors, or a task's result. */
    result: z.unknown(),
  })
  .openapi('Job');

const RunId = z.object({ id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' } }) });
const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const listRuns = createRoute({
  method: 'get',
  path: '/runs',
  summary: 'Pipeline runs, newest first (by hand, by trigger or by schedule alike)',
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(500).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: { 200: json(z.object({ runs: z.array(RunSchema), next: z.number().nullable() }), 'A page of runs'), ...errors(400) },
});

const getRun = createRoute({
  method: 'get',
  path: '/runs/{id}',
  summary: 'A run: its steps with their counts and errors, and the job that made it',
  request: { params: RunId },
  responses: { 200: json(z.object({ run: RunSchema, steps: z.array(StepSchema), job: JobSchema.nullable() }), 'The run'), ...errors(400, 404) },
});

const stepLogs = createRoute({
  method: 'get',
  path: '/runs/{id}/steps/{step}/logs',
  summary: "What a step said while it ran: progress, retries, warnings, its error",
  request: { params: RunId.extend({ step: z.string().min(1).max(300).openapi({ param: { name: 'step', in: 'path' } }) }) },
  responses: {
    200: json(z.object({ runId: z.string(), step: z.string(), lines: z.array(z.object({ atMs: z.number(), level: z.enum(['info', 'warn', 'error']), message: z.string() })) }), 'The step log'),
    ...errors(400, 404),
  },
});

const TriggerBody = z
  .object({
    select: z.array(z.string().min(1).max(300)).max(200).optional().openapi({ description: 'Steps or tables, as `silt run --select` takes them; none is the whole pipeline' }),
    task: z.enum(['vacuum', 'check']).optional().openapi({ description: 'A maintenance task instead of a pipeline run' }),
    trigger: z.enum(['manual', 'http']).default('http'),
    dedupeKey: z.string().min(1).max(255).optional().openapi({ description: 'The same key again gives the same job, never a second run' }),
    reason: z.string().max(1000).optional(),
    wait: z.boolean().default(false).openapi({ description: 'Answer once the job has ended (or waitMs passed)' }),
    waitMs: z.number().int().min(0).max(3_600_000).default(600_000),
  })
  .strict()
  .openapi('RunTrigger');

const trigger = createRoute({
  method: 'post',
  path: '/runs',
  summary: 'Asks for a run (or a maintenance task); it is queued, persisted, and run by the executor',
  request: { body: { required: true, content: { 'application/json': { schema: TriggerBody } } } },
  responses: {
    200: json(z.object({ jobId: z.string(), created: z.boolean(), job: JobSchema }), 'The job, ended (wait)'),
    202: json(z.object({ jobId: z.string(), created: z.boolean(), job: JobSchema }), 'The job, queued or running'),
    ...errors(400, 503),
  },
});

const cancel = createRoute({
  method: 'post',
  path: '/runs/{id}/cancel',
  summary: 'Cancels a queued or running run, by job id or run id; a running step stops and commits nothing',
  request: { params: RunId },
  responses: { 200: json(z.object({ job: JobSchema }), 'The job as it now is'), ...errors(400, 404, 503) },
});

const retry = createRoute({
  method: 'post',
  path: '/runs/{id}/retry',
  summary: 'Runs an ended run again: the same steps or task, as a new run (a rerun takes each file once and reads on from the last commit)',
  request: { params: RunId },
  responses: {
    202: json(z.object({ jobId: z.string(), created: z.boolean(), job: JobSchema }), 'The new job, queued or running'),
    ...errors(400, 404, 503),
  },
});

const getJob = createRoute({
  method: 'get',
  path: '/jobs/{id}',
  summary: 'A job of the work queue: its request, state, attempts, run and result',
  request: { params: RunId },
  responses: { 200: json(JobSchema, 'The job'), ...errors(400, 404) },
});

export function runsRoutes(deps: ServerDeps) {
  const { catalog } = deps.project;
  const executor = (): Executor => {
    if (!deps.executor) throw new EnvironmentFault('run: this server runs no executor; start it with `silt serve`', { code: 'no_executor' });
    return deps.executor;
  };
  const runNotFound = (id: string) => new NotFound(`runs: no run ${id}; GET /v1/runs lists them`, { code: 'run_not_found', details: { key: id } });
  const jobNotFound = (id: string) => new NotFound(`runs: no job or run ${id}; GET /v1/runs lists runs and their jobs`, { code: 'job_not_found', details: { key: id } });
  /**
   * The steps whose table the request's principal may read (an administrator: all): a step's row
   * counts and logs tell of its table. An ingest step writes its source's bronze table.
   */
  const visibleSteps = async <T extends { step: string }>(c: Context, steps: readonly T[]): Promise<T[]> => {
    if (isAdministrator(deps.principalOf(c))) return [...steps];
    const config = pipelineConfig(deps.project.config);
    const tableOf = (step: string) => (step.startsWith('ingest.') ? sourceTable(config, step.slice(7)) : step);
    const out: T[] = [];
    for (const s of steps) if (await mayRead(deps, c, tableOf(s.step).toLowerCase())) out.push(s);
    return out;
  };
  return routeApp()
    .openapi(listRuns, async (c) => {
      const { limit, offset } = c.req.valid('query');
      const runs = await catalog.runLog.runs(limit + 1, offset);
      return c.json({ runs: runs.slice(0, limit).map(runJson), next: runs.length > limit ? offset + limit : null }, 200);
    })
    .openapi(getRun, async (c) => {
      const { id } = c.req.valid('param');
      const found = await catalog.runLog.run(id);
      if (!found) throw runNotFound(id);
      const job = found.run.jobId ? await catalog.jobs.get(found.run.jobId) : undefined;
      const steps = await visibleSteps(c, found.steps);
      return c.json({ run: runJson(found.run), steps: steps.map(stepJson), job: job && steps.length === found.steps.length ? jobJson(job) : null }, 200);
    })
    .openapi(stepLogs, async (c) => {
      const { id, step } = c.req.valid('param');
      const found = await catalog.runLog.run(id);
      if (!found) throw runNotFound(id);
      if ((await visibleSteps(c, [{ step }])).length === 0) throw new NotFound(`runs: run ${id} has no step ${step}`, { code: 'step_not_found', details: { key: step } });
      const lines = await catalog.runLog.log(id, step);
      // A running run's steps are known once they end; until then an unknown step's log is empty.
      if (lines.length === 0 && found.run.status !== 'running' && !found.steps.some((s) => s.step === step)) {
        throw new NotFound(`runs: run ${id} has no step ${step} (its steps: ${found.steps.map((s) => s.step).join(', ') || 'none yet'})`, { code: 'step_not_found', details: { key: step } });
      }
      return c.json({ runId: id, step, lines }, 200);
    })
    .openapi(trigger, async (c) => {
      const body = c.req.valid('json');
      await requireGrant(deps, c, 'MODIFY', { kind: 'catalog' });
      const { jobId, created } = await executor().request({
        trigger: body.trigger,
        ...(body.select?.length ? { select: body.select } : {}),
        ...(body.task ? { task: body.task } : {}),
        ...(body.dedupeKey ? { dedupeKey: body.dedupeKey } : {}),
        ...(body.reason ? { reason: body.reason } : {}),
      });
      const job = body.wait ? await executor().wait(jobId, body.waitMs) : await catalog.jobs.get(jobId);
      if (!job) throw jobNotFound(jobId);
      const ended = job.finishedMs !== null;
      return ended ? c.json({ jobId, created, job: jobJson(job) }, 200) : c.json({ jobId, created, job: jobJson(job) }, 202);
    })
    .openapi(cancel, async (c) => {
      const { id } = c.req.valid('param');
      await requireGrant(deps, c, 'MODIFY', { kind: 'catalog' });
      const jobId = (await catalog.jobs.get(id))?.jobId ?? (await catalog.jobs.ofRun(id))?.jobId;
      if (!jobId) throw (await catalog.runLog.run(id)) ? new NotFound(`runs: run ${id} was not made by a server, so it cannot be cancelled from here`, { code: 'job_not_found', details: { key: id } }) : jobNotFound(id);
      return c.json({ job: jobJson(await executor().cancel(jobId)) }, 200);
    })
    .openapi(retry, async (c) => {
      const { id } = c.req.valid('param');
      await requireGrant(deps, c, 'MODIFY', { kind: 'catalog' });
      const found = await catalog.runLog.run(id);
      if (!found) throw runNotFound(id);
      if (found.run.status === 'running') throw new InvalidInput(`runs: run ${id} is still running; wait for it to end, or cancel it, before retrying`, { code: 'run_running', details: { key: id } });
      if (found.run.selector?.startsWith('quarantine replay')) {
        throw new InvalidInput(`runs: run ${id} replayed a quarantine; replay it again from the quarantine (POST /v1/quarantine/{ns}/{table}/replay)`, { code: 'run_not_retryable', details: { key: id } });
      }
      const asked = found.run.jobId ? (await catalog.jobs.get(found.run.jobId))?.request : undefined;
      const select = asked?.select ?? (found.run.selector ? found.run.selector.split(' ') : undefined);
      const { jobId, created } = await executor().request({
        trigger: 'http',
        ...(select?.length ? { select } : {}),
        ...(asked?.task === 'vacuum' || asked?.task === 'check' ? { task: asked.task } : {}),
        reason: `retry of run ${id}`,
      });
      const job = await catalog.jobs.get(jobId);
      if (!job) throw jobNotFound(jobId);
      return c.json({ jobId, created, job: jobJson(job) }, 202);
    })
    .openapi(getJob, async (c) => {
      const { id } = c.req.valid('param');
      const job = await catalog.jobs.get(id);
      if (!job) throw jobNotFound(id);
      return c.json(jobJson(job), 200);
    });
}

const runJson = (r: RunRecord) => ({ ...r, status: r.status });

function stepJson(s: StepRecord) {
  const { runId: _, details, ...rest } = s;
  return { ...rest, details: details ? (JSON.parse(details) as Record<string, unknown>) : null };
}

function jobJson(j: Job) {
  const { leaseOwner: _, ...rest } = j;
  return { ...rest, error: j.error ? { ...j.error } : null };
}
