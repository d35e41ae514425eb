import { InvalidInput } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { encodeManifest, type EntryToWrite } from './manifest.js';
import { describeManifest, encodeManifestList, type ManifestFile } from './manifest-list.js';
import { compareValues } from './compare.js';
import { partitionTypes } from './partition-spec.js';
import { currentSchema } from './schema.js';
import { currentSnapshot } from './table-metadata.js';
import type { DataFile, PartitionSpec, PartitionValue, PrimitiveType, Snapshot, SnapshotSummary, TableMetadata } from './types.js';
import { describe, normalizeValue, serializeValue } from './values.js';

/** A manifest written for a commit, not yet given the commit's sequence number. */
export interface WrittenManifest {
  key: string;
  uri: string;
  length: number;
  specId: number;
  partitionTypes: readonly PrimitiveType[];
  entries: readonly EntryToWrite[];
}

export function specById(m: TableMetadata, id: number, what: string): PartitionSpec {
  const spec = m['partition-specs'].find((s) => s['spec-id'] === id);
  if (!spec) throw new InvalidInput(`${what}: the table has no partition spec ${id}`);
  return spec;
}

/** Checks files a writer hands in: data (or delete) content, a known spec, partition values of the right types. */
export function checkDataFiles(m: TableMetadata, files: readonly DataFile[], what: string, kind: 'data' | 'deletes' = 'data'): void {
  const schema = currentSchema(m);
  for (const f of files) {
    if (kind === 'data' && f.content !== 0) throw new InvalidInput(`${what}: ${f.filePath}: only data files (content 0) can be committed here`);
    if (kind === 'deletes' && f.content !== 1 && f.content !== 2) throw new InvalidInput(`${what}: ${f.filePath}: only delete files (content 1 or 2) can be committed as deletes`);
    if (f.content === 2 && !(f.equalityIds?.length)) throw new InvalidInput(`${what}: ${f.filePath}: an equality delete file must name its equality_ids`);
    if (!/^[a-z][a-z0-9+.-]*:/i.test(f.filePath)) throw new InvalidInput(`${what}: ${f.filePath}: file paths must be full URIs`);
    if (!Number.isSafeInteger(f.recordCount) || f.recordCount < 0) throw new InvalidInput(`${what}: ${f.filePath}: bad record count ${f.recordCount}`);
    const spec = specById(m, f.specId, what);
    const types = partitionTypes(spec, schema);
    if (f.partition.length !== spec.fields.length) {
      throw new InvalidInput(`${what}: ${f.filePath}: ${f.partition.length} partition values for ${spec.fields.length} partition fields`);
    }
    spec.fields.forEach((pf, i) => {
      const v = f.partition[i] ?? null;
      if (v === null) return;
      try {
        serializeValue(types[i]!, normalizeValue(types[i]!, v));
      } catch {
        throw new InvalidInput(`${what}: ${f.filePath}: partition ${pf.name} value ${describe(v)} is not a ${types[i]}`);
      }
    });
  }
}

/**
 * Most entries in one manifest of a partitioned spec that `writeManifests` is told to split:
 * planning decodes a whole manifest when its partition summary may match, so a query on a few
 * partitions of a big commit reads one manifest of this many entries, not the commit's all.
 */
export const MAX_ENTRIES_PER_MANIFEST = 256;

/**
 * Writes one manifest per spec and kind for the given entries; with `split`, a partitioned spec's
 * entries are ordered by partition and cut into manifests of at most MAX_ENTRIES_PER_MANIFEST, so
 * that each manifest's partition summary covers a narrow range that scans can skip.
 */
export async function writeManifests(
  store: ObjectStore,
  m: TableMetadata,
  entries: readonly EntryToWrite[],
  keyFor: (n: number) => string,
  counter: { n: number },
  opts: { split?: boolean } = {},
): Promise<WrittenManifest[]> {
  // One manifest per spec and per kind: data files and delete files never share a manifest.
  const groups = new Map<string, EntryToWrite[]>();
  for (const e of entries) {
    const key = `${e.dataFile.content === 0 ? 'data' : 'deletes'}/${e.dataFile.specId}`;
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  const schema = currentSchema(m);
  const pieces: { spec: PartitionSpec; types: PrimitiveType[]; entries: EntryToWrite[] }[] = [];
  for (const group of groups.values()) {
    const spec = specById(m, group[0]!.dataFile.specId, 'commit');
    const types = partitionTypes(spec, schema);
    if (!opts.split || spec.fields.length === 0 || group.length <= MAX_ENTRIES_PER_MANIFEST) {
      pieces.push({ spec, types, entries: group });
      continue;
    }
    const sorted = [...group].sort((a, b) => comparePartitions(a.dataFile.partition, b.dataFile.partition));
    for (let i = 0; i < sorted.length; i += MAX_ENTRIES_PER_MANIFEST) pieces.push({ spec, types, entries: sorted.slice(i, i + MAX_ENTRIES_PER_MANIFEST) });
  }
  return Promise.all(pieces.map(async ({ spec, types, entries: piece }) => {
    const bytes = encodeManifest({ schema, spec, partitionTypes: types, entries: piece });
    const key = keyFor(counter.n++);
    await store.put(key, bytes);
    return { key, uri: store.uri(key), length: bytes.length, specId: spec['spec-id'], partitionTypes: types, entries: piece };
  }));
}

/** Partition tuples in order, nulls first; values it cannot order count as equal (order only groups, it decides nothing). */
export function comparePartitions(a: readonly PartitionValue[], b: readonly PartitionValue[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === null || y === null) {
      if (x !== y) return x === null ? -1 : 1;
      continue;
    }
    const c = compareValues(x, y) ?? 0;
    if (c !== 0) return c;
  }
  return 0;
}

export function listEntry(w: WrittenManifest, snapshotId: bigint, seq: number): ManifestFile {
  return describeManifest({
    path: w.uri, length: w.length, specId: w.specId, snapshotId, seq,
    partitionTypes: w.partitionTypes, entries: w.entries,
  });
}

/**
 * Writes the manifest list of a new snapshot on top of the base's current one and returns the
 * snapshot, for an add-snapshot update (the commit makes it current with set-snapshot-ref).
 */
export async function writeSnapshot(
  store: ObjectStore,
  base: TableMetadata,
  args: { snapshotId: bigint; listKey: string; manifests: readonly ManifestFile[]; summary: SnapshotSummary },
): Promise<Snapshot> {
  const parent = currentSnapshot(base);
  const seq = base['last-sequence-number'] + 1;
  const bytes = encodeManifestList(
    { snapshotId: args.snapshotId, parentSnapshotId: parent?.['snapshot-id'], sequenceNumber: seq },
    args.manifests,
  );
  await store.put(args.listKey, bytes);
  return {
    'sequence-number': seq,
    'snapshot-id': args.snapshotId,
    ...(parent ? { 'parent-snapshot-id': parent['snapshot-id'] } : {}),
    'timestamp-ms': Date.now(),
    summary: args.summary,
    'manifest-list': store.uri(args.listKey),
    'schema-id': base['current-schema-id'],
  };
}
