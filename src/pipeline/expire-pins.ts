import type { Catalog } from '../catalog/index.js';
import { expireSnapshots, type ExpireOptions, type ExpireResult } from '../lifecycle/index.js';
import { summaryState } from '../table/index.js';
import { parseUpstream, UPSTREAM_PROPERTY } from './gold-upstream.js';
import { PROCESSED_SNAPSHOT } from './silver-step.js';

/**
 * Snapshots of any table that another table's bookkeeping names: the source snapshot a silver
 * table has read up to, the upstream snapshots a gold table was built from. The next run reads
 * "what is new since" from them, so expiry keeps them until their reader moves past.
 */
export async function pinnedSnapshots(catalog: Catalog): Promise<Set<bigint>> {
  const out = new Set<bigint>();
  const add = (id: string | undefined) => {
    if (id !== undefined && /^\d+$/.test(id)) out.add(BigInt(id));
  };
  for (const ident of await catalog.listTables()) {
    const m = (await catalog.loadTable(ident.namespace, ident.name)).metadata;
    add(summaryState(m, PROCESSED_SNAPSHOT));
    for (const id of Object.values(parseUpstream(summaryState(m, UPSTREAM_PROPERTY))?.ids ?? {})) add(id);
  }
  return out;
}

/** Expiry as Silt runs it: the pipeline's incremental reads keep the snapshots they start from. */
export async function expireTables(catalog: Catalog, opts: Omit<ExpireOptions, 'pinned'> = {}): Promise<ExpireResult> {
  return expireSnapshots(catalog, { ...opts, pinned: await pinnedSnapshots(catalog) });
}
