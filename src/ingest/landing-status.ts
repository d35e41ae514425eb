import type { Catalog } from '../catalog/index.js';
import { committedFiles } from './bronze-ledger.js';
import { fingerprint, listLanding } from './landing-files.js';
import { bronzeTables, landingPrefix, type SourceConfig } from './source-config.js';

export interface LandingEntry {
  source: string;
  /** Store key of the file. */
  path: string;
  size: number;
  /** `done`: its content is in bronze; `pending`: the next ingest takes it; `incomplete`: still being written. */
  status: 'pending' | 'done' | 'incomplete';
}

/**
 * What the landing zone holds, per source. Read-only: a file counts as done when the ledger or the
 * bronze table's own snapshot summaries hold its fingerprint (the same test ingest applies).
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
      let status: LandingEntry['status'] = 'incomplete';
      if (file.state === 'ready') {
        const seen = byKey.get(file.key);
        const unchanged = seen !== undefined && seen.size === file.size && file.modifiedMs <= seen.ingestedMs;
        status = unchanged || done.has(await fingerprint(catalog.store, file.key)) ? 'done' : 'pending';
      }
      out.push({ source: name, path: file.key, size: file.size, status });
    }
  }
  return out;
}
