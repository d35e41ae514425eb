/** A column of a table (or of a landing prefix, for bronze): where a value comes from. */
export interface ColumnInput {
  /** `ns.table`, or the landing prefix a bronze table reads (`landing/orders/`). */
  table: string;
  column: string;
}

/**
 * `direct`: the value is copied (maybe renamed); `transformation`: computed from its inputs
 * (cast, standardized, masked, looked up, an expression); `aggregation`: computed over many rows
 * (an aggregate or window function).
 */
export type LineageKind = 'direct' | 'transformation' | 'aggregation';

export interface ColumnLineage {
  name: string;
  /** Iceberg type text when known (`long`, `decimal(12, 2)`, `struct`). */
  type?: string;
  inputs: ColumnInput[];
  kind: LineageKind;
  /** What happens on the way, in words (`cast to decimal(12,2)`, `trim`, `mask hash`). */
  how?: string[];
  /** The value is masked PII: the input's value cannot be read back from it. */
  masked?: boolean;
  /** Some of its inputs could not be resolved: its lineage is known only at table level. */
  unresolved?: boolean;
}

/** A view is not a layer of its own making but a catalog view (`CREATE VIEW`, or a REST client's). */
export type Layer = 'landing' | 'bronze' | 'silver' | 'gold' | 'view';

/** One table of the declared lakehouse and where its columns come from. */
export interface TableLineage {
  /** `ns.table`, or a landing prefix `landing/orders/`. */
  table: string;
  layer: Layer;
  /** The run step that writes it (`ingest.orders`, `silver.orders`, `gold.daily_sales`); none for landing. */
  step?: string;
  /** Tables (or landing prefixes) it is built from. */
  inputs: string[];
  /** Its columns; undefined when they cannot be known (lineage is then table-level only). */
  columns: ColumnLineage[] | undefined;
  /** Columns that decide which rows it holds (filters, joins, grouping, keys, rules). */
  rowInputs: ColumnInput[];
  warnings: string[];
}

/** Kinds in order of how far a value is from its inputs. */
const RANK: Record<LineageKind, number> = { direct: 0, transformation: 1, aggregation: 2 };

export function furthest(a: LineageKind, b: LineageKind): LineageKind {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The inputs once each, in first-seen order. */
export function uniqueInputs(inputs: readonly ColumnInput[]): ColumnInput[] {
  const seen = new Set<string>();
  return inputs.filter((i) => {
    const k = `${i.table}\u0000${i.column.toLowerCase()}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
