import { isUnreachable } from '../errors.js';

/** How long a step, or the bookkeeping around it, waits out an outage of a service it needs before it fails. */
export const OUTAGE_MS = 60_000;

export interface OutageWait {
  signal?: AbortSignal;
  /** How long to keep trying in all (default OUTAGE_MS). */
  outageMs?: number;
  /** Told of each failure waited out, and how long the wait is. */
  onWait?: (e: Error, waitMs: number) => void;
}

/**
 * `fn`, tried again (backoff doubling from 500 ms, up to 5 s) while it fails because a service is
 * unreachable, for up to `outageMs` in all; then its error. For the bookkeeping around a step
 * (the queue, the run log) and a worker's start, which are worth waiting for.
 */
export async function outlasting<T>(fn: () => Promise<T>, opts: OutageWait = {}): Promise<T> {
  const { signal, outageMs = OUTAGE_MS } = opts;
  let waited = 0;
  for (let n = 0; ; n++) {
    try {
      return await fn();
    } catch (e) {
      const wait = Math.min(5_000, 500 * 2 ** n);
      if (!isUnreachable(e) || signal?.aborted || waited + wait > outageMs) throw e;
      opts.onWait?.(e as Error, wait);
      waited += wait;
      await sleep(wait, signal);
    }
  }
}

/** Waits `ms`, or less when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
