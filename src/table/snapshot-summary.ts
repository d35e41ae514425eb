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
  /** Delete files it removes (a compaction folding them into the data files). */
  removedDeletes?: readonly DataFile[];
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
  const partitions = new Set([...args.added, ...args.removed, ...(args.addedDeletes ?? []), ...(args.removedDeletes ?? [])].map((d) => `${d.specId}/${d.partition.map(describe).join('/')}`));
  own['changed-partition-count'] = String(partitions.size);
  const prev = args.parent?.summary;
  for (const [total, added, removed] of TOTALS) {
    const before = prev === undefined ? 0 : Number(prev[total]);
    if (Number.isFinite(before)) own[total] = String(before + counts[added]! - counts[removed]!);
  }
  const added = deleteCounts(args.addedDeletes ?? []);
  const removed = deleteCounts(args.removedDeletes ?? []);
  for (const [prefix, counts] of [['added', added], ['removed', removed]] as const) {
    if (counts.files === 0) continue;
    own[`${prefix}-delete-files`] = String(counts.files);
    if (counts.positionFiles > 0) {
      own[`${prefix}-position-delete-files`] = String(counts.positionFiles);
      own[`${prefix}-position-deletes`] = String(counts.positions);
    }
    if (counts.equalityFiles > 0) {
      own[`${prefix}-equality-delete-files`] = String(counts.equalityFiles);
      own[`${prefix}-equality-deletes`] = String(counts.equalities);
    }
  }
  const totals: [string, keyof DeleteCounts][] = [['total-delete-files', 'files'], ['total-position-deletes', 'positions'], ['total-equality-deletes', 'equalities']];
  for (const [k, c] of totals) {
    const before = Number(prev?.[k] ?? '0');
    own[k] = Number.isFinite(before) ? String(before + added[c] - removed[c]) : (prev?.[k] ?? '0');
  }
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(args.extra ?? {})) {
    if (typeof v !== 'string') throw new InvalidInput(`commit: summary value ${k} must be a string`);
    extra[k] = v;
  }
  return { ...extra, operation: args.operation, ...own };
}

interface DeleteCounts {
  files: number;
  positionFiles: number;
  positions: number;
  equalityFiles: number;
  equalities: number;
}

function deleteCounts(files: readonly DataFile[]): DeleteCounts {
  const position = files.filter((d) => d.content === 1);
  const equality = files.filter((d) => d.content === 2);
  const rows = (fs: readonly DataFile[]): number => fs.reduce((n, d) => n + d.recordCount, 0);
  return { files: files.length, positionFiles: position.length, positions: rows(position), equalityFiles: equality.length, equalities: rows(equality) };
}
