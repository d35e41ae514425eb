import type { Catalog } from '../catalog/index.js';
import { parseTableName } from '../catalog/index.js';

export interface CommitRows {
  snapshotId: string;
  /** `added-records` of the commit's summary. */
  rows: number;
}

/**
 * The rows each commit of the table's current history added, latest first, at most `n` of them:
 * the current snapshot, then its parent, and so on (a rolled-back commit is no longer history).
 * Empty for a table that does not exist or has no commit.
 */
export async function recentCommitRows(catalog: Pick<Catalog, 'loadTable'>, table: string, n: number): Promise<CommitRows[]> {
  const { namespace, name } = parseTableName(table);
  const m = await catalog.loadTable(namespace, name).then((t) => t.metadata, () => undefined);
  if (!m) return [];
  const byId = new Map(m.snapshots.map((s) => [s['snapshot-id'], s]));
  const out: CommitRows[] = [];
  for (let s = byId.get(m['current-snapshot-id'] ?? -1n); s && out.length < n; s = byId.get(s['parent-snapshot-id'] ?? -1n)) {
    const added = Number(s.summary['added-records'] ?? NaN);
    if (Number.isFinite(added)) out.push({ snapshotId: String(s['snapshot-id']), rows: added });
  }
  return out;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
