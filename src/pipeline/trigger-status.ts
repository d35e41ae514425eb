import type { Catalog, Job } from '../catalog/index.js';
import { scheduleCron, type ProjectConfig } from '../config/index.js';
import { landingPrefix } from '../ingest/index.js';
import { pipelineConfig } from './config.js';
import { projectSchedules, scheduleAsks } from './schedules-config.js';

/** What a trigger last started: its job, and the run that job made. */
export interface LastStarted {
  jobId: string;
  status: Job['status'];
  runId: string | null;
  createdMs: number;
}

export interface ScheduleStatus {
  name: string;
  cron: string;
  timezone: string | null;
  /** In words: `run orders+`, `vacuum every table`. */
  asks: string;
  declaredAt: string;
  nextMs: number | null;
  lastFiredMs: number | null;
  last: LastStarted | null;
}

export interface SourceTriggers {
  source: string;
  /** The folder whose arriving files start a run (`landing/orders/`). */
  landing: string;
  /** Where records are pushed over HTTP; they land as files in that folder. */
  push: string;
  last: LastStarted | null;
}

/** How many recent jobs are searched for what each trigger last started. */
const RECENT_JOBS = 500;

const started = (j: Job | undefined): LastStarted | null => (j ? { jobId: j.jobId, status: j.status, runId: j.runId, createdMs: j.createdMs } : null);

/**
 * The project's triggers as `silt serve` runs them: each schedule with its next fire time, each
 * source's landing folder and push endpoint, and the job each last started (among recent jobs).
 */
export async function triggerStatus(catalog: Catalog, config: ProjectConfig, nowMs = Date.now()): Promise<{ schedules: ScheduleStatus[]; sources: SourceTriggers[] }> {
  const { sources } = pipelineConfig(config);
  const jobs = await catalog.jobs.list({ limit: RECENT_JOBS });
  const schedules = await Promise.all(
    projectSchedules(config, sources).map(async (s): Promise<ScheduleStatus> => {
      const fire = await catalog.scheduleFires.get(s.name);
      const next = scheduleCron(s.cron, s.timezone).nextRun(new Date(nowMs));
      return {
        name: s.name,
        cron: s.cron,
        timezone: s.timezone ?? null,
        asks: scheduleAsks(s),
        declaredAt: s.declaredAt,
        nextMs: next ? next.getTime() : null,
        lastFiredMs: fire?.lastFireMs ?? null,
        last: started(jobs.find((j) => j.request.dedupeKey?.startsWith(`schedule:${s.name}:`))),
      };
    }),
  );
  const sourceTriggers = Object.entries(sources).map(([name, source]) => ({
    source: name,
    landing: landingPrefix(name, source),
    push: `/v1/ingest/${name}`,
    last: started(jobs.find((j) => j.request.trigger === 'file' && (j.request.select ?? []).includes(`ingest.${name}+`))),
  }));
  return { schedules, sources: sourceTriggers };
}
