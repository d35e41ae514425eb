import { setTimeout as sleep } from 'node:timers/promises';
import { CommitConflict } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { serializeMetadata } from './metadata-json.js';
import type { MetadataPointer } from './pointer.js';
import { metadataFileKey, metadataVersion } from './table-metadata.js';
import type { TableMetadata } from './types.js';

export const MAX_ATTEMPTS = 10;

/** What one attempt produced: the next metadata and the files written only for this attempt. */
export interface Attempt {
  metadata: TableMetadata;
  /** Store keys to delete when the swap is lost (they can never become referenced). */
  scratch: string[];
}

export interface Committed {
  metadata: TableMetadata;
  metadataLocation: string;
  /** False when `build` decided there was nothing to commit. */
  changed: boolean;
}

/**
 * The commit protocol, in one place: load the base through the pointer, build the next metadata
 * on it, write it as a new metadata file, and compare-and-swap the pointer. A lost swap means
 * someone else committed: reload and build again (with jittered backoff), up to MAX_ATTEMPTS.
 */
export async function commit(
  store: ObjectStore,
  pointer: MetadataPointer,
  build: (base: TableMetadata, attempt: number) => Promise<Attempt | undefined>,
): Promise<Committed> {
  for (let attempt = 0; ; attempt++) {
    const { metadata: base, metadataLocation } = await pointer.load();
    const built = await build(base, attempt);
    if (!built) return { metadata: base, metadataLocation, changed: false };
    const next = withMetadataLog(base, metadataLocation, built.metadata);
    const version = (metadataVersion(metadataLocation) ?? base['metadata-log'].length) + 1;
    const key = metadataFileKey(store.keyOf(base.location), version);
    await store.put(key, serializeMetadata(next), { ifAbsent: true });
    const location = store.uri(key);
    if (await pointer.swap(metadataLocation, location)) {
      return { metadata: next, metadataLocation: location, changed: true };
    }
    await Promise.all([key, ...built.scratch].map((k) => store.delete(k).catch(() => undefined)));
    if (attempt + 1 >= MAX_ATTEMPTS) {
      throw new CommitConflict(`commit: ${pointer.name}: other writers committed first ${MAX_ATTEMPTS} times in a row; retry later`);
    }
    await sleep(Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random()));
  }
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
