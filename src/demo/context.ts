import type { GeneratedFile, Progress } from './file-series.js';
import type { Customers } from './profiles.js';
import type { DemoSizes } from './sizes.js';

/** What every source generator gets. */
export interface DemoContext {
  /** Absolute demo dir; files go under `landing/<source>/`. */
  readonly root: string;
  readonly seed: number;
  readonly sizes: DemoSizes;
  readonly customers: Customers;
  readonly onProgress?: Progress;
  /** Every generator appends the files it completed. */
  readonly written: GeneratedFile[];
}
