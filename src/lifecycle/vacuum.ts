import { purgeFolder, type Catalog, type TableIdent } from '../catalog/index.js';
import { referencedFiles, versionHintUri } from '../table/index.js';

/**
 * Unreferenced files younger than this stay (1 day): a writer Silt does not track, such as a REST
 * client between writing its files and committing them, may still reference them.
 */
export const VACUUM_GRACE_MS = 24 * 3600 * 1000;

export interface VacuumOptions {
  /** Keep unreferenced files younger than this (default VACUUM_GRACE_MS; files of Silt's live writers are kept regardless). */
  olderThanMs?: number;
  dryRun?: boolean;
  tables?: TableIdent[];
}

export interface VacuumResult {
  tables: number;
  filesRemoved: number;
  bytesRemoved: number;
  removed: string[];
}

/**
 * Removes files under each table's location that no metadata references: what a crashed or failed
 * write left behind, and what an ingest task staged for a run that ended without committing it. Files a live writer may still commit are kept (see ActiveWrites). Without a
 * list of tables, also removes the folders of dropped tables whose files a purge left, and of
 * tables a killed create never registered (both marked as such; see pending-folders.ts).
 */
export async function vacuum(catalog: Catalog, opts: VacuumOptions = {}): Promise<VacuumResult> {
  const store = catalog.store;
  const tables = opts.tables ?? (await catalog.listTables());
  const result: VacuumResult = { tables: 0, filesRemoved: 0, bytesRemoved: 0, removed: [] };
  const cutoff = Date.now() - (opts.olderThanMs ?? VACUUM_GRACE_MS);
  // Ingest tasks' staged files whose run ended will never be committed: forget them, so their
  // files, referenced by nothing, go below like any a crashed write left.
  if (!opts.dryRun) await catalog.stagedIngest.sweep();
  for (const ident of tables) {
    // Live writers first, metadata second: a writer that finishes in between has committed by the
    // time the metadata is read, so its files are referenced.
    const liveStart = await catalog.activeWrites.oldestLiveStart(ident.namespace, ident.name);
    const table = await catalog.loadTable(ident.namespace, ident.name);
    const keep = await referencedFiles(store, table.metadata, table.metadataLocation, table.name);
    // No metadata names the version hint, yet it is the table's: it follows the catalog's pointer.
    keep.add(store.uri(store.keyOf(versionHintUri(table.metadata.location))));
    const limit = Math.min(cutoff, liveStart ?? Infinity);
    result.tables++;
    for (const obj of await store.list(store.keyOf(table.metadata.location) + '/', { leftovers: true })) {
      if (keep.has(store.uri(obj.key)) || obj.modifiedMs >= limit) continue;
      if (!opts.dryRun) await store.delete(obj.key);
      result.filesRemoved++;
      result.bytesRemoved += obj.size;
      result.removed.push(obj.key);
    }
  }
  if (!opts.tables) await vacuumAbandoned(catalog, cutoff, opts.dryRun ?? false, result);
  return result;
}

async function vacuumAbandoned(catalog: Catalog, cutoff: number, dryRun: boolean, result: VacuumResult): Promise<void> {
  const store = catalog.store;
  for (const folder of await catalog.abandonedFolders()) {
    const files = await store.list(folder + '/');
    if (files.some((f) => f.modifiedMs >= cutoff)) continue;
    const gone = dryRun ? { files: files.length, bytes: files.reduce((n, f) => n + f.size, 0), keys: files.map((f) => f.key) } : await purgeFolder(store, folder);
    result.filesRemoved += gone.files;
    result.bytesRemoved += gone.bytes;
    result.removed.push(...gone.keys);
  }
}
