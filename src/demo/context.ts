import type { ObjectStore } from '../storage/index.js';
import type { GeneratedFile, Progress } from './file-series.js';
import type { Customers } from './profiles.js';
import type { DemoSizes } from './sizes.js';

/** What every source generator gets. */
export interface DemoContext {
  /** The demo's store; files go under `landing/<source>/`. */
  readonly store: ObjectStore;
  readonly seed: number;
  readonly sizes: DemoSizes;
  readonly customers: Customers;
  readonly onProgress?: Progress;
  /** Every generator appends the files it completed. */
  readonly written: GeneratedFile[];
}
