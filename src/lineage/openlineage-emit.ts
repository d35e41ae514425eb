import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { WAREHOUSE } from '../catalog/index.js';
import type { Engine } from '../engine/index.js';
import { runPipeline, type RunOptions, type RunResult } from '../pipeline/index.js';
import type { Project } from '../project/index.js';
import { lakehouseLineage, type LakehouseLineage } from './build-lineage.js';
import { openLineageTarget, type OpenLineageTarget } from './openlineage-config.js';
import { stepRunEvent, type EventType } from './openlineage-events.js';

/** How long one POST of an event may take before it is given up (with a warning). */
const POST_TIMEOUT_MS = 5_000;

/**
 * `runPipeline`, with each step's OpenLineage events (START, then COMPLETE or FAIL) sent where
 * silt.yaml's `lineage.openlineage` says. Sending never fails the run: an error is a warning.
 */
export async function runWithLineage(project: Project, opts: RunOptions & { onWarning?: (message: string) => void } = {}): Promise<RunResult> {
  const target = openLineageTarget(project.config);
  if (!target) return runPipeline(project, opts);
  const emitter = new OpenLineageEmitter(project, target, opts.onWarning ?? (() => undefined));
  try {
    return await runPipeline(project, {
      ...opts,
      onStepStarted: (node, runId) => {
        opts.onStepStarted?.(node, runId);
        emitter.emit('START', runId, node.id);
      },
      onStep: (step, runId) => {
        opts.onStep?.(step, runId);
        if (step.status === 'succeeded') emitter.emit('COMPLETE', runId, step.id);
        else if (step.status === 'failed') emitter.emit('FAIL', runId, step.id, step.error);
      },
    });
  } finally {
    await emitter.flush();
  }
}

/**
 * Sends events one after another, in the order they happened. After a failed send the run's later
 * events are not tried (an endpoint that is down would hold each one for the timeout): one
 * warning says why, and one how many were left unsent.
 */
class OpenLineageEmitter {
  private chain: Promise<void> = Promise.resolve();
  private lineage: Promise<LakehouseLineage> | undefined;
  private failed = false;
  private unsent = 0;

  constructor(
    private readonly project: Project,
    private readonly target: OpenLineageTarget,
    private readonly warn: (message: string) => void,
  ) {}

  emit(type: EventType, runId: string, step: string, error?: string): void {
    const time = new Date();
    this.chain = this.chain.then(async () => {
      if (this.failed) {
        this.unsent++;
        return;
      }
      try {
        const event = stepRunEvent({
          type, runId, step, error, time,
          project: this.project.config.name,
          lineage: await this.lakehouse(),
          namespaces: { warehouse: this.project.store.uri(WAREHOUSE), store: this.project.store.rootUri },
        });
        await send(this.target, event);
      } catch (e) {
        this.failed = true;
        this.warn(`openlineage: the ${type} event of ${step} was not sent: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }

  async flush(): Promise<void> {
    await this.chain;
    if (this.unsent > 0) this.warn(`openlineage: the run's ${this.unsent} later events were not sent either`);
  }

  /** The lineage, built once for the run (from silt.yaml, the models and the catalog as the run began). */
  private lakehouse(): Promise<LakehouseLineage> {
    this.lineage ??= (async () => {
      const engine: Engine = await this.project.openEngine();
      try {
        return await lakehouseLineage(this.project, engine);
      } finally {
        engine.close();
      }
    })();
    return this.lineage;
  }
}

/** The OpenLineage HTTP transport (a JSON POST per event), or one NDJSON line per event in a file. */
async function send(target: OpenLineageTarget, event: Record<string, unknown>): Promise<void> {
  if ('file' in target) {
    await mkdir(path.dirname(target.file), { recursive: true });
    await appendFile(target.file, JSON.stringify(event) + '\n');
    return;
  }
  const res = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(event),
    signal: AbortSignal.timeout(POST_TIMEOUT_MS),
  }).catch((e: unknown) => {
    // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, a timeout, a bad host).
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    throw new Error(`POST ${target.url}: ${cause}`);
  });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`${target.url} answered ${res.status} ${res.statusText}`);
}
