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

/** Sends events one after another, in the order they happened; each failure is one warning. */
class OpenLineageEmitter {
  private chain: Promise<void> = Promise.resolve();
  private lineage: Promise<LakehouseLineage> | undefined;

  constructor(
    private readonly project: Project,
    private readonly target: OpenLineageTarget,
    private readonly warn: (message: string) => void,
  ) {}

  emit(type: EventType, runId: string, step: string, error?: string): void {
    const time = new Date();
    this.chain = this.chain.then(async () => {
      try {
        const event = stepRunEvent({
          type, runId, step, error, time,
          project: this.project.config.name,
          lineage: await this.lakehouse(),
          namespaces: { warehouse: this.project.store.uri(WAREHOUSE), store: this.project.store.rootUri },
        });
        await send(this.target, event);
      } catch (e) {
        this.warn(`openlineage: the ${type} event of ${step} was not sent: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }

  flush(): Promise<void> {
    return this.chain;
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
  });
  await res.arrayBuffer().catch(() => undefined);
  if (!res.ok) throw new Error(`${target.url} answered ${res.status} ${res.statusText}`);
}
