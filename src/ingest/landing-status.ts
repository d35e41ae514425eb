import type { Catalog, IngestedFile } from '../catalog/index.js';
import { committedFiles, rejectedWholeFiles } from './bronze-ledger.js';
import { fingerprint, listLanding, temporaryName, type LandingFile } from './landing-files.js';
import { bronzeTables, landingPrefix, type SourceConfig } from './source-config.js';

export interface LandingEntry {
  source: string;
  /** Store key of the file. */
  path: string;
  size: number;
  /** `done`: its content is in bronze; `pending`: the next ingest takes it; `incomplete`: still being written. */
  status: 'pending' | 'done' | 'incomplete';
  /**
   * What happened to it, in a sentence: ingested (rows, rejects), rejected whole and why, the same
   * content as another file, changed since it was ingested, or why it waits.
   */
  detail: string;
}

/**
 * What the landing zone holds, per source. Read-only: a file counts as done when the ledger or the
 * bronze table's own snapshot summaries hold its fingerprint (the same test ingest applies).
 */
export async function landingStatus(catalog: Catalog, sources: Record<string, SourceConfig>): Promise<LandingEntry[]> {
  const out: LandingEntry[] = [];
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
    const rejectsTable = `${namespace}.${rejects}`;
    for (const file of await listLanding(catalog.store, landingPrefix(name, source))) {
      const seen = byKey.get(file.key);
      const entry = (status: LandingEntry['status'], detail: string) => out.push({ source: name, path: file.key, size: file.size, status, detail });
      if (file.state === 'incomplete') {
        entry('incomplete', temporaryName(file.key) ? 'a temporary name (.partial/.tmp): taken once renamed' : 'modified in the last seconds: taken once it has settled');
        continue;
      }
      const unchanged = seen !== undefined && seen.size === file.size && file.modifiedMs <= seen.ingestedMs;
      const done = unchanged ? seen : byFingerprint.get(await fingerprint(catalog.store, file.key));
      if (done) entry('done', doneDetail(file, done, whole.get(done.fingerprint), rejectsTable));
      else if (seen) entry('pending', `changed since it was ${outcome(seen, whole.get(seen.fingerprint), rejectsTable)}; the next ingest takes the new content`);
      else entry('pending', 'new: the next ingest takes it');
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

function on(f: IngestedFile): string {
  return `on ${new Date(f.ingestedMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
