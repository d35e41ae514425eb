import type { Catalog, IngestedFile, LandingRequest } from '../catalog/index.js';
import { didYouMean } from '../config/index.js';
import type { ObjectInfo, ObjectStore } from '../storage/index.js';
import { committedFiles, rejectedWholeFiles } from './bronze-ledger.js';
import { fingerprint, landingFilesOf, temporaryName, vouchedFiles, type LandingFile } from './landing-files.js';
import { declinedBy, skippedBy } from './source-claims.js';
import { archiveKey, archivePolicy } from './landing-archive.js';
import { bronzeTables, landingPrefix, type SourceConfig } from './source-config.js';

const LANDING = 'landing/';

/** What can become of a landing file, in the order `silt landing` counts them. */
export const LANDING_STATUSES = ['pending', 'requested', 'done', 'archived', 'incomplete', 'unclaimed', 'skipped', 'ignored'] as const;

export interface LandingEntry {
  /** The source whose path holds the file; '' when no source's does. */
  source: string;
  /** Store key of the file. */
  path: string;
  size: number;
  /**
   * `done`: its content is in bronze; `archived`: done, and moved by the source's `archive:` policy
   * (`path` is where it was, the detail says where it is); `pending`: the next ingest takes it; `requested`: the
   * server's watcher saw it complete and asked for a run, not yet done; `incomplete`: still being
   * written (or settling); `unclaimed`: no source takes it; `skipped`: its source's include/exclude
   * patterns leave it out (the detail names the pattern); `ignored`: a hidden name (`.x`, `_x`).
   */
  status: (typeof LANDING_STATUSES)[number];
  /**
   * What happened to it, in a sentence: ingested (rows, rejects), rejected whole and why, the same
   * content as another file, changed since it was ingested; or why it waits or is not taken, and
   * what to do.
   */
  detail: string;
}

/**
 * What the landing zone holds, per source, then the files no source claims. Read-only: a file
 * counts as done when the ledger or the bronze table's own snapshot summaries hold its
 * fingerprint (the same test ingest applies).
 */
export async function landingStatus(catalog: Catalog, sources: Record<string, SourceConfig>): Promise<LandingEntry[]> {
  const out: LandingEntry[] = [];
  // One listing of the landing zone serves every source, the unclaimed files and the hidden ones.
  const listed = await catalog.store.list(LANDING);
  const nowMs = Date.now();
  for (const [name, source] of Object.entries(sources)) {
    const { namespace, table, rejects } = bronzeTables(name, source);
    const byFingerprint = new Map<string, IngestedFile>();
    let whole = new Map<string, string>();
    if (await catalog.tableExists(namespace, table)) {
      const metadata = (await catalog.loadTable(namespace, table)).metadata;
      for (const f of committedFiles(metadata, name)) byFingerprint.set(f.fingerprint, f);
      whole = rejectedWholeFiles(metadata, name);
    }
    const ledger = await catalog.ingestedFiles.list(name);
    for (const f of ledger) byFingerprint.set(f.fingerprint, f);
    const byKey = new Map(ledger.map((f) => [f.path, f]));
    const requests = await catalog.landingRequests.list(name);
    const requested = new Map(requests.map((r) => [r.path, r]));
    const rejectsTable = `${namespace}.${rejects}`;
    for (const file of landingFilesOf(listed, landingPrefix(name, source), nowMs, vouchedFiles(requests))) {
      const entry = (status: LandingEntry['status'], detail: string) => out.push({ source: name, path: file.key, size: file.size, status, detail });
      const skipped = skippedBy(name, source, file.key);
      if (skipped !== undefined) {
        entry('skipped', skipped);
        continue;
      }
      if (declinedBy(name, source, file.key)) continue;
      const seen = byKey.get(file.key);
      if (file.state === 'incomplete') {
        entry('incomplete', temporaryName(file.key) ? TEMPORARY : SETTLING);
        continue;
      }
      const unchanged = seen !== undefined && seen.size === file.size && file.modifiedMs <= seen.ingestedMs;
      const done = unchanged ? seen : byFingerprint.get(await fingerprint(catalog.store, file.key));
      const request = requested.get(file.key);
      if (done) entry('done', doneDetail(file, done, whole.get(done.fingerprint), rejectsTable));
      else if (request && request.size === file.size && request.modifiedMs === file.modifiedMs) entry('requested', requestedDetail(request));
      else if (seen) entry('pending', `changed since it was ${outcome(seen, whole.get(seen.fingerprint), rejectsTable)}; the next ingest takes the new content`);
      else entry('pending', 'new: the next ingest takes it');
    }
    const policy = archivePolicy(name, source);
    if (policy) {
      const present = new Set(listed.map((o) => o.key));
      for (const o of await catalog.store.list(archiveKey(policy, landingPrefix(name, source)))) {
        const path = LANDING + o.key.slice(policy.prefix.length);
        const was = byKey.get(path);
        // A file put back in landing is listed there; an object Silt did not move is not its business.
        if (present.has(path) || !was) continue;
        out.push({ source: name, path, size: o.size, status: 'archived', detail: `moved to ${o.key}; ${outcome(was, whole.get(was.fingerprint), rejectsTable)}` });
      }
    }
  }
  for (const { file, reason, source } of await unclaimedLanding(catalog.store, sources, listed)) {
    out.push({ source: source ?? '', path: file.key, size: file.size, status: 'unclaimed', detail: reason });
  }
  for (const o of listed) {
    if (o.key.slice(LANDING.length).split('/').some((p) => p.startsWith('.') || p.startsWith('_'))) {
      out.push({ source: '', path: o.key, size: o.size, status: 'ignored', detail: HIDDEN });
    }
  }
  return out;
}

