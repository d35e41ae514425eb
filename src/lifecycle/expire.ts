import type { Catalog, TableIdent } from '../catalog/index.js';
import { InvalidInput } from '../errors.js';
import type { ObjectInfo, ObjectStore } from '../storage/index.js';
import { expiredFiles, metadataVersion, previewCommit, retentionChange, snapshotRetention, type TableMetadata } from '../table/index.js';

export interface ExpireOptions {
  tables?: readonly TableIdent[];
  /** Expire snapshots older than this (default: the table's history.expire.max-snapshot-age-ms, else 5 days). */
  olderThanMs?: number;
  /** Keep at least this many snapshots of each branch (default: history.expire.min-snapshots-to-keep, else 1). */
  retainLast?: number;
  dryRun?: boolean;
  /** Snapshots to keep whatever their age: what other tables' bookkeeping names (see pipeline). */
  pinned?: ReadonlySet<bigint>;
  nowMs?: number;
}

export interface ExpiredTable {
  table: string;
  snapshotsExpired: string[];
  refsRemoved: string[];
  snapshotsKept: number;
  filesRemoved: number;
  bytesRemoved: number;
  /** Store keys removed (or, for a dry run, that would be). */
  removed: string[];
}

export interface ExpireResult {
  tables: ExpiredTable[];
  filesRemoved: number;
  bytesRemoved: number;
}

/**
 * Expires each table's old snapshots (see snapshotRetention) in one commit per table, THEN deletes
 * the files only they referenced: manifest lists, manifests, data and delete files, statistics, and
 * metadata files past `write.metadata.previous-versions-max`. What a kept snapshot (or any commit
 * made meanwhile) references stays: the keep set is read from the table after the commit. Only
 * files under the table's location are deleted; files it references elsewhere stay their owner's.
 */
export async function expireSnapshots(catalog: Catalog, opts: ExpireOptions = {}): Promise<ExpireResult> {
  checkOptions(opts);
  const idents = opts.tables ?? (await catalog.listTables());
  const result: ExpireResult = { tables: [], filesRemoved: 0, bytesRemoved: 0 };
  for (const ident of idents) {
    const t = await expireTable(catalog, ident, opts);
    result.tables.push(t);
    result.filesRemoved += t.filesRemoved;
    result.bytesRemoved += t.bytesRemoved;
  }
  return result;
}

function checkOptions(opts: ExpireOptions): void {
  if (opts.olderThanMs !== undefined && !(Number.isFinite(opts.olderThanMs) && opts.olderThanMs >= 0)) {
    throw new InvalidInput(`expire: --older-than must be a duration of 0 or more, found ${opts.olderThanMs}`);
  }
  if (opts.retainLast !== undefined && !(Number.isSafeInteger(opts.retainLast) && opts.retainLast >= 1)) {
    throw new InvalidInput(`expire: --retain-last must be a whole number of 1 or more (the current snapshot always stays), found ${opts.retainLast}`);
  }
}

async function expireTable(catalog: Catalog, ident: TableIdent, opts: ExpireOptions): Promise<ExpiredTable> {
  const name = `${ident.namespace}.${ident.name}`;
  const table = await catalog.loadTable(ident.namespace, ident.name);
  const retention = (m: TableMetadata) =>
    snapshotRetention(m, {
      nowMs: opts.nowMs ?? Date.now(),
      ...(opts.olderThanMs === undefined ? {} : { maxSnapshotAgeMs: opts.olderThanMs }),
      ...(opts.retainLast === undefined ? {} : { minSnapshotsToKeep: opts.retainLast }),
      ...(opts.pinned ? { pinned: opts.pinned } : {}),
    }, name);
  let before = { metadata: table.metadata, metadataLocation: table.metadataLocation };
  let after = before;
  let applied = retention(before.metadata);
  if (opts.dryRun) {
    const change = retentionChange(before.metadata, applied);
    if (change) after = { metadata: previewCommit(before.metadata, before.metadataLocation, change, name), metadataLocation: before.metadataLocation };
  } else {
    let base = before.metadata;
    const done = await table.commitWith(async (b) => {
      base = b;
      applied = retention(b);
      return retentionChange(b, applied);
    });
    if (done.changed) {
      const log = done.metadata['metadata-log'];
      before = { metadata: base, metadataLocation: log[log.length - 1]?.['metadata-file'] ?? before.metadataLocation };
      await table.refresh();
      after = { metadata: table.metadata, metadataLocation: table.metadataLocation };
    }
  }
  const out: ExpiredTable = {
    table: name, snapshotsExpired: applied.expire.map(String), refsRemoved: applied.removeRefs,
    snapshotsKept: after.metadata.snapshots.length, filesRemoved: 0, bytesRemoved: 0, removed: [],
  };
  if (after === before) return out;
  const store = catalog.store;
  const tableKey = store.keyOf(after.metadata.location);
  const listed = new Map((await store.list(tableKey + '/')).map((o) => [o.key, o]));
  const doomed = new Set<string>();
  for (const uri of await expiredFiles(store, before, after, name)) {
    const key = keyIn(store, uri, tableKey);
    if (key !== undefined) doomed.add(key);
  }
  for (const key of staleMetadataFiles(listed.values(), after.metadata, after.metadataLocation, tableKey)) doomed.add(key);
  for (const key of [...doomed].sort()) {
    const obj = listed.get(key);
    if (!obj) continue; // already gone
    if (!opts.dryRun) await store.delete(key);
    out.filesRemoved++;
    out.bytesRemoved += obj.size;
    out.removed.push(key);
  }
  return out;
}

/** The store key of `uri` when it lies under the table's folder. */
function keyIn(store: ObjectStore, uri: string, tableKey: string): string | undefined {
  try {
    const key = store.keyOf(uri);
    return key.startsWith(tableKey + '/') ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Metadata files older than the oldest the table still logs: the metadata log dropped them past
 * `write.metadata.previous-versions-max`. A pointer only ever moves to a newer version, so none of
 * them can become current again.
 */
function staleMetadataFiles(listed: Iterable<ObjectInfo>, m: TableMetadata, location: string, tableKey: string): string[] {
  const versions = [location, ...m['metadata-log'].map((e) => e['metadata-file'])].map(metadataVersion).filter((v): v is number => v !== undefined);
  if (versions.length === 0) return [];
  const oldest = Math.min(...versions);
  const out: string[] = [];
  for (const o of listed) {
    if (!o.key.startsWith(`${tableKey}/metadata/`) || !o.key.endsWith('.metadata.json')) continue;
    const v = metadataVersion(o.key);
    if (v !== undefined && v < oldest) out.push(o.key);
  }
  return out;
}
