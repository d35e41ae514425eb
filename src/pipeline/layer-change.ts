/**
 * A changed `layers:` on a project that has tables. Renaming a layer's namespace would need every
 * table, its history and the runs' bookkeeping moved; neither `silt apply` nor `silt run` does that,
 * and going on would start a second, empty set of tables beside the old ones. So both refuse,
 * naming the tables and what to do.
 */
import type { Catalog } from '../catalog/index.js';
import { InvalidInput } from '../errors.js';
import { LAYER_PROPERTY, LAYER_ROLES, PROJECT_FILE, type LayerRole, type Layers } from '../config/index.js';

export interface FormerLayer {
  role: LayerRole;
  /** The namespace silt.yaml now gives the layer. */
  now: string;
  /** Where the layer's tables are. */
  before: string;
  /** The declared tables found there, `ns.table`. */
  tables: string[];
}

/**
 * Declared tables (`ns.table`) of a layer that exist under a namespace the layer had before: its
 * role's own name, or a namespace recorded as serving it (LAYER_PROPERTY) that silt.yaml gives it no more.
 */
export async function formerLayers(catalog: Catalog, layers: Layers, declared: Iterable<string>): Promise<FormerLayer[]> {
  const current = new Set(LAYER_ROLES.map((r) => layers[r]));
  const candidates = new Map<LayerRole, Set<string>>(LAYER_ROLES.map((r) => [r, new Set([r])]));
  for (const ns of await catalog.listNamespaces()) {
    if (current.has(ns)) continue; // a layer's current namespace is no former one
    const role = (await catalog.namespaceProperties(ns))[LAYER_PROPERTY];
    if (role && candidates.has(role as LayerRole)) candidates.get(role as LayerRole)!.add(ns);
  }
  const found: FormerLayer[] = [];
  for (const role of LAYER_ROLES) {
    const names = [...new Set([...declared].filter((t) => t.startsWith(`${layers[role]}.`)).map((t) => t.slice(layers[role].length + 1)))].sort();
    for (const before of [...candidates.get(role)!].filter((ns) => !current.has(ns)).sort()) {
      if (!(await catalog.namespaceExists(before))) continue;
      const tables: string[] = [];
      for (const name of names) if (await catalog.tableExists(before, name)) tables.push(`${before}.${name}`);
      if (tables.length) found.push({ role, now: layers[role], before, tables });
    }
  }
  return found;
}

/** What to tell the user about one moved layer. */
export function formerLayerText(f: FormerLayer): string {
  const shown = f.tables.slice(0, 3).join(', ') + (f.tables.length > 3 ? ` and ${f.tables.length - 3} more` : '');
  return (
    `${PROJECT_FILE} layers.${f.role} is ${f.now}, but the ${f.role} layer's tables are in ${f.before} (${shown}); ` +
    `renaming a layer's namespace is a migration that neither apply nor run does (going on would start a second, empty set of tables beside them): ` +
    `set layers.${f.role} back to ${f.before} in ${PROJECT_FILE}; a new name suits a new project`
  );
}

/** Refuses a run while a layer's tables are still under the namespace it had. */
export async function refuseFormerLayers(catalog: Catalog, layers: Layers, declared: Iterable<string>, command: string): Promise<void> {
  const [first] = await formerLayers(catalog, layers, declared);
  if (first) throw new InvalidInput(`${command}: ${formerLayerText(first)}`, { code: 'layer_renamed', details: { key: `layers.${first.role}`, table: first.tables[0]! } });
}

/** Records, on each layer namespace not named after its role, which role it serves (so a later rename of it is seen). */
export async function markLayers(catalog: Catalog, layers: Layers): Promise<void> {
  for (const role of LAYER_ROLES) {
    const ns = layers[role];
    if (ns === role) continue;
    if (await catalog.namespaceExists(ns)) {
      if ((await catalog.namespaceProperties(ns))[LAYER_PROPERTY] !== role) await catalog.updateNamespaceProperties(ns, { [LAYER_PROPERTY]: role }, []);
    } else {
      await catalog.createNamespace(ns, { [LAYER_PROPERTY]: role }, { ifNotExists: true });
    }
  }
}
