import { currentSnapshot } from './table-metadata.js';
import type { Snapshot, TableMetadata } from './types.js';

/**
 * A value a writer recorded in a snapshot summary, read from the current snapshot or, when a later
 * commit (a user's DELETE, a replay) did not record it, from its nearest ancestor that did. State
 * kept this way describes the table's content and moves with it: after a rollback the current
 * snapshot says what the content it holds was built from.
 */
export function summaryState(m: TableMetadata, key: string): string | undefined {
  const byId = new Map<bigint, Snapshot>(m.snapshots.map((s) => [s['snapshot-id'], s]));
  let s = currentSnapshot(m);
  // Bounded by the number of snapshots, so a damaged parent chain cannot loop.
  for (let hops = 0; s && hops <= m.snapshots.length; hops++) {
    const v = s.summary[key];
    if (v !== undefined) return v;
    const parent = s['parent-snapshot-id'];
    s = parent === undefined ? undefined : byId.get(parent);
  }
  return undefined;
}
