import type { DataFile, Table } from '../table/index.js';

/** What differs between the snapshot last exported and the table's current one, file by file. */
export interface ChangedFiles {
  /** Data files the current snapshot reads that the exported one did not (or reads with other deletes). */
  readonly added: readonly DataFile[];
  /** Data files the exported snapshot read that the current one does not (or reads with other deletes). */
  readonly removed: readonly DataFile[];
}

/**
 * The files that changed from snapshot `since` to the current one. A data file counts as the same
 * only with the same delete files applied to it, so a merge-on-read delete shows as the file
 * removed and added again; a file both snapshots read the same way holds the same rows in both.
 * Any two snapshots can be compared, even when one is not the other's ancestor (a rollback).
 */
export async function changedFiles(table: Table, since: bigint): Promise<ChangedFiles> {
  const [before, now] = await Promise.all([table.planFiles({ snapshotId: since }), table.planFiles()]);
  const seen = new Set(before.files.map(identity));
  const kept = new Set(now.files.map(identity));
  return {
    added: now.files.filter((f) => !seen.has(identity(f))),
    removed: before.files.filter((f) => !kept.has(identity(f))),
  };
}

function identity(f: DataFile): string {
  const deletes = (f.deletes?.files ?? []).map((d) => d.file.filePath).sort();
  return [f.filePath, ...deletes].join('\n');
}
