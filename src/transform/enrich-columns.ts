import type { EnrichSpec } from './contract-shape.js';

export interface EnrichColumn {
  /** Column in the looked-up table. */
  readonly source: string;
  /** Column name in silver. */
  readonly as: string;
}

const ITEM = /^\s*(\S+)(?:\s+as\s+(\S+))?\s*$/i;

/** `segment` or `country AS customer_country`; undefined when the item is neither. */
export function parseEnrichColumn(item: string): EnrichColumn | undefined {
  const m = ITEM.exec(item);
  if (!m) return undefined;
  return { source: m[1]!, as: m[2] ?? m[1]! };
}

export function enrichColumns(spec: EnrichSpec): EnrichColumn[] {
  return spec.columns.flatMap((item) => {
    const c = parseEnrichColumn(item);
    return c ? [c] : [];
  });
}
