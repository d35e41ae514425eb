import type { ObjectStore } from '../storage/index.js';
import type { Change } from './commit.js';
import type { EntryToWrite } from './manifest.js';
import type { ManifestFile } from './manifest-list.js';
import { buildSummary } from './snapshot-summary.js';
import { comparePartitions, listEntry, writeManifests, writeSnapshot } from './snapshot-writer.js';
import { currentSnapshot, newSnapshotId } from './table-metadata.js';
import type { ManifestReader } from './table-io.js';
import type { TableMetadata } from './types.js';
import { assertRef, setBranch } from './updates.js';

/** Iceberg's target size of a manifest (8 MiB by default). */
export const MANIFEST_TARGET_SIZE_PROPERTY = 'commit.manifest.target-size-bytes';
const DEFAULT_MANIFEST_TARGET_BYTES = 8 << 20;

export interface ManifestRewrite {
  /** Absent for a dry run, which writes nothing. */
  change?: Change;
  replaced: number;
  created: number;
  kept: number;
}

/**
 * Rewrites the current snapshot's small manifests (below the target size), per kind (data or
 * deletes) and partition spec where two or more of them share one, into as few manifests as the
 * target size allows: live entries only, as EXISTING, with their snapshot ids and sequence numbers
 * as they were, so every reader plans the same files with the same deletes. One `replace`
 * snapshot; undefined when no group has two small manifests.
 */
export async function manifestRewrite(
  store: ObjectStore,
  reader: ManifestReader,
  base: TableMetadata,
  keyFor: (name: string) => string,
  dryRun = false,
): Promise<ManifestRewrite | undefined> {
  const parent = currentSnapshot(base);
  if (!parent) return undefined;
  const target = Number(base.properties[MANIFEST_TARGET_SIZE_PROPERTY] ?? DEFAULT_MANIFEST_TARGET_BYTES) || DEFAULT_MANIFEST_TARGET_BYTES;
  const manifests = await reader.manifests(parent);
  const groups = new Map<string, ManifestFile[]>();
  for (const mf of manifests) {
    if (mf.manifestLength >= target) continue;
    const key = `${mf.content}/${mf.partitionSpecId}`;
    groups.set(key, [...(groups.get(key) ?? []), mf]);
  }
  const rewritten = [...groups.values()].filter((g) => g.length >= 2);
  if (rewritten.length === 0) return undefined;
  const replacedPaths = new Set(rewritten.flat().map((mf) => mf.manifestPath));
  const id = newSnapshotId(base);
  const seq = base['last-sequence-number'] + 1;
  const counter = { n: 0 };
  const tag = `${id}-${Date.now()}`;
  const created: ManifestFile[] = [];
  const scratch: string[] = [];
  for (const group of rewritten) {
    const entries: EntryToWrite[] = [];
    for (const mf of group) {
      for (const e of await reader.entries(base, mf)) {
        if (e.status === 2) continue;
        entries.push({ status: 0, snapshotId: e.snapshotId, sequenceNumber: e.sequenceNumber, fileSequenceNumber: e.fileSequenceNumber, dataFile: e.dataFile });
      }
    }
    // In partition order, so that each merged manifest's summary still covers a narrow range.
    entries.sort((a, b) => comparePartitions(a.dataFile.partition, b.dataFile.partition));
    const bytes = group.reduce((n, mf) => n + mf.manifestLength, 0);
    const perManifest = Math.max(1, Math.floor(target / Math.max(1, bytes / Math.max(1, entries.length))));
    if (dryRun) {
      counter.n += Math.ceil(entries.length / perManifest);
      continue;
    }
    for (let i = 0; i < entries.length; i += perManifest) {
      for (const w of await writeManifests(store, base, entries.slice(i, i + perManifest), (n) => keyFor(`${tag}-m${n}.avro`), counter)) {
        created.push(listEntry(w, id, seq));
        scratch.push(w.key);
      }
    }
  }
  const kept = manifests.filter((mf) => !replacedPaths.has(mf.manifestPath));
  if (dryRun) return { replaced: replacedPaths.size, created: counter.n, kept: kept.length };
  const listKey = keyFor(`snap-${id}-1-${tag}.avro`);
  const snapshot = await writeSnapshot(store, base, {
    snapshotId: id, listKey, manifests: [...created, ...kept],
    summary: buildSummary({
      operation: 'replace', parent, added: [], removed: [],
      extra: { 'manifests-created': String(created.length), 'manifests-replaced': String(replacedPaths.size), 'manifests-kept': String(kept.length) },
    }),
  });
  return {
    change: {
      requirements: [assertRef(parent['snapshot-id'])],
      updates: [{ action: 'add-snapshot', snapshot }, setBranch(id)],
      scratch: [...scratch, listKey],
    },
    replaced: replacedPaths.size,
    created: created.length,
    kept: kept.length,
  };
}
