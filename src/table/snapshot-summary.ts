import { InvalidInput } from '../errors.js';
import type { DataFile, Snapshot, SnapshotOperation, SnapshotSummary } from './types.js';
import { describe } from './values.js';

const TOTALS: readonly [total: string, added: string, removed: string][] = [
  ['total-records', 'added-records', 'deleted-records'],
  ['total-files-size', 'added-files-size', 'removed-files-size'],
  ['total-data-files', 'added-data-files', 'deleted-data-files'],
];

/**
 * A snapshot summary (every value a string, as Java requires). Totals carry forward from the
 * parent; when the parent lacks them (another writer skipped them) they are left out, as Java does.
 */
export function buildSummary(args: {
  operation: SnapshotOperation;
  parent: Snapshot | undefined;
  added: readonly DataFile[];
  removed: readonly DataFile[];
  /** Delete files (merge-on-read) the snapshot adds. */
  addedDeletes?: readonly DataFile[];
  extra?: Record<string, string>;
}): SnapshotSummary {
  const sum = (files: readonly DataFile[], f: (d: DataFile) => number): number => files.reduce((n, d) => n + f(d), 0);
  const own: Record<string, string> = {};
  const counts: Record<string, number> = {
    'added-data-files': args.added.length,
    'added-records': sum(args.added, (d) => d.recordCount),
    'added-files-size': sum(args.added, (d) => d.fileSizeInBytes),
    'deleted-data-files': args.removed.length,
    'deleted-records': sum(args.removed, (d) => d.recordCount),
    'removed-files-size': sum(args.removed, (d) => d.fileSizeInBytes),
  };
  for (const [k, v] of Object.entries(counts)) own[k] = String(v);
  const partitions = new Set([...args.added, ...args.removed, ...(args.addedDeletes ?? [])].map((d) => `${d.specId}/${d.partition.map(describe).join('/')}`));
  own['changed-partition-count'] = String(partitions.size);
  const prev = args.parent?.summary;
  for (const [total, added, removed] of TOTALS) {
    const before = prev === undefined ? 0 : Number(prev[total]);
    if (Number.isFinite(before)) own[total] = String(before + counts[added]! - counts[removed]!);
  }
  const deletes = args.addedDeletes ?? [];
  const position = deletes.filter((d) => d.content === 1);
  const equality = deletes.filter((d) => d.content === 2);
  const added: Record<string, number> = {
    'total-delete-files': deletes.length,
    'total-position-deletes': sum(position, (d) => d.recordCount),
    'total-equality-deletes': sum(equality, (d) => d.recordCount),
  };
  if (deletes.length > 0) {
    own['added-delete-files'] = String(deletes.length);
    if (position.length > 0) {
      own['added-position-delete-files'] = String(position.length);
      own['added-position-deletes'] = String(added['total-position-deletes']);
    }
    if (equality.length > 0) {
      own['added-equality-delete-files'] = String(equality.length);
      own['added-equality-deletes'] = String(added['total-equality-deletes']);
    }
  }
  for (const [k, n] of Object.entries(added)) {
    const before = Number(prev?.[k] ?? '0');
    own[k] = Number.isFinite(before) ? String(before + n) : (prev?.[k] ?? '0');
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(args.extra ?? {})) {
    if (typeof v !== 'string') throw new InvalidInput(`commit: summary value ${k} must be a string`);
    extra[k] = v;
  }
  return { ...extra, operation: args.operation, ...own };
}
