import type { Catalog, IngestedFile } from '../catalog/index.js';
import { parseDuration, PROJECT_FILE } from '../config/index.js';
import { archiveFolder } from './archive-config.js';
import { fingerprint, landingFilesOf, type LandingFile } from './landing-files.js';
import { takes } from './source-claims.js';
import { landingPrefix, type SourceConfig } from './source-config.js';

const LANDING = 'landing/';

export interface ArchivePolicy {
  /** Store prefix, ending in '/'. */
  prefix: string;
  afterMs: number;
}

/** The source's archive policy, if it has one. */
export function archivePolicy(name: string, source: SourceConfig): ArchivePolicy | undefined {
  const a = source.archive;
  if (a === undefined || a === false) return undefined;
  const prefix = archiveFolder(a.prefix ?? 'archive/');
  const after = a.after ?? 0;
  return { prefix, afterMs: after === 0 ? 0 : parseDuration(after, `${PROJECT_FILE} sources.${name}.archive.after`) };
}

/** Where a landing file goes: its path under landing/ kept under the archive prefix. */
export function archiveKey(policy: ArchivePolicy, landingKey: string): string {
  return policy.prefix + landingKey.slice(LANDING.length);
}

export interface ArchiveResult {
  moved: { from: string; to: string }[];
  /** Files left in landing this time and why (the next run tries again). */
  warnings: string[];
}

/**
 * Moves the source's landing files that its ingest ledger holds (committed to bronze, or rejected
 * whole, or the same content as such a file) and that were ingested at least `afterMs` ago, to the
 * archive: copy, check the copy's content is the ingested content, then delete. A crash between
 * copy and delete leaves the file in landing, still known to the ledger, and the next run copies
 * it again (the same bytes) and deletes it. The ledger keeps the files, so a copy put back in
 * landing is a duplicate, not ingested again. A file that fails to move stays, with a warning.
 */
export async function archiveLanding(
  catalog: Catalog,
  name: string,
  source: SourceConfig,
  opts: { nowMs?: number; afterCopy?: (key: string) => void | Promise<void> } = {},
): Promise<ArchiveResult> {
  const out: ArchiveResult = { moved: [], warnings: [] };
  const policy = archivePolicy(name, source);
  if (!policy) return out;
  const store = catalog.store;
  const nowMs = opts.nowMs ?? Date.now();
  const prefix = landingPrefix(name, source);
  const files = landingFilesOf(await store.list(prefix), prefix, nowMs).filter((f) => f.state === 'ready' && takes(name, source, f.key));
  if (files.length === 0) return out;
  const ledger = await catalog.ingestedFiles.list(name);
  const byKey = new Map(ledger.map((f) => [f.path, f]));
  const byFingerprint = new Map(ledger.map((f) => [f.fingerprint, f]));
  for (const file of files) {
    try {
      const done = await ingestedAs(catalog, file, byKey, byFingerprint);
      if (!done || nowMs - Math.max(done.ingestedMs, file.modifiedMs) < policy.afterMs) continue;
      const to = archiveKey(policy, file.key);
      await store.putStream(to, await store.stream(file.key));
      if ((await store.sha256(to)) !== done.fingerprint) {
        out.warnings.push(`${file.key}: changed since it was ingested; left in landing for the next ingest (${to} holds the changed copy until then)`);
        continue;
      }
      await opts.afterCopy?.(file.key);
      await store.delete(file.key);
      out.moved.push({ from: file.key, to });
    } catch (e) {
      out.warnings.push(`${file.key}: not archived (${e instanceof Error ? e.message : String(e)}); the next run tries again`);
    }
  }
  return out;
}

/** The ledger entry whose content the landing file holds, if any (the test ingest applies). */
async function ingestedAs(catalog: Catalog, file: LandingFile, byKey: ReadonlyMap<string, IngestedFile>, byFingerprint: ReadonlyMap<string, IngestedFile>): Promise<IngestedFile | undefined> {
  const seen = byKey.get(file.key);
  if (seen && seen.size === file.size && file.modifiedMs <= seen.ingestedMs) return seen;
  return byFingerprint.get(await fingerprint(catalog.store, file.key));
}
