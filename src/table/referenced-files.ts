import type { ObjectStore } from '../storage/index.js';
import { ManifestReader } from './table-io.js';
import type { Snapshot, TableMetadata } from './types.js';

/**
 * Every file the table's metadata references, as full URIs spelled as `store.uri()` spells them:
 * the current and logged metadata files, statistics files, and for ALL snapshots their manifest
 * lists, manifests and live data files. Vacuum deletes files under the table location not in
 * this set; a manifest that cannot be read throws, so nothing is deleted on doubt.
 */
export async function referencedFiles(store: ObjectStore, m: TableMetadata, metadataLocation: string, table = 'the table'): Promise<Set<string>> {
  const out = new Set<string>();
  const add = uriAdder(store, out);
  add(metadataLocation);
  for (const e of m['metadata-log']) add(e['metadata-file']);
  for (const s of statisticsFiles(m)) add(s.path);
  await addSnapshotFiles(new ManifestReader(store, table), m, m.snapshots, add, false);
  return out;
}

/**
 * The files `before` referenced that `after` (the table once snapshots were expired) does not:
 * the removed snapshots' manifest lists, manifests, data and delete files (whatever their entry's
 * status) and statistics files, and the metadata files `after` no longer logs. A file any kept
 * snapshot reads is never among them.
 */
export async function expiredFiles(
  store: ObjectStore,
  before: { metadata: TableMetadata; metadataLocation: string },
  after: { metadata: TableMetadata; metadataLocation: string },
  table = 'the table',
): Promise<string[]> {
  const keep = await referencedFiles(store, after.metadata, after.metadataLocation, table);
  const kept = new Set(after.metadata.snapshots.map((s) => s['snapshot-id']));
  const gone = before.metadata.snapshots.filter((s) => !kept.has(s['snapshot-id']));
  const out = new Set<string>();
  const add = uriAdder(store, out);
  add(before.metadataLocation);
  for (const e of before.metadata['metadata-log']) add(e['metadata-file']);
  for (const s of statisticsFiles(before.metadata)) if (!kept.has(s.snapshotId)) add(s.path);
  await addSnapshotFiles(new ManifestReader(store, table), before.metadata, gone, add, true);
  return [...out].filter((uri) => !keep.has(uri));
}

function uriAdder(store: ObjectStore, out: Set<string>): (uri: string) => void {
  return (uri) => {
    try {
      out.add(store.uri(store.keyOf(uri)));
    } catch {
      out.add(uri); // outside this store: keep it as written
    }
  };
}

function statisticsFiles(m: TableMetadata): { snapshotId: bigint; path: string }[] {
  const extra = m as unknown as Record<string, unknown>;
  const out: { snapshotId: bigint; path: string }[] = [];
  for (const key of ['statistics', 'partition-statistics']) {
    const list = extra[key];
    if (Array.isArray(list)) for (const s of list) if (typeof s?.['statistics-path'] === 'string') out.push({ snapshotId: s['snapshot-id'], path: s['statistics-path'] });
  }
  return out;
}

/** Adds the manifest lists, manifests and data files of `snapshots` (entries marked deleted too when `deleted`). */
async function addSnapshotFiles(reader: ManifestReader, m: TableMetadata, snapshots: readonly Snapshot[], add: (uri: string) => void, deleted: boolean): Promise<void> {
  const seen = new Set<string>();
  for (const snapshot of snapshots) {
    add(snapshot['manifest-list']);
    for (const mf of await reader.manifests(snapshot)) {
      add(mf.manifestPath);
      if (seen.has(mf.manifestPath)) continue;
      seen.add(mf.manifestPath);
      for (const e of await reader.entries(m, mf)) if (deleted || e.status !== 2) add(e.dataFile.filePath);
    }
  }
}