function doneDetail(file: LandingFile, done: IngestedFile, rejectedWhole: string | undefined, rejectsTable: string): string {
  if (done.path !== '' && done.path !== file.key) return `duplicate of ${done.path} (same content, ${on(done)}): not ingested again`;
  return outcome(done, rejectedWhole, rejectsTable);
}

function outcome(f: IngestedFile, rejectedWhole: string | undefined, rejectsTable: string): string {
  if (rejectedWhole !== undefined) return `rejected whole ${on(f)}: ${rejectedWhole.replace(`${f.path}: `, '')}`;
  const rows = `${f.rows.toLocaleString('en-US')} row${f.rows === 1 ? '' : 's'}`;
  const rejected = f.rejects === 0 ? '' : `, ${f.rejects.toLocaleString('en-US')} rejected (in ${rejectsTable})`;
  return `ingested ${on(f)}: ${rows}${rejected}`;
}

function requestedDetail(r: LandingRequest): string {
  const at = `${new Date(r.requestedMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return r.jobId === null
    ? `complete; the server's watcher asked for a run at ${at} and has no answer yet (it asks again if the server restarts)`
    : `complete; the server's watcher asked for a run at ${at} (job ${r.jobId}), which takes it`;
}

function on(f: IngestedFile): string {
  return `on ${new Date(f.ingestedMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const TEMPORARY = 'named as a file still being copied (.partial, .tmp); rename it once it is complete';
const SETTLING = 'modified in the last seconds; taken once it stops changing, by the next ingest or, under `silt serve`, by the run its watcher asks for';
const HIDDEN = 'a name (or folder) starting with . or _ is hidden, as writers mark files in progress or done (_SUCCESS); rename it to have it ingested';

/**
 * Landing files no source takes, each with the reason: under no source's path (with the nearest
 * source path), or named as another format than the sources under whose path it is read.
 */
export async function unclaimedLanding(
  store: ObjectStore,
  sources: Record<string, SourceConfig>,
  listed?: readonly ObjectInfo[],
): Promise<{ file: LandingFile; reason: string; source?: string }[]> {
  const declared = Object.entries(sources).map(([name, source]) => ({ name, source, prefix: landingPrefix(name, source) }));
  const paths = declared.map((d) => d.prefix.slice(LANDING.length));
  const out: { file: LandingFile; reason: string; source?: string }[] = [];
  for (const file of landingFilesOf(listed ?? (await store.list(LANDING)), LANDING)) {
    const under = declared.filter((d) => file.key.startsWith(d.prefix));
    if (under.length > 0) {
      // A file its source's patterns skip is the user's choice, not a file lost.
      if (under.some((d) => skippedBy(d.name, d.source, file.key) !== undefined)) continue;
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
