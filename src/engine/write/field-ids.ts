/** Iceberg field ids on Parquet columns: the COPY `FIELD_IDS` option and the stats-path index. */
import type { IcebergType, PrimitiveType, Schema } from '../../table/index.js';
import { quoteIdent } from '../core/index.js';

/** `FIELD_IDS {…}` value for a schema, nested ids included (list → element, map → key/value). */
export function fieldIdsOption(schema: Schema): string {
  return `{${schema.fields.map((f) => `${quoteIdent(f.name)}: ${typeIds(f.id, f.type)}`).join(', ')}}`;
}

function typeIds(id: number, type: IcebergType): string {
  if (typeof type === 'string') return String(id);
  const head = `__duckdb_field_id: ${id}`;
  switch (type.type) {
    case 'struct':
      return `{${[head, ...type.fields.map((f) => `${quoteIdent(f.name)}: ${typeIds(f.id, f.type)}`)].join(', ')}}`;
    case 'list':
      return `{${head}, element: ${typeIds(type['element-id'], type.element)}}`;
    case 'map':
      return `{${head}, key: ${typeIds(type['key-id'], type.key)}, value: ${typeIds(type['value-id'], type.value)}}`;
  }
}

export interface LeafColumn {
  fieldId: number;
  type: PrimitiveType;
  /** Under a list or map: counts are kept, bounds are not (no predicate can use them). */
  repeated: boolean;
}

/**
 * Leaf columns keyed the way DuckDB's RETURN_STATS names them: quoted path parts joined by dots,
 * e.g. `"s"."x"`, `"l"."element"`, `"m"."key"`.
 */
export function leafColumns(schema: Schema): Map<string, LeafColumn> {
  const out = new Map<string, LeafColumn>();
  const visit = (path: string, id: number, type: IcebergType, repeated: boolean): void => {
    if (typeof type === 'string') {
      out.set(path, { fieldId: id, type, repeated });
      return;
    }
    switch (type.type) {
      case 'struct':
        for (const f of type.fields) visit(`${path}.${quoteIdent(f.name)}`, f.id, f.type, repeated);
        return;
      case 'list':
        visit(`${path}."element"`, type['element-id'], type.element, true);
        return;
      case 'map':
        visit(`${path}."key"`, type['key-id'], type.key, true);
        visit(`${path}."value"`, type['value-id'], type.value, true);
        return;
    }
  };
  for (const f of schema.fields) visit(quoteIdent(f.name), f.id, f.type, false);
  return out;
}
