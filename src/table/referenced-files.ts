import type { ObjectStore } from '../storage/index.js';
import { ManifestReader } from './table-io.js';
import type { TableMetadata } from './types.js';

/**
 * Every file the table's metadata references, as full URIs spelled as `store.uri()` spells them:
 * the current and logged metadata files, statistics files, and for ALL snapshots their manifest
 * lists, manifests and live data files. Vacuum deletes files under the table location not in
 * this set; a manifest that cannot be read throws, so nothing is deleted on doubt.
 */
export async function referencedFiles(store: ObjectStore, m: TableMetadata, metadataLocation: string, table = 'the table'): Promise<Set<string>> {
  const out = new Set<string>();
  const add = (uri: string): void => {
    try {
      out.add(store.uri(store.keyOf(uri)));
    } catch {
      out.add(uri); // outside this store: keep it as written
    }
  };
  add(metadataLocation);
  for (const e of m['metadata-log']) add(e['metadata-file']);
  const extra = m as unknown as Record<string, unknown>;
  for (const key of ['statistics', 'partition-statistics']) {
    const list = extra[key];
    if (Array.isArray(list)) for (const s of list) if (typeof s?.['statistics-path'] === 'string') add(s['statistics-path']);
  }
  const reader = new ManifestReader(store, table);
  for (const snapshot of m.snapshots) {
    add(snapshot['manifest-list']);
    for (const mf of await reader.manifests(snapshot)) {
      add(mf.manifestPath);
      for (const e of await reader.entries(m, mf)) if (e.status !== 2) add(e.dataFile.filePath);
    }
  }
  return out;
}
