/** Compute time from the run records: per run (start to end) and per step (each step's own time). */
import type { Catalog } from '../catalog/index.js';

export interface RunTime {
  runId: string;
  startedMs: number;
  seconds: number;
  steps: number;
}

export interface StepTime {
  /** The step's name (`ingest.orders`, `silver.orders`, `gold.daily_sales`). */
  step: string;
  kind: string;
  /** How many times it ran in the period. */
  runs: number;
  seconds: number;
  /** Σ max(seconds, the minimum a Glue job bills) over its runs. */
  billedSeconds: number;
  bytesWritten: number;
  /** Bytes of data files the step's runs read, where a step records it (silver; gold when built whole). */
  bytesScanned: number;
}

export interface ComputeUsage {
  runs: RunTime[];
  steps: StepTime[];
}

/** Finished runs and the steps that ran (a skipped step took no time). */
export async function computeUsage(catalog: Catalog, sinceMs: number, minSeconds: number): Promise<ComputeUsage> {
  const runs: RunTime[] = [];
  const steps = new Map<string, StepTime>();
  for (const { run, steps: ran } of await catalog.runLog.runsSince(sinceMs)) {
    if (run.finishedMs === null) continue;
    runs.push({ runId: run.runId, startedMs: run.startedMs, seconds: (run.finishedMs - run.startedMs) / 1000, steps: ran.length });
    for (const s of ran) {
      if (s.startedMs === null || s.finishedMs === null) continue;
      const seconds = (s.finishedMs - s.startedMs) / 1000;
      const t = steps.get(s.step) ?? { step: s.step, kind: s.kind, runs: 0, seconds: 0, billedSeconds: 0, bytesWritten: 0, bytesScanned: 0 };
      t.runs += 1;
      t.seconds += seconds;
      t.billedSeconds += Math.max(seconds, minSeconds);
      t.bytesWritten += s.bytesWritten ?? 0;
      t.bytesScanned += scannedOf(s.details);
      steps.set(s.step, t);
    }
  }
  return { runs, steps: [...steps.values()].sort((a, b) => (a.step < b.step ? -1 : 1)) };
}

function scannedOf(details: string | null): number {
  if (details === null) return 0;
  const n = (JSON.parse(details) as { bytesScanned?: unknown }).bytesScanned;
  return typeof n === 'number' ? n : 0;
}
