import type { Catalog } from '../catalog/index.js';

/** The part of the catalog freshness needs. */
export type CommitTimesSource = Pick<Catalog, 'listTables' | 'loadTable'>;

export interface TableCommit {
  /** `ns.table`. */
  table: string;
  /** When its current snapshot was committed (epoch ms). */
  lastCommitMs: number;
}

/**
 * Each Iceberg table of the catalog with a current snapshot, and when that snapshot was committed.
 * A table dropped meanwhile, or whose metadata cannot be read now, is left out: `silt check` is
 * where a damaged table is reported, not every scrape.
 */
export async function tableCommitTimes(catalog: CommitTimesSource): Promise<TableCommit[]> {
  const out: TableCommit[] = [];
  for (const ident of await catalog.listTables()) {
    const m = await catalog.loadTable(ident.namespace, ident.name).then((t) => t.metadata, () => undefined);
    if (!m) continue;
    const current = m.snapshots.find((s) => s['snapshot-id'] === m['current-snapshot-id']);
    if (current) out.push({ table: `${ident.namespace}.${ident.name}`, lastCommitMs: current['timestamp-ms'] });
  }
  return out;
}
