import { InvalidInput } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { u8 } from './bytes.js';
import { decodeManifest } from './manifest.js';
import { decodeManifestList, type ManifestFile } from './manifest-list.js';
import type { ManifestEntry, Snapshot, TableMetadata } from './types.js';

const CACHE_LIMIT = 512;

/**
 * Reads manifest lists and manifests through the store. Both are immutable once written, so
 * decoded contents are cached by path (bounded, oldest dropped first).
 */
export class ManifestReader {
  private readonly cache = new Map<string, ManifestFile[] | ManifestEntry[]>();

  constructor(private readonly store: ObjectStore) {}

  async manifests(snapshot: Snapshot): Promise<ManifestFile[]> {
    const path = snapshot['manifest-list'];
    const hit = this.cache.get(path) as ManifestFile[] | undefined;
    if (hit) return hit;
    const list = decodeManifestList(await this.read(path), path);
    this.remember(path, list);
    return list;
  }

  async entries(m: TableMetadata, manifest: ManifestFile): Promise<ManifestEntry[]> {
    const path = manifest.manifestPath;
    const hit = this.cache.get(path) as ManifestEntry[] | undefined;
    if (hit) return hit;
    const spec = m['partition-specs'].find((s) => s['spec-id'] === manifest.partitionSpecId);
    const entries = decodeManifest(await this.read(path), path, manifest, spec);
    this.remember(path, entries);
    return entries;
  }

  /** Live (ADDED or EXISTING) data-file entries of a snapshot. */
  async liveEntries(m: TableMetadata, snapshot: Snapshot): Promise<ManifestEntry[]> {
    const manifests = await this.manifests(snapshot);
    const lists = await Promise.all(manifests.map(async (mf) => {
      const entries = await this.entries(m, mf);
      if (mf.content !== 0 && entries.some((e) => e.status !== 2)) {
        throw new InvalidInput(`table: snapshot ${snapshot['snapshot-id']} has delete files (${mf.manifestPath}), which Silt cannot apply yet`);
      }
      return entries.filter((e) => e.status !== 2);
    }));
    return lists.flat();
  }

  private async read(uri: string): Promise<Uint8Array> {
    return u8(await this.store.get(this.store.keyOf(uri)));
  }

  private remember(path: string, value: ManifestFile[] | ManifestEntry[]): void {
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(path, value);
  }
}
