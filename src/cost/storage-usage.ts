/**
 * What the store holds, as listed: each object counted once, under a layer (the namespace of the
 * table whose location holds it, `landing`, or `other`), a table (or `-`) and a tier (`archive`
 * under an archive location of the `retention:` section, else `hot`).
 */
import type { ProjectConfig } from '../config/index.js';
import type { ObjectStore } from '../storage/index.js';
import type { TableFacts } from './table-facts.js';

export type Tier = 'hot' | 'archive';

export interface StorageGroup {
  layer: string;
  table: string;
  tier: Tier;
  objects: number;
  bytes: number;
  /** Objects of the group modified at or after the period's start: written (PUT) in it. */
  written: number;
}

export interface StorageUsage {
  groups: StorageGroup[];
  /** Archive prefixes read from the `retention:` section (none: everything is hot). */
  archivePrefixes: string[];
  listed: number;
}

/** Lists the whole store once and sums it by layer, table and tier. */
export async function storageUsage(store: ObjectStore, facts: readonly TableFacts[], config: ProjectConfig, sinceMs: number): Promise<StorageUsage> {
  const tables = facts.map((t) => ({ prefix: `${keyOf(store, t.location).replace(/\/+$/, '')}/`, layer: t.namespace, table: t.table }));
  // A longer location first: `warehouse/gold/x_2/` is not `warehouse/gold/x/`'s, but a nested one would be.
  tables.sort((a, b) => b.prefix.length - a.prefix.length);
  const archivePrefixes = archiveLocations(config).map((l) => `${keyOf(store, l).replace(/\/+$/, '')}/`);
  const groups = new Map<string, StorageGroup>();
  const objects = await store.list('');
  for (const o of objects) {
    const archive = archivePrefixes.find((p) => o.key.startsWith(p));
    const rest = archive === undefined ? o.key : o.key.slice(archive.length);
    // An archived file keeps the path it had under its table, below the archive prefix.
    const owner = tables.find((t) => rest.startsWith(t.prefix) || (archive !== undefined && rest.includes(`/${t.prefix}`)));
    const layer = owner?.layer ?? (rest.startsWith('landing/') ? 'landing' : 'other');
    const tier: Tier = archive === undefined ? 'hot' : 'archive';
    const id = `${layer}\u0000${owner?.table ?? '-'}\u0000${tier}`;
    const g = groups.get(id) ?? { layer, table: owner?.table ?? '-', tier, objects: 0, bytes: 0, written: 0 };
    g.objects += 1;
    g.bytes += o.size;
    if (o.modifiedMs >= sinceMs) g.written += 1;
    groups.set(id, g);
  }
  const sorted = [...groups.values()].sort((a, b) => cmp(a.layer, b.layer) || cmp(a.table, b.table) || cmp(a.tier, b.tier));
  return { groups: sorted, archivePrefixes, listed: objects.length };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The store key of a location: a URI under the store's root, or a prefix of keys as written (a URI
 * outside the store stays as written and so matches no key).
 */
function keyOf(store: ObjectStore, location: string): string {
  const root = store.uri('');
  return location.startsWith(root) ? location.slice(root.length) : location.replace(/^\.?\/+/, '');
}

/** Every `archive:` location of the `retention:` section, at any depth (per layer or per table). */
function archiveLocations(config: ProjectConfig): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'archive' && typeof x === 'string') found.push(x);
        else walk(x);
      }
    }
  };
  walk((config.raw as Record<string, unknown>)['retention']);
  return [...new Set(found)];
}
