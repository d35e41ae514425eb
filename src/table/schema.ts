import { InvalidInput, NotFound } from '../errors.js';
import { normalizePrimitive } from './primitive.js';
import type { IcebergType, NestedField, PrimitiveType, Schema, TableMetadata } from './types.js';

export interface NewField {
  name: string;
  type: IcebergTypeInput;
  required?: boolean;
  doc?: string;
}

export type IcebergTypeInput =
  | PrimitiveType
  | { type: 'struct'; fields: NewField[] }
  | { type: 'list'; element: IcebergTypeInput; elementRequired?: boolean }
  | { type: 'map'; key: IcebergTypeInput; value: IcebergTypeInput; valueRequired?: boolean };

export function currentSchema(m: TableMetadata): Schema {
  return schemaById(m, m['current-schema-id']);
}

/**
 * True when every data file of the table was written with `schema`: the table has never had
 * another schema, so the files' columns carry its names and types, not only its field ids.
 * Names other than plain identifiers are excluded: PyIceberg writes `a b` as `a_x20b` in its files.
 */
export function onlySchema(m: TableMetadata, schema: Schema): boolean {
  return m.schemas.length === 1 && m.schemas[0]!['schema-id'] === schema['schema-id'] && plainNames(schema.fields);
}

function plainNames(fields: readonly NestedField[]): boolean {
  return fields.every((f) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name) && nestedPlain(f.type));
}

function nestedPlain(type: NestedField['type']): boolean {
  if (typeof type === 'string') return true;
  if (type.type === 'struct') return plainNames(type.fields);
  if (type.type === 'list') return nestedPlain(type.element);
  return nestedPlain(type.key) && nestedPlain(type.value);
}

export function schemaById(m: TableMetadata, id: number): Schema {
  const s = m.schemas.find((x) => x['schema-id'] === id);
  if (!s) throw new NotFound(`schema: table at ${m.location} has no schema with id ${id}`);
  return s;
}

/** Builds a schema from fields without ids, assigning ids from `lastColumnId + 1` (nested too). */
export function buildSchema(fields: NewField[], lastColumnId = 0): { schema: Schema; lastColumnId: number } {
  const ids = { next: lastColumnId + 1 };
  const built = assignStruct(fields, ids, '');
  return { schema: { type: 'struct', 'schema-id': 0, fields: built }, lastColumnId: ids.next - 1 };
}

/** Assigns ids to a type given without ids (the same order Java uses: a struct's fields first). */
export function assignType(input: IcebergTypeInput, ids: { next: number }, path: string): IcebergType {
  if (typeof input === 'string') {
    try {
      return normalizePrimitive(input);
    } catch {
      throw new InvalidInput(`schema: column ${path}: unknown type ${JSON.stringify(input)}`);
    }
  }
  switch (input.type) {
    case 'struct':
      return { type: 'struct', fields: assignStruct(input.fields, ids, `${path}.`) };
    case 'list': {
      const elementId = ids.next++;
      return {
        type: 'list', 'element-id': elementId, 'element-required': input.elementRequired ?? false,
        element: assignType(input.element, ids, `${path}.element`),
      };
    }
    case 'map': {
      const keyId = ids.next++;
      const valueId = ids.next++;
      return {
        type: 'map', 'key-id': keyId, key: assignType(input.key, ids, `${path}.key`),
        'value-id': valueId, 'value-required': input.valueRequired ?? false,
        value: assignType(input.value, ids, `${path}.value`),
      };
    }
    default:
      throw new InvalidInput(`schema: column ${path}: unknown type ${JSON.stringify(input)}`);
  }
}

function assignStruct(fields: NewField[], ids: { next: number }, prefix: string): NestedField[] {
  const seen = new Set<string>();
  const withIds = fields.map((f) => {
    if (!f.name) throw new InvalidInput(`schema: a column in ${prefix || 'the table'} has an empty name`);
    const key = f.name.toLowerCase();
    if (seen.has(key)) throw new InvalidInput(`schema: duplicate column ${prefix}${f.name}`);
    seen.add(key);
    return { f, id: ids.next++ };
  });
  return withIds.map(({ f, id }) => ({
    id, name: f.name, required: f.required ?? false,
    type: assignType(f.type, ids, `${prefix}${f.name}`),
    ...(f.doc === undefined ? {} : { doc: f.doc }),
  }));
}

/**
 * Finds a field by name; dots reach into structs (`address.city`). An exact match wins, then a
 * unique case-insensitive one (SQL engines fold case).
 */
export function findField(fields: readonly NestedField[], name: string): NestedField | undefined {
  const direct = matchName(fields, name);
  if (direct) return direct;
  const dot = name.indexOf('.');
  if (dot < 0) return undefined;
  for (let i = dot; i >= 0; i = name.indexOf('.', i + 1)) {
    const parent = matchName(fields, name.slice(0, i));
    if (parent && typeof parent.type === 'object' && parent.type.type === 'struct') {
      const found = findField(parent.type.fields, name.slice(i + 1));
      if (found) return found;
    }
  }
  return undefined;
}

function matchName(fields: readonly NestedField[], name: string): NestedField | undefined {
  const exact = fields.find((f) => f.name === name);
  if (exact) return exact;
  const folded = fields.filter((f) => f.name.toLowerCase() === name.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/** Every field by id, nested fields included; list elements and map keys/values as pseudo-fields. */
export function indexById(schema: Schema): Map<number, { name: string; type: IcebergType }> {
  const out = new Map<number, { name: string; type: IcebergType }>();
  const visit = (type: IcebergType, id: number, name: string): void => {
    out.set(id, { name, type });
    if (typeof type === 'string') return;
    if (type.type === 'struct') for (const f of type.fields) visit(f.type, f.id, `${name}.${f.name}`);
    else if (type.type === 'list') visit(type.element, type['element-id'], `${name}.element`);
    else {
      visit(type.key, type['key-id'], `${name}.key`);
      visit(type.value, type['value-id'], `${name}.value`);
    }
  };
  for (const f of schema.fields) visit(f.type, f.id, f.name);
  return out;
}

export function maxFieldId(schema: Schema): number {
  let max = 0;
  for (const id of indexById(schema).keys()) max = Math.max(max, id);
  return max;
}

/** Same structure, ids, names, types and docs (schema-id ignored). */
export function sameFields(a: Schema, b: Schema): boolean {
  return JSON.stringify(a.fields) === JSON.stringify(b.fields) &&
    JSON.stringify(a['identifier-field-ids'] ?? []) === JSON.stringify(b['identifier-field-ids'] ?? []);
}
