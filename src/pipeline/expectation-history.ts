import type { Catalog } from '../catalog/index.js';

/** One expectation's result in one run of a silver or gold step. */
export interface ExpectationRecord {
  runId: string;
  runStartedMs: number;
  trigger: string;
  /** The step, which is also the table it built: `silver.orders`, `gold.daily_sales`. */
  step: string;
  stepStatus: string;
  rule: string;
  column: string | null;
  policy: string;
  failingRows: number;
  /** A few failing values (masked as the column is). */
  sample: string[];
}

interface Stored {
  rule: string;
  label?: string;
  column?: string;
  policy: string;
  failing_rows: number;
  sample?: string[];
}

/**
 * Expectation results over time, newest run first, as the run log's step details hold them; one
 * table's (a step id) when given. Paged by steps: `limit` steps' results at most.
 */
export async function expectationHistory(catalog: Catalog, opts: { table?: string; limit: number; offset: number }): Promise<ExpectationRecord[]> {
  const steps = await catalog.runLog.stepsWithDetails({ ...(opts.table ? { step: opts.table.toLowerCase() } : {}), limit: opts.limit, offset: opts.offset });
  return steps.flatMap((s) => {
    let details: { expectations?: Stored[] };
    try {
      details = JSON.parse(s.details ?? '{}') as { expectations?: Stored[] };
    } catch {
      return []; // a step whose details are not JSON recorded no expectations
    }
    return (details.expectations ?? []).map((e) => ({
      runId: s.runId,
      runStartedMs: s.runStartedMs,
      trigger: s.trigger,
      step: s.step,
      stepStatus: s.status,
      rule: e.label ?? e.rule,
      column: e.column ?? null,
      policy: e.policy,
      failingRows: Number(e.failing_rows),
      sample: (e.sample ?? []).map(String),
    }));
  });
}
