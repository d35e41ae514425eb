import type { RunRequest, RunRequested, RunRequester } from '../pipeline/index.js';

/** A RunRequester that keeps every request (and may act on it), in place of the server's executor. */
export class RecordingRequester implements RunRequester {
  readonly requests: RunRequest[] = [];
  private readonly jobs = new Map<string, string>();

  constructor(private readonly act?: (r: RunRequest) => Promise<void>) {}

  async request(r: RunRequest): Promise<RunRequested> {
    this.requests.push(r);
    // As the executor does: a dedupe key met before finds its job.
    const known = r.dedupeKey === undefined ? undefined : this.jobs.get(r.dedupeKey);
    if (known) return { jobId: known, created: false };
    const jobId = `job-${this.requests.length}`;
    await this.act?.(r);
    if (r.dedupeKey !== undefined) this.jobs.set(r.dedupeKey, jobId);
    return { jobId, created: true };
  }
}

/** Waits until `ok()` holds, checking every 20 ms; fails naming `what` after `timeoutMs`. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
