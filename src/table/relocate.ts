import { randomUUID } from 'node:crypto';
import { InvalidInput } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import type { ChangeProducer } from './commit.js';
import type { EntryToWrite } from './manifest.js';
import type { ManifestFile } from './manifest-list.js';
import { buildSummary } from './snapshot-summary.js';
import { listEntry, writeManifests, writeSnapshot } from './snapshot-writer.js';
import { currentSnapshot, newSnapshotId } from './table-metadata.js';
import { ManifestReader } from './table-io.js';
import type { DataFile, ManifestEntry, TableMetadata } from './types.js';
import { assertRef, setBranch } from './updates.js';

/**
 * The new path of each live data file to move (its bytes already copied there), from the fresh
 * base on every attempt; files missing from the map stay where they are.
 */
export type RelocatePrepare = (base: TableMetadata, live: ManifestEntry[]) => Promise<Map<string, string>>;

/**
 * A `replace` commit that points data files at new paths holding the same bytes: each moved entry
 * is DELETED and ADDED again at its new path with its data sequence number kept, so the delete
 * files that applied to it by sequence number still do. Manifests without a moved file are carried
 * over as they are. The old files stay for the snapshots that reference them (expiry's to remove).
 * Undefined when nothing moves.
 */
export function relocateChange(store: ObjectStore, table: string, prepare: RelocatePrepare, summary: Record<string, string> = {}): ChangeProducer {
  const reader = new ManifestReader(store, table);
  const commitUuid = randomUUID();
  return async (base, attempt) => {
    const parent = currentSnapshot(base);
    const live = parent ? await reader.liveEntries(base, parent) : [];
    const moves = await prepare(base, live);
    if (moves.size === 0) return undefined;
    const livePaths = new Set(live.map((e) => e.dataFile.filePath));
    for (const path of moves.keys()) {
      if (!livePaths.has(path)) throw new InvalidInput(`relocate in ${table}: ${path} is not a live file of the table`);
    }
    const id = newSnapshotId(base);
    const seq = base['last-sequence-number'] + 1;
    const folder = `${store.keyOf(base.location)}/metadata`;
    const keyFor = (n: number): string => `${folder}/${commitUuid}-${attempt + 1}-m${n}.avro`;
    const counter = { n: 0 };
    const manifests: ManifestFile[] = [];
    const scratch: string[] = [];
    const added: EntryToWrite[] = [];
    const removed: DataFile[] = [];
    for (const mf of parent ? await reader.manifests(parent) : []) {
      const entries = mf.content === 0 ? await reader.entries(base, mf) : [];
      if (!entries.some((e) => e.status !== 2 && moves.has(e.dataFile.filePath))) {
        manifests.push(mf);
        continue;
      }
      const kept: EntryToWrite[] = [];
      for (const e of entries) {
        if (e.status === 2) continue;
        const to = moves.get(e.dataFile.filePath);
        kept.push({ status: to ? 2 : 0, snapshotId: to ? id : e.snapshotId, sequenceNumber: e.sequenceNumber, fileSequenceNumber: e.fileSequenceNumber, dataFile: e.dataFile });
        if (!to) continue;
        removed.push(e.dataFile);
        const { deletes: _applied, ...file } = e.dataFile;
        added.push({ status: 1, snapshotId: id, sequenceNumber: e.sequenceNumber, fileSequenceNumber: null, dataFile: { ...file, filePath: to } });
      }
      for (const w of await writeManifests(store, base, kept, keyFor, counter)) {
        manifests.push(listEntry(w, id, seq));
        scratch.push(w.key);
      }
    }
    for (const w of await writeManifests(store, base, added, keyFor, counter)) {
      manifests.unshift(listEntry(w, id, seq));
      scratch.push(w.key);
    }
    const listKey = `${folder}/snap-${id}-${attempt + 1}-${commitUuid}.avro`;
    const snapshot = await writeSnapshot(store, base, {
      snapshotId: id, listKey, manifests,
      summary: buildSummary({ operation: 'replace', parent, added: added.map((e) => e.dataFile), removed, extra: summary }),
    });
    return {
      requirements: [assertRef(base['current-snapshot-id'])],
      updates: [{ action: 'add-snapshot', snapshot }, setBranch(id)],
      scratch: [...scratch, listKey],
    };
  };
}
