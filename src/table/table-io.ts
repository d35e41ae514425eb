import { createHash } from 'node:crypto';
import { EnvironmentFault, InvalidInput, NotFound } from '../errors.js';
import { OutsideStore, type ObjectStore } from '../storage/index.js';
import { u8 } from './bytes.js';
import { DeleteIndex } from './deletes.js';
import { decodeManifest } from './manifest.js';
import type { ManifestCache } from './manifest-cache.js';
import { decodeManifestList, type ManifestFile } from './manifest-list.js';
import type { ManifestEntry, Snapshot, TableMetadata } from './types.js';

const CACHE_LIMIT = 512;

/**
 * Decoded files shared by every reader of the process (each statement loads its tables afresh),
 * by path, content digest and what the decoding inherits: a file is still read each time, so one
 * changed or damaged since is decoded (and refused) again. Bounded by the files' bytes.
 */
const decoded = new Map<string, { bytes: number; value: ManifestFile[] | ManifestEntry[] }>();
const DECODED_LIMIT_BYTES = 8 << 20;
let decodedBytes = 0;

function sharedDecode<T extends ManifestFile[] | ManifestEntry[]>(bytes: Uint8Array, context: string, decode: (bytes: Uint8Array) => T): T {
  const key = `${context}\0${createHash('sha1').update(bytes).digest('base64')}`;
  const hit = decoded.get(key);
  if (hit) return hit.value as T;
  const value = decode(bytes);
  if (bytes.length <= DECODED_LIMIT_BYTES / 8) {
    for (const [k, v] of decoded) {
      if (decodedBytes + bytes.length <= DECODED_LIMIT_BYTES) break;
      decoded.delete(k);
      decodedBytes -= v.bytes;
    }
    decoded.set(key, { bytes: bytes.length, value });
    decodedBytes += bytes.length;
  }
  return value;
}

/**
 * Reads manifest lists and manifests through the store. Both are immutable once written, so
 * decoded contents are cached by path (bounded, oldest dropped first) for the reader's life, and
 * across readers in the process's `ManifestCache` when it has one (silt serve, silt worker).
 */
export class ManifestReader {
  private readonly cache = new Map<string, ManifestFile[] | ManifestEntry[]>();

  /** `table` names the table in messages about its files. */
  constructor(
    private readonly store: ObjectStore,
    private readonly table: string,
    private readonly shared?: ManifestCache,
  ) {}

  async manifests(snapshot: Snapshot): Promise<ManifestFile[]> {
    const path = snapshot['manifest-list'];
    const hit = this.cache.get(path) as ManifestFile[] | undefined;
    if (hit) return hit;
    const read = () => this.decode(path, 'manifest list', (bytes) => sharedDecode(bytes, path, (b) => decodeManifestList(b, path)));
    const list = this.shared ? await this.shared.list(snapshot, read) : (await read()).value;
    this.remember(path, list);
    return list;
  }

  async entries(m: TableMetadata, manifest: ManifestFile): Promise<ManifestEntry[]> {
    const path = manifest.manifestPath;
    const hit = this.cache.get(path) as ManifestEntry[] | undefined;
    if (hit) return hit;
    const spec = m['partition-specs'].find((s) => s['spec-id'] === manifest.partitionSpecId);
    const inherits = JSON.stringify([manifest.sequenceNumber, String(manifest.addedSnapshotId), manifest.partitionSpecId, spec]);
    const read = () => this.decode(path, 'manifest', (bytes) => sharedDecode(bytes, `${path}\0${inherits}`, (b) => decodeManifest(b, path, manifest, spec)));
    const entries = this.shared ? await this.shared.manifest(manifest, spec, read) : (await read()).value;
    this.remember(path, entries);
    return entries;
  }

  /**
   * Live (ADDED or EXISTING) data-file entries of a snapshot, each data file carrying the delete
   * files that apply to it (merge-on-read), so whoever reads it through the engine applies them.
   */
  async liveEntries(m: TableMetadata, snapshot: Snapshot): Promise<ManifestEntry[]> {
    const manifests = await this.manifests(snapshot);
    const lists = await Promise.all(manifests.map(async (mf) => (await this.entries(m, mf)).filter((e) => e.status !== 2)));
    const data = lists.filter((_, i) => manifests[i]!.content === 0).flat().filter((e) => e.dataFile.content === 0);
    const deletes = new DeleteIndex(m, lists.filter((_, i) => manifests[i]!.content !== 0).flat());
    return deletes.empty ? data : data.map((e) => ({ ...e, dataFile: deletes.apply(e) }));
  }

  /** The decoded file, and its size in bytes (what the shared cache counts). */
  private async decode<T>(uri: string, kind: string, decode: (bytes: Uint8Array) => T): Promise<{ value: T; bytes: number }> {
    try {
      const bytes = u8(await this.store.get(this.store.keyOf(uri)));
      return { value: decode(bytes), bytes: bytes.length };
    } catch (e) {
      throw damagedFile(this.table, kind, uri, e, ROLL_BACK);
    }
  }

  private remember(path: string, value: ManifestFile[] | ManifestEntry[]): void {
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(path, value);
  }
}

/** What to do about a missing or damaged file that some snapshots reference. */
export const ROLL_BACK = 'restore the file, or roll the table back to a snapshot that does not reference it (`silt table rollback`)';

/**
 * A file of a table's metadata tree that is gone or does not parse: not the user's input and not
 * a bug, but a fault of the files under Silt, named with its table.
 */
export function damagedFile(table: string, kind: string, uri: string, e: unknown, todo: string): unknown {
  if (e instanceof NotFound) return new EnvironmentFault(`table ${table}: its ${kind} ${uri} is missing; ${todo}`, { cause: e });
  if (e instanceof OutsideStore) {
    return new EnvironmentFault(
      `table ${table}: its ${kind} ${uri} is outside this project's storage (${e.root}); a project moved or copied to another folder ` +
        "cannot read its tables, which record their files' full paths: move the project back",
      { cause: e },
    );
  }
  if (e instanceof InvalidInput || e instanceof SyntaxError) {
    return new EnvironmentFault(`table ${table}: its ${kind} ${uri} is damaged (${e.message.split('\n')[0]}); ${todo}`, { cause: e });
  }
  return e;
}
