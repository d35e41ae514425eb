import type { ObjectInfo, ObjectStore } from '../storage/index.js';

/** A file modified more recently than this is taken to be still being written. */
export const SETTLE_MS = 2000;

export interface LandingFile {
  /** Store key, e.g. `landing/orders/orders_0042.csv`. */
  key: string;
  size: number;
  modifiedMs: number;
  /**
   * `ready` to ingest, or `incomplete`: a `.partial`/`.tmp` file or one modified in the last 2 s
   * that the server's watcher has not vouched for (seen unchanged through its settle window).
   */
  state: 'ready' | 'incomplete';
}

/**
 * The files under a landing prefix, sorted by key. Hidden files and folders (`.x`, and `_x` as
 * Hadoop/Spark write `_SUCCESS` and `_temporary/`) are left out altogether.
 */
export async function listLanding(store: ObjectStore, prefix: string, nowMs = Date.now(), vouched: Vouched = NONE): Promise<LandingFile[]> {
  return landingFilesOf(await store.list(prefix), prefix, nowMs, vouched);
}

/**
 * Files the server's watcher saw complete (unchanged through its settle window), by key, as they
 * were then: the same size and modification time now means the same complete file.
 */
export type Vouched = ReadonlyMap<string, { size: number; modifiedMs: number }>;

const NONE: Vouched = new Map();

export function vouchedFiles(files: readonly { path: string; size: number; modifiedMs: number }[]): Vouched {
  return new Map(files.map((f) => [f.path, { size: f.size, modifiedMs: f.modifiedMs }]));
}

/** listLanding over a listing already made (of `prefix` or of a folder above it). */
export function landingFilesOf(listed: readonly ObjectInfo[], prefix: string, nowMs = Date.now(), vouched: Vouched = NONE): LandingFile[] {
  const out: LandingFile[] = [];
  for (const o of listed) {
    if (!o.key.startsWith(prefix)) continue;
    const parts = o.key.slice(prefix.length).split('/');
    if (parts.some((p) => p.startsWith('.') || p.startsWith('_'))) continue;
    const seen = vouched.get(o.key);
    const young = nowMs - o.modifiedMs < SETTLE_MS && !(seen && seen.size === o.size && seen.modifiedMs === o.modifiedMs);
    const writing = temporaryName(o.key) || young;
    out.push({ key: o.key, size: o.size, modifiedMs: o.modifiedMs, state: writing ? 'incomplete' : 'ready' });
  }
  return out;
}

/** `x.partial`, `x.tmp`: names writers use until a file is complete. */
export function temporaryName(key: string): boolean {
  const base = key.toLowerCase();
  return base.endsWith('.partial') || base.endsWith('.tmp');
}

/**
 * The landing files, after waiting (at most SETTLE_MS) for files modified just now to settle: a
 * copy that has finished is then ready, one still being written is seen modified again. With
 * `wait: false` young files are left incomplete at once (a run the watcher asked for: it asks
 * again for them once they settle). Files `vouched` for are ready, however young.
 */
export async function settledLanding(store: ObjectStore, prefix: string, opts: { vouched?: Vouched; wait?: boolean } = {}): Promise<LandingFile[]> {
  const first = await listLanding(store, prefix, Date.now(), opts.vouched);
  const young = first.filter((f) => f.state === 'incomplete' && !temporaryName(f.key));
  if (young.length === 0 || opts.wait === false) return first;
  const newest = Math.max(...young.map((f) => f.modifiedMs));
  const wait = Math.min(SETTLE_MS, SETTLE_MS - (Date.now() - newest)) + 50;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
  return listLanding(store, prefix, Date.now(), opts.vouched);
}

/**
 * Which of the files listed before a read differ now in size or modification time, or are gone: a
 * copy still in progress (or a file replaced) under the read. One listing of the prefix.
 */
export async function changedSinceListed(
  store: ObjectStore,
  prefix: string,
  files: readonly { key: string; size: number; modifiedMs: number }[],
): Promise<Set<string>> {
  const now = new Map((await store.list(prefix)).map((o) => [o.key, o]));
  return new Set(files.filter((f) => now.get(f.key)?.size !== f.size || now.get(f.key)?.modifiedMs !== f.modifiedMs).map((f) => f.key));
}

/** sha256 of the file's bytes, hex, streamed by the store. */
export function fingerprint(store: ObjectStore, key: string): Promise<string> {
  return store.sha256(key);
}
