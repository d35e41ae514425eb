import type { Catalog, TableIdent } from '../catalog/index.js';

export interface ManifestRewriteResult {
  table: string;
  /** Manifests replaced (0: nothing to rewrite). */
  replaced: number;
  created: number;
  kept: number;
}

/** Rewrites each table's small manifests into few (one `replace` commit per table that has them). */
export async function rewriteManifests(catalog: Catalog, opts: { tables?: readonly TableIdent[]; dryRun?: boolean } = {}): Promise<ManifestRewriteResult[]> {
  const out: ManifestRewriteResult[] = [];
  for (const ident of opts.tables ?? (await catalog.listTables())) {
    const table = await catalog.loadTable(ident.namespace, ident.name);
    const r = await table.rewriteManifests({ dryRun: opts.dryRun ?? false });
    out.push({ table: `${ident.namespace}.${ident.name}`, replaced: r?.replaced ?? 0, created: r?.created ?? 0, kept: r?.kept ?? 0 });
  }
  return out;
}
