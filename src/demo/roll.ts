import type { FileSeries } from './file-series.js';
import { fileStarts } from './sizes.js';

/**
 * Splits `records` records over numbered files; series passed together (orders and their
 * payments) start their next file at the same record.
 */
export class Roll {
  private k = 0;
  private readonly starts: number[];

  constructor(records: number, private readonly series: readonly FileSeries[]) {
    this.starts = fileStarts(records);
  }

  /** Records per file, roughly; how far ahead a re-sent line may land. */
  get perFile(): number {
    return Math.max(1, this.starts[1] ?? 1);
  }

  /** Cheap check for the hot loop: does a new file start at record `i`? */
  due(i: number): boolean {
    return this.starts[this.k] === i;
  }

  async before(i: number): Promise<void> {
    while (this.starts[this.k] === i) {
      for (const s of this.series) await s.next();
      this.k++;
    }
  }

  /** Opens any files not yet started (so every source has them all) and closes the last. */
  async finish(): Promise<void> {
    for (; this.k < this.starts.length; this.k++) for (const s of this.series) await s.next();
    for (const s of this.series) await s.close();
  }
}
