import type { TableMetadata } from './types.js';

/**
 * Where a table's current metadata file is recorded. The catalog implements it; the table layer
 * only needs to read the pointer and compare-and-swap it, which keeps `table/` free of any store.
 */
export interface MetadataPointer {
  /** Human-readable identifier for messages, e.g. `bronze.orders`. */
  readonly name: string;
  /** The current metadata location and its parsed contents. */
  load(): Promise<{ metadataLocation: string; metadata: TableMetadata }>;
  /**
   * Atomically replace `expected` with `next`. Returns false, changing nothing, when the pointer
   * no longer holds `expected` (someone else committed): the caller refreshes and retries.
   */
  swap(expected: string, next: string): Promise<boolean>;
}

/** One pointer's swap within a transaction over several tables. */
export interface PointerSwap {
  readonly pointer: MetadataPointer;
  readonly expected: string;
  readonly next: string;
}

/**
 * Swaps several tables' pointers at once, all or none (the catalog does it in one metadata-store
 * transaction). Returns false, changing nothing, when any pointer no longer holds its `expected`.
 */
export interface PointerTransaction {
  swapAll(swaps: readonly PointerSwap[]): Promise<boolean>;
}
