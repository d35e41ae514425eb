import type { Catalog, TableIdent } from '../catalog/index.js';
import { referencedFiles } from '../table/index.js';

export interface VacuumOptions {
  /** Keep unreferenced files younger than this (default 0: files of live writers are kept regardless). */
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
 * write left behind. Files a live writer may still commit are kept (see ActiveWrites).
 */
export async function vacuum(catalog: Catalog, opts: VacuumOptions = {}): Promise<VacuumResult> {
  const store = catalog.store;
  const tables = opts.tables ?? (await catalog.listTables());
  const result: VacuumResult = { tables: 0, filesRemoved: 0, bytesRemoved: 0, removed: [] };
  const cutoff = Date.now() - (opts.olderThanMs ?? 0);
  for (const ident of tables) {
    // Live writers first, metadata second: a writer that finishes in between has committed by the
    // time the metadata is read, so its files are referenced.
    const liveStart = await catalog.activeWrites.oldestLiveStart(ident.namespace, ident.name);
    const table = await catalog.loadTable(ident.namespace, ident.name);
    const keep = await referencedFiles(store, table.metadata, table.metadataLocation, table.name);
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
  return result;
}
