import type { Catalog, StepLogLine } from '../catalog/index.js';

/** Lines kept per step: a run over many files says a lot, and the log is for people. */
const LOG_LINES = 1_000;
/** How often lines said meanwhile are written, so the log of a running step can be read. */
const FLUSH_MS = 1_000;

/**
 * The log of each step of one run, written to the run log as it goes (every second, and when the
 * step ends). Past LOG_LINES a step's lines are counted, not kept; its end (warnings, error) is
 * always kept.
 */
export class StepLogBook {
  private readonly pending = new Map<string, StepLogLine[]>();
  private readonly said = new Map<string, number>();
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly catalog: Catalog,
    private readonly runId: string,
  ) {}

  say(step: string, level: StepLogLine['level'], message: string): void {
    const n = (this.said.get(step) ?? 0) + 1;
    this.said.set(step, n);
    if (n > LOG_LINES) return;
    this.add(step, { atMs: Date.now(), level, message });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_MS).unref();
  }

  /** The step's last lines (its warnings and error), then everything it said is written. */
  async end(step: string, last: readonly Omit<StepLogLine, 'atMs'>[]): Promise<void> {
    const left = (this.said.get(step) ?? 0) - LOG_LINES;
    if (left > 0) this.add(step, { atMs: Date.now(), level: 'info', message: `… ${left} more lines left out` });
    for (const l of last) this.add(step, { atMs: Date.now(), ...l });
    await this.flush();
  }

  private add(step: string, line: StepLogLine): void {
    const lines = this.pending.get(step);
    if (lines) lines.push(line);
    else this.pending.set(step, [line]);
  }

  /** Writes what is pending, one write after another (so lines keep their order). */
  flush(): Promise<void> {
    const batch = [...this.pending];
    this.pending.clear();
    this.writing = this.writing.then(async () => {
      for (const [step, lines] of batch) await this.catalog.runLog.appendLog(this.runId, step, lines).catch(() => undefined);
    });
    return this.writing;
  }
}
