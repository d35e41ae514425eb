import type { ManifestFile } from './manifest-list.js';
import type { ManifestEntry, PartitionSpec, Snapshot } from './types.js';

/** What `silt serve` and `silt worker` keep unless silt.yaml's `serve.manifest_cache` says otherwise. */
export const DEFAULT_MANIFEST_CACHE_BYTES = 64 << 20;

/**
 * Decoded manifest lists and manifests kept across statements by a long-running process, so a
 * repeat query on an unchanged table reads and parses none of them again. Least recently used
 * first out, bounded by the files' bytes (decoded, they take a few times that in memory).
 *
 * Iceberg never rewrites a manifest in place, but a path may come back with other content (a
 * table dropped and made again at its location, files restored from elsewhere): the keys hold
 * what the referencing metadata says of the file — the snapshot id and sequence number a list
 * belongs to, a manifest's length, adding snapshot and sequence number — so such a file misses.
 * What it does not notice is a file damaged in place after it was cached: `silt check` reads
 * every file afresh.
 */
export class ManifestCache {
  private readonly items = new Map<string, { bytes: number; value: ManifestFile[] | ManifestEntry[] }>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number = DEFAULT_MANIFEST_CACHE_BYTES) {}

  get size(): { entries: number; bytes: number } {
    return { entries: this.items.size, bytes: this.bytes };
  }

  async list(snapshot: Snapshot, read: () => Promise<{ value: ManifestFile[]; bytes: number }>): Promise<ManifestFile[]> {
    const key = `list\0${snapshot['manifest-list']}\0${snapshot['snapshot-id']}\0${snapshot['sequence-number'] ?? 0}`;
    return (await this.through(key, read)) as ManifestFile[];
  }

  async manifest(mf: ManifestFile, spec: PartitionSpec | undefined, read: () => Promise<{ value: ManifestEntry[]; bytes: number }>): Promise<ManifestEntry[]> {
    // The spec is in the key as the entries' partition values are decoded by it.
    const key = `manifest\0${mf.manifestPath}\0${mf.manifestLength}\0${mf.addedSnapshotId}\0${mf.sequenceNumber}\0${JSON.stringify(spec ?? null)}`;
    return (await this.through(key, read)) as ManifestEntry[];
  }

  private async through(key: string, read: () => Promise<{ value: ManifestFile[] | ManifestEntry[]; bytes: number }>): Promise<ManifestFile[] | ManifestEntry[]> {
    const hit = this.items.get(key);
    if (hit) {
      this.hits++;
      // Map order is insertion order: taken out and put back, it is the most recent.
      this.items.delete(key);
      this.items.set(key, hit);
      return hit.value;
    }
    this.misses++;
    const got = await read();
    if (got.bytes > this.maxBytes) return got.value;
    this.drop(key); // read twice at once: the later stays
    this.items.set(key, got);
    this.bytes += got.bytes;
    for (const oldest of this.items.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest);
    }
    return got.value;
  }

  private drop(key: string): void {
    const item = this.items.get(key);
    if (!item) return;
    this.items.delete(key);
    this.bytes -= item.bytes;
  }
}
