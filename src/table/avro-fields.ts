/**
 * Reads Avro records by Iceberg field id instead of by name, so files written with other field
 * names (Java before 1.4 wrote `added_data_files_count`) still resolve.
 */

export interface AvroField {
  readonly name: string;
  readonly type: unknown;
  readonly 'field-id'?: number;
}

/** The record schema inside a field type (unwrapping an optional union), if it is one. */
export function recordFields(type: unknown): readonly AvroField[] | undefined {
  if (Array.isArray(type)) {
    for (const branch of type) {
      const r = recordFields(branch);
      if (r) return r;
    }
    return undefined;
  }
  if (typeof type === 'object' && type !== null) {
    const t = type as { type?: unknown; fields?: unknown };
    if (t.type === 'record' && Array.isArray(t.fields)) return t.fields as AvroField[];
    if (typeof t.type === 'object') return recordFields(t.type);
  }
  return undefined;
}

/** The non-null branch of an optional union, or the type itself. */
export function nonNull(type: unknown): unknown {
  if (Array.isArray(type)) return type.find((b) => b !== 'null') ?? 'null';
  return type;
}

export class ById {
  private readonly byId = new Map<number, AvroField>();

  constructor(fields: readonly AvroField[]) {
    for (const f of fields) if (typeof f['field-id'] === 'number') this.byId.set(f['field-id'], f);
  }

  field(id: number): AvroField | undefined {
    return this.byId.get(id);
  }

  /** The value of field `id` in a decoded record; undefined when the file lacks the field. */
  get(record: Record<string, unknown>, id: number, fallbackName?: string): unknown {
    const f = this.byId.get(id);
    const name = f?.name ?? fallbackName;
    if (name === undefined) return undefined;
    const v = record[name];
    return v === null ? undefined : v;
  }
}

/** An int-keyed map, written as an array of {key, value} records (or a string-keyed Avro map). */
export function intKeyed<V>(value: unknown, convert: (v: unknown) => V): Map<number, V> | undefined {
  if (value === undefined || value === null) return undefined;
  const out = new Map<number, V>();
  if (Array.isArray(value)) {
    for (const e of value as { key: unknown; value: unknown }[]) out.set(Number(e.key), convert(e.value));
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out.set(Number(k), convert(v));
  }
  return out.size === 0 ? undefined : out;
}
