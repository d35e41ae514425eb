import { setTimeout as sleep } from 'node:timers/promises';
import { CommitConflict } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { applyUpdates, checkRequirements } from './apply-updates.js';
import { serializeMetadata } from './metadata-json.js';
import type { MetadataPointer, PointerSwap, PointerTransaction } from './pointer.js';
import { metadataFileKey, metadataVersion } from './table-metadata.js';
import type { TableMetadata } from './types.js';
import type { TableChange } from './updates.js';

export const MAX_ATTEMPTS = 10;

/** One attempt's change: requirements and updates, and the files written only for this attempt. */
export interface Change extends TableChange {
  /** Store keys to delete when the swap is lost (they can never become referenced). */
  readonly scratch?: readonly string[];
}

/**
 * Computes a change against the fresh base on every attempt; undefined when there is nothing to
 * commit. Silt's writers re-derive only what depends on the base (the manifest list) on a retry.
 */
export type ChangeProducer = (base: TableMetadata, attempt: number) => Promise<Change | undefined>;

export interface Committed {
  metadata: TableMetadata;
  metadataLocation: string;
  /** False when the producer decided there was nothing to commit. */
  changed: boolean;
}

/** A table taking part in a commit: its pointer and what it changes. */
export interface CommitTarget {
  readonly pointer: MetadataPointer;
  readonly produce: ChangeProducer;
}

/** A change that is the same on every attempt (e.g. a REST client's): its requirements decide whether it still fits. */
export function fixedChange(change: TableChange): ChangeProducer {
  return async () => change;
}

/**
 * The commit protocol, in one place: load the base through the pointer, take the change built on
 * it, check its requirements and apply its updates, write the result as a new metadata file, and
 * compare-and-swap the pointer. A lost swap means someone else committed: reload and build again
 * (with jittered backoff), up to MAX_ATTEMPTS. A requirement that no longer holds is a
 * CommitConflict at once.
 */
export async function commit(store: ObjectStore, pointer: MetadataPointer, produce: ChangeProducer): Promise<Committed> {
  const [done] = await commitAll(store, [{ pointer, produce }], {
    swapAll: ([s]) => s!.pointer.swap(s!.expected, s!.next),
  });
  return done!;
}

/**
 * Commits changes to several tables atomically: every table's next metadata file is written, then
 * all pointers are swapped in one transaction. When any swap loses, none happens, the attempt's
 * files are deleted and every change is built again on the fresh bases.
 */
export async function commitAll(store: ObjectStore, targets: readonly CommitTarget[], tx: PointerTransaction): Promise<Committed[]> {
  for (let attempt = 0; ; attempt++) {
    const bases = await Promise.all(targets.map((t) => t.pointer.load()));
    const staged: Staged[] = [];
    const results: Committed[] = [];
    try {
      for (const [i, t] of targets.entries()) {
        const { metadata: base, metadataLocation } = bases[i]!;
        const change = await t.produce(base, attempt);
        if (!change) {
          results.push({ metadata: base, metadataLocation, changed: false });
          continue;
        }
        const s = await stage(store, t.pointer, base, metadataLocation, change);
        staged.push(s);
        results.push({ metadata: s.metadata, metadataLocation: s.location, changed: true });
      }
    } catch (e) {
      await discard(store, staged);
      throw e;
    }
    if (staged.length === 0 || (await tx.swapAll(staged.map((s) => s.swap)))) return results;
    await discard(store, staged);
    if (attempt + 1 >= MAX_ATTEMPTS) {
      const names = targets.map((t) => t.pointer.name).join(', ');
      throw new CommitConflict(`commit: ${names}: other writers committed first ${MAX_ATTEMPTS} times in a row; retry later`);
    }
    await sleep(Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random()));
  }
}

interface Staged {
  metadata: TableMetadata;
  location: string;
  /** The metadata file and the change's scratch files. */
  keys: string[];
  swap: PointerSwap;
}

/** Checks and applies a change on its base and writes the next metadata file (not yet visible). */
async function stage(store: ObjectStore, pointer: MetadataPointer, base: TableMetadata, baseLocation: string, change: Change): Promise<Staged> {
  const scratch = [...(change.scratch ?? [])];
  let next: TableMetadata;
  try {
    checkRequirements(base, change.requirements, pointer.name);
    next = withMetadataLog(base, baseLocation, applyUpdates(base, change.updates, pointer.name));
  } catch (e) {
    await deleteAll(store, scratch);
    throw e;
  }
  const version = (metadataVersion(baseLocation) ?? base['metadata-log'].length) + 1;
  const key = metadataFileKey(store.keyOf(base.location), version);
  await store.put(key, serializeMetadata(next), { ifAbsent: true });
  const location = store.uri(key);
  return { metadata: next, location, keys: [key, ...scratch], swap: { pointer, expected: baseLocation, next: location } };
}

async function discard(store: ObjectStore, staged: readonly Staged[]): Promise<void> {
  await deleteAll(store, staged.flatMap((s) => s.keys));
}

async function deleteAll(store: ObjectStore, keys: readonly string[]): Promise<void> {
  await Promise.all(keys.map((k) => store.delete(k).catch(() => undefined)));
}

/** The metadata a change would commit on `base`, without writing anything (for a dry run). */
export function previewCommit(base: TableMetadata, baseLocation: string, change: TableChange, table: string): TableMetadata {
  checkRequirements(base, change.requirements, table);
  return withMetadataLog(base, baseLocation, applyUpdates(base, change.updates, table));
}

/** Records the base metadata file in metadata-log, keeping `write.metadata.previous-versions-max` (100). */
function withMetadataLog(base: TableMetadata, baseLocation: string, next: TableMetadata): TableMetadata {
  const max = Number(next.properties['write.metadata.previous-versions-max'] ?? '100');
  const log = [...base['metadata-log'], { 'timestamp-ms': base['last-updated-ms'], 'metadata-file': baseLocation }];
  return {
    ...next,
    'last-updated-ms': Math.max(Date.now(), base['last-updated-ms']),
    'metadata-log': Number.isFinite(max) && max >= 0 ? log.slice(Math.max(0, log.length - max)) : log,
  };
}
