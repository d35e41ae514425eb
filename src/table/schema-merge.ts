import { InvalidInput } from '../errors.js';
import type { IcebergTypeInput, NewField } from './schema.js';
import type { SchemaChange } from './schema-evolution.js';
import type { IcebergType, NestedField, PrimitiveType, Schema } from './types.js';

/**
 * How incoming columns fit a table's schema: new columns are added, a column whose values need a
 * wider type is widened where Iceberg allows it, values that fit as they are are cast on write.
 * Anything else is an error naming the column and both types, and nothing is written.
 */
export function mergeFields(table: string, schema: Schema, incoming: readonly NewField[], domain = 'load'): SchemaChange[] {
  const changes: SchemaChange[] = [];
  mergeInto(changes, schema.fields, incoming, '', (name, source, target) => mismatch(domain, table, name, source, target));
  return changes;
}

type Mismatch = (name: string, source: IcebergTypeInput, target: IcebergType) => InvalidInput;

/**
 * Struct fields merge by name, in any order: a nested field the table lacks is added (as
 * `parent.child`), matching ones follow the same rules as top-level columns. JSON sources need
 * this: two files rarely list an object's keys alike.
 */
function mergeInto(changes: SchemaChange[], existingFields: readonly NestedField[], incoming: readonly { name: string; type: IcebergTypeInput }[], prefix: string, mismatch: Mismatch): void {
  for (const field of incoming) {
    const existing =
      existingFields.find((f) => f.name === field.name) ?? existingFields.find((f) => f.name.toLowerCase() === field.name.toLowerCase());
    const path = prefix + (existing?.name ?? field.name);
    if (!existing) {
      changes.push({ kind: 'add', name: path, type: field.type });
      continue;
    }
    const target = existing.type;
    const source = field.type;
    if (typeof target !== 'string' && target.type === 'struct' && typeof source !== 'string' && source.type === 'struct') {
      mergeInto(changes, target.fields, source.fields, `${path}.`, mismatch);
      continue;
    }
    if (typeof target !== 'string' || typeof source !== 'string') {
      if (target === 'string' || sameShape(target, source)) continue;
      throw mismatch(path, source, target);
    }
    if (fitsInto(source, target)) continue;
    const widened = widening(target, source);
    if (widened) {
      changes.push({ kind: 'widen', name: path, type: widened });
      continue;
    }
    throw mismatch(path, source, target);
  }
}

/** Values of `source` can be cast to `target` without loss. */
function fitsInto(source: PrimitiveType, target: PrimitiveType): boolean {
  if (source === target || target === 'string') return true;
  const s = decimal(source);
  const t = decimal(target);
  if (s && t) return s.scale <= t.scale && s.precision - s.scale <= t.precision - t.scale;
  const pairs: Record<string, readonly string[]> = {
    int: ['long', 'double'],
    long: ['double'], // whole numbers into a double column: exact up to 2^53, what users expect
    float: ['double'],
    date: ['timestamp', 'timestamptz'],
    timestamp: ['timestamptz'],
  };
  if (t && (source === 'int' || source === 'long')) return t.precision - t.scale >= (source === 'int' ? 10 : 19);
  return pairs[source]?.includes(target) ?? false;
}

/** The type `target` may be widened to (Iceberg type promotion) so that `source` values fit. */
function widening(target: PrimitiveType, source: PrimitiveType): PrimitiveType | undefined {
  if (target === 'int' && source === 'long') return 'long';
  if (target === 'float' && source === 'double') return 'double';
  const t = decimal(target);
  const s = decimal(source);
  if (t && s && t.scale === s.scale && s.precision > t.precision) return source;
  return undefined;
}

function decimal(t: string): { precision: number; scale: number } | undefined {
  const m = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}

function sameShape(a: IcebergType, b: IcebergTypeInput): boolean {
  return typeText(a) === typeText(b as IcebergType);
}

function typeText(t: IcebergType | IcebergTypeInput): string {
  if (typeof t === 'string') return t;
  if (t.type === 'list') return `list<${typeText(t.element)}>`;
  if (t.type === 'map') return `map<${typeText(t.key)},${typeText(t.value)}>`;
  return `struct<${t.fields.map((f) => `${f.name}:${typeText(f.type)}`).join(',')}>`;
}

function mismatch(domain: string, table: string, column: string, source: IcebergTypeInput, target: IcebergType): InvalidInput {
  return new InvalidInput(
    `${domain}: column ${column}: the input has ${typeText(source)} values but ${table}.${column} is ${typeText(target)}; ` +
      `cast it in the file, or load into a new table`,
  );
}
