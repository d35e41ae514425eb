import { EnvironmentFault, isUserError, UNREACHABLE } from '../errors.js';
import { OUTAGE_MS, sleep } from './outage.js';
import type { StepNode } from './graph.js';
import type { StepResult } from './step-result.js';

/** How often a step that failed for a passing reason is tried again. */
export interface RetryPolicy {
  /** Tries after the first (0: none). */
  retries: number;
  /** Wait before the first retry; doubles each time, up to 30 s. */
  backoffMs: number;
  /**
   * How long, in all, a step that met an outage (the metadata store's server or the S3 endpoint
   * unreachable, say while it restarts) keeps being tried, beyond `retries` (default OUTAGE_MS).
   */
  outageMs?: number;
}

export interface StepGuard {
  /** The run's: aborted, the running step stops and the rest do not start. */
  signal?: AbortSignal;
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** A line for the step's log (a retry, and why). */
  note(level: 'warn', message: string): void;
}

/** DuckDB's own error type, not any message that mentions memory (a rule's reason, say). */
export const outOfMemory = (r: StepResult): boolean => r.status === 'failed' && (r.error ?? '').includes('Out of Memory Error');

/**
 * A failure that may pass if the step runs again: the machine's (a file or store not there for a
 * moment, a full disk being cleared) or memory. Never a `fail` rule, invalid input or a bug, and
 * never a stop the run asked for (a timeout, a cancel).
 */
export function transient(r: StepResult): boolean {
  if (r.status !== 'failed') return false;
  if (r.errorCode === 'step_timeout' || r.errorCode === 'run_timeout' || r.errorCode === 'cancelled') return false;
  return r.errorKind === 'environment_fault' || outOfMemory(r);
}

/**
 * Runs one step under the run's signal and the step's timeout, and again (after a backoff) while
 * it fails in a way that may pass. A stopped step reports why it stopped, not DuckDB's
 * "Interrupted". A failed step has committed nothing, so running it again is safe.
 */
export async function guardStep(node: StepNode, guard: StepGuard, attempt: (signal: AbortSignal) => Promise<StepResult>): Promise<StepResult> {
  const retries = guard.retry?.retries ?? 0;
  let waited = 0;
  for (let n = 0; ; n++) {
    if (guard.signal?.aborted) return stopped(node, guard.signal.reason, 'not_run');
    const step = new AbortController();
    const onRunAbort = (): void => step.abort(guard.signal!.reason);
    guard.signal?.addEventListener('abort', onRunAbort, { once: true });
    const timer = guard.timeoutMs
      ? setTimeout(
          () => step.abort(new EnvironmentFault(`${node.id}: ran past its step timeout of ${guard.timeoutMs} ms and was stopped; nothing was committed`, { code: 'step_timeout' })),
          guard.timeoutMs,
        )
      : undefined;
    let result: StepResult;
    try {
      result = await attempt(step.signal);
    } finally {
      clearTimeout(timer);
      guard.signal?.removeEventListener('abort', onRunAbort);
    }
    if (result.status === 'failed' && step.signal.aborted) result = { ...stopped(node, step.signal.reason, 'failed'), startedMs: result.startedMs, elapsedMs: result.elapsedMs };
    if (n > 0) result = { ...result, attempts: n + 1 };
    if (!guard.retry || !transient(result) || guard.signal?.aborted) return result;
    const wait = Math.min(30_000, guard.retry.backoffMs * 2 ** n);
    const outage = result.errorCode === UNREACHABLE && waited + wait <= (guard.retry.outageMs ?? OUTAGE_MS);
    if (n >= retries && !outage) return result;
    guard.note('warn', `${node.id}: ${result.error}; trying again in ${wait} ms (attempt ${n + 2}${n >= retries ? ', waiting out the outage' : ` of ${retries + 1}`})`);
    waited += wait;
    await sleep(wait, guard.signal);
  }
}

function stopped(node: StepNode, reason: unknown, status: 'failed' | 'not_run'): StepResult {
  const why = reason instanceof Error ? reason.message : String(reason);
  return {
    id: node.id,
    kind: node.kind,
    table: node.table,
    status,
    elapsedMs: 0,
    error: status === 'not_run' ? `not started: ${why}` : why,
    errorKind: isUserError(reason) ? reason.kind : 'internal',
    ...(isUserError(reason) ? { errorCode: reason.code } : {}),
  };
}
