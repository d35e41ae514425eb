import os from 'node:os';
import type { ObjectStore } from '../storage/index.js';
import { parseMetadata, type MetadataPointer, type TableMetadata } from '../table/index.js';
import { processAlive } from './active-writes.js';

/**
 * A marker object in a table folder that no catalog entry owns: one being filled before it is
 * registered (`staged`), or one whose table was dropped and whose files are being removed
 * (`dropped`). A marker left behind (the process was killed, a delete failed) tells vacuum and
 * the next create of that name the folder is Silt's to remove; a folder without one (say, after
 * the catalog itself was lost) is never touched.
 */
export const PENDING_MARKER = '.silt-pending';

export interface PendingMarker {
  state: 'staged' | 'dropped';
  table: string;
  host: string;
  pid: number;
  startedMs: number;
}

export function markerKey(folder: string): string {
  return `${folder}/${PENDING_MARKER}`;
}

/** Writes the marker; with `ifAbsent`, false when the folder is already someone's. */
export function putMarker(store: ObjectStore, folder: string, state: PendingMarker['state'], table: string, opts: { ifAbsent?: boolean } = {}): Promise<boolean> {
  const marker: PendingMarker = { state, table, host: os.hostname(), pid: process.pid, startedMs: Date.now() };
  return store.put(markerKey(folder), JSON.stringify(marker), opts);
}

/** Whether the folder's marker says it is abandoned: dropped, or staged by a process that is gone. */
export async function abandoned(store: ObjectStore, folder: string): Promise<boolean> {
  let marker: PendingMarker;
  try {
    marker = JSON.parse((await store.get(markerKey(folder))).toString('utf8')) as PendingMarker;
  } catch {
    return false;
  }
  return marker.state === 'dropped' || !processAlive(marker.host, marker.pid, marker.startedMs);
}

/** Deletes every file of a folder, its marker last (so a failure half-way leaves it marked). */
export async function purgeFolder(store: ObjectStore, folder: string): Promise<{ files: number; bytes: number; keys: string[] }> {
  const objects = await store.list(folder + '/');
  const marker = markerKey(folder);
  const ordered = [...objects.filter((o) => o.key !== marker), ...objects.filter((o) => o.key === marker)];
  for (const o of ordered) await store.delete(o.key);
  return { files: ordered.length, bytes: ordered.reduce((n, o) => n + o.size, 0), keys: ordered.map((o) => o.key) };
}

/** The folders under `root` that hold a marker, whatever their depth. */
export async function markedFolders(store: ObjectStore, root: string): Promise<string[]> {
  const suffix = '/' + PENDING_MARKER;
  return (await store.list(root + '/')).filter((o) => o.key.endsWith(suffix)).map((o) => o.key.slice(0, -suffix.length));
}

/**
 * The metadata pointer of a table not registered yet: held in memory, so the table's first
 * commits (schema, data) are real Iceberg commits that no reader can see until the catalog
 * registers the last one.
 */
export class StagedPointer implements MetadataPointer {
  constructor(
    readonly name: string,
    private readonly store: ObjectStore,
    private location: string,
  ) {}

  get metadataLocation(): string {
    return this.location;
  }

  async load(): Promise<{ metadataLocation: string; metadata: TableMetadata }> {
    const text = (await this.store.get(this.store.keyOf(this.location))).toString('utf8');
    return { metadataLocation: this.location, metadata: parseMetadata(text) };
  }

  async swap(expected: string, next: string): Promise<boolean> {
    if (expected !== this.location) return false;
    this.location = next;
    return true;
  }
}
