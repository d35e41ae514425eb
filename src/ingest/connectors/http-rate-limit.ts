import { setTimeout as sleep } from 'node:timers/promises';

/** A token bucket: `perSecond` requests a second on average, at most `burst` at once. */
export class RateLimit {
  #tokens: number;
  #last = performance.now();

  constructor(
    readonly perSecond: number,
    readonly burst: number = 1,
  ) {
    this.#tokens = burst;
  }

  /** Waits until a request may go (or the signal aborts), then spends its token. */
  async take(signal: AbortSignal): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.perSecond);
      this.#last = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await sleep(Math.ceil(((1 - this.#tokens) / this.perSecond) * 1000), undefined, { signal });
    }
  }
}
