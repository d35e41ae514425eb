/**
 * The three layers of the lakehouse. A ROLE (bronze, silver, gold) is what the pipeline does with a
 * table: rows as they landed, contracts' typed rows, models' results. A NAMESPACE is what the
 * catalog and SQL call the layer: by default the role's own name, or what `layers:` in silt.yaml
 * says (`layers: { bronze: raw, silver: processed, gold: curated }`).
 */
export const LAYER_ROLES = ['bronze', 'silver', 'gold'] as const;
export type LayerRole = (typeof LAYER_ROLES)[number];

/** Namespaces Silt keeps for itself: the audit table's, Trino steps' staging, and DuckDB's own schemas. */
export const RESERVED_NAMESPACES = ['system', 'silt_staging', 'main', 'information_schema', 'pg_catalog', 'temp'] as const;

/** A namespace that is not its role's own name records the role in this namespace property (so a later rename is seen). */
export const LAYER_PROPERTY = 'silt.layer';

export interface Layers {
  readonly bronze: string;
  readonly silver: string;
  readonly gold: string;
  /** The role a namespace plays, or undefined for any other namespace. */
  roleOf(namespace: string): LayerRole | undefined;
  /** `ns.table` of a table in the role's layer. */
  table(role: LayerRole, name: string): string;
}

export function layersOf(names: { readonly [R in LayerRole]?: string | undefined } = {}): Layers {
  const ns = { bronze: names.bronze ?? 'bronze', silver: names.silver ?? 'silver', gold: names.gold ?? 'gold' };
  return Object.freeze({
    ...ns,
    roleOf: (namespace: string) => LAYER_ROLES.find((r) => ns[r] === namespace.toLowerCase()),
    table: (role: LayerRole, name: string) => `${ns[role]}.${name}`,
  });
}

export const DEFAULT_LAYERS: Layers = layersOf();

/** What is wrong with declared `layers:` (the key and why), or undefined: names must be distinct and none Silt's own. */
export function layersProblem(names: { readonly [R in LayerRole]?: string | undefined }): { key: LayerRole; problem: string } | undefined {
  const layers = layersOf(names);
  for (const role of LAYER_ROLES) {
    const name = layers[role];
    if ((RESERVED_NAMESPACES as readonly string[]).includes(name)) {
      return { key: role, problem: `${name} is a namespace Silt keeps for itself (${RESERVED_NAMESPACES.join(', ')}); choose another name` };
    }
    const earlier = LAYER_ROLES.slice(0, LAYER_ROLES.indexOf(role)).find((r) => layers[r] === name);
    if (earlier) {
      // Name the key silt.yaml wrote: `silver: gold` clashes with gold's default, and it is silver's to change.
      const [key, other] = names[role] ? [role, earlier] : [earlier, role];
      return { key, problem: `${name} is already the ${other} layer's namespace${names[other] ? '' : ' (its default)'}; each layer needs its own` };
    }
  }
  return undefined;
}
