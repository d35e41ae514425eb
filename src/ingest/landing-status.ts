import type { Catalog } from '../catalog/index.js';
import { didYouMean } from '../config/index.js';
import type { ObjectStore } from '../storage/index.js';
import { committedFiles } from './bronze-ledger.js';
import { fingerprint, listLanding, temporaryName, type LandingFile } from './landing-files.js';
import { declinedBy } from './source-claims.js';
import { bronzeTables, landingPrefix, type SourceConfig } from './source-config.js';

const LANDING = 'landing/';

export interface LandingEntry {
  /** The source whose path holds the file; '' when no source's does. */
  source: string;
  /** Store key of the file. */
  path: string;
  size: number;
  /**
   * `done`: its content is in bronze; `pending`: the next ingest takes it; `incomplete`: still
   * being written; `unclaimed`: no source takes it; `ignored`: a hidden name (`.x`, `_x`).
   */
  status: 'pending' | 'done' | 'incomplete' | 'unclaimed' | 'ignored';
  /** Why a file is not taken (yet), and what to do. */
  reason?: string;
}

/**
 * What the landing zone holds, per source, then the files no source claims. Read-only: a file
 * counts as done when the ledger or the bronze table's own snapshot summaries hold its
 * fingerprint (the same test ingest applies).
 */
export async function landingStatus(catalog: Catalog, sources: Record<string, SourceConfig>): Promise<LandingEntry[]> {
  const out: LandingEntry[] = [];
  for (const [name, source] of Object.entries(sources)) {
    const ledger = await catalog.ingestedFiles.list(name);
    const done = new Set(ledger.map((f) => f.fingerprint));
    const { namespace, table } = bronzeTables(name, source);
    if (await catalog.tableExists(namespace, table)) {
      for (const f of committedFiles((await catalog.loadTable(namespace, table)).metadata, name)) done.add(f.fingerprint);
    }
    const byKey = new Map(ledger.map((f) => [f.path, f]));
    for (const file of await listLanding(catalog.store, landingPrefix(name, source))) {
      if (declinedBy(name, source, file.key)) continue;
      let status: LandingEntry['status'] = 'incomplete';
      if (file.state === 'ready') {
        const seen = byKey.get(file.key);
        const unchanged = seen !== undefined && seen.size === file.size && file.modifiedMs <= seen.ingestedMs;
        status = unchanged || done.has(await fingerprint(catalog.store, file.key)) ? 'done' : 'pending';
      }
      const reason = status !== 'incomplete' ? undefined : temporaryName(file.key) ? TEMPORARY : SETTLING;
      out.push({ source: name, path: file.key, size: file.size, status, ...(reason ? { reason } : {}) });
    }
  }
  for (const { file, reason, source } of await unclaimedLanding(catalog.store, sources)) {
    out.push({ source: source ?? '', path: file.key, size: file.size, status: 'unclaimed', reason });
  }
  for (const o of await catalog.store.list(LANDING)) {
    if (o.key.slice(LANDING.length).split('/').some((p) => p.startsWith('.') || p.startsWith('_'))) {
      out.push({ source: '', path: o.key, size: o.size, status: 'ignored', reason: HIDDEN });
    }
  }
  return out;
}

const TEMPORARY = 'named as a file still being copied (.partial, .tmp); rename it once it is complete';
const SETTLING = 'modified in the last seconds; the next ingest takes it once it stops changing';
const HIDDEN = 'a name (or folder) starting with . or _ is hidden, as writers mark files in progress or done (_SUCCESS); rename it to have it ingested';

/**
 * Landing files no source takes, each with the reason: under no source's path (with the nearest
 * source path), or named as another format than the sources under whose path it is read.
 */
export async function unclaimedLanding(
  store: ObjectStore,
  sources: Record<string, SourceConfig>,
): Promise<{ file: LandingFile; reason: string; source?: string }[]> {
  const declared = Object.entries(sources).map(([name, source]) => ({ name, source, prefix: landingPrefix(name, source) }));
  const paths = declared.map((d) => d.prefix.slice(LANDING.length));
  const out: { file: LandingFile; reason: string; source?: string }[] = [];
  for (const file of await listLanding(store, LANDING)) {
    const under = declared.filter((d) => file.key.startsWith(d.prefix));
    if (under.length > 0) {
      const reasons = under.map((d) => declinedBy(d.name, d.source, file.key));
      if (reasons.every((r) => r !== undefined)) out.push({ file, reason: reasons[0]!, source: under[0]!.name });
      continue;
    }
    const rel = file.key.slice(LANDING.length);
    const folder = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/') + 1) : '';
    const hint = folder ? didYouMean(folder, paths) : undefined;
    const where = folder ? `no source reads ${LANDING}${folder}` : `no source reads files at the top of ${LANDING}`;
    const fix = hint ? `did you mean ${LANDING}${hint}? Move it there` : `move it under a source's path (${paths.join(', ') || 'none declared'}) or add a source for it in silt.yaml`;
    out.push({ file, reason: `${where}; ${fix}` });
  }
  return out;
}
