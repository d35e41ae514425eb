import { InvalidInput } from '../errors.js';
import { parsePrimitive } from './primitive.js';
import { assignType, currentSchema, type IcebergTypeInput, sameFields } from './schema.js';
import type { IcebergType, NestedField, PrimitiveType, Schema, TableMetadata } from './types.js';

export type SchemaChange =
  | { kind: 'add'; name: string; type: IcebergTypeInput; doc?: string }
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'drop'; name: string }
  | { kind: 'widen'; name: string; type: PrimitiveType };

interface Location {
  container: NestedField[];
  index: number;
  field: NestedField;
}

/**
 * Returns metadata with the changed schema made current (a new schema id, or an existing schema
 * with the same fields). Illegal changes throw InvalidInput naming the column; no-op changes are
 * skipped, and when nothing changes the metadata comes back as it was.
 */
export function evolveSchema(m: TableMetadata, changes: readonly SchemaChange[]): TableMetadata {
  const base = currentSchema(m);
  const fields = structuredClone(base.fields) as NestedField[];
  const ids = { next: m['last-column-id'] + 1 };
  for (const change of changes) applyChange(m, base, fields, change, ids);
  const candidate: Schema = { ...base, fields };
  if (sameFields(candidate, base)) return m;
  const existing = m.schemas.find((s) => sameFields(s, candidate));
  const schemaId = existing?.['schema-id'] ?? Math.max(...m.schemas.map((s) => s['schema-id'])) + 1;
  return {
    ...m,
    schemas: existing ? m.schemas : [...m.schemas, { ...candidate, 'schema-id': schemaId }],
    'current-schema-id': schemaId,
    'last-column-id': Math.max(m['last-column-id'], ids.next - 1),
    'last-updated-ms': Date.now(),
  };
}

function applyChange(m: TableMetadata, base: Schema, fields: NestedField[], c: SchemaChange, ids: { next: number }): void {
  switch (c.kind) {
    case 'add': {
      const found = locate(fields, c.name);
      const probe = assignType(c.type, { next: 1 }, c.name);
      if (found) {
        if (shape(found.field.type) === shape(probe)) return;
        throw new InvalidInput(`evolve: column ${c.name} already exists with type ${shape(found.field.type)}`);
      }
      const dot = c.name.lastIndexOf('.');
      const parent = dot > 0 ? locate(fields, c.name.slice(0, dot)) : undefined;
      const target = parent ? structFields(parent, c.name) : fields;
      const leaf = parent ? c.name.slice(dot + 1) : c.name;
      if (!leaf) throw new InvalidInput(`evolve: column name ${JSON.stringify(c.name)} is empty`);
      const id = ids.next++;
      target.push({
        id, name: leaf, required: false, type: assignType(c.type, ids, c.name),
        ...(c.doc === undefined ? {} : { doc: c.doc }),
      });
      return;
    }
    case 'rename': {
      const at = mustLocate(fields, c.from, 'rename');
      if (at.field.name === c.to) return;
      if (!c.to) throw new InvalidInput(`evolve: cannot rename ${c.from} to an empty name`);
      const clash = at.container.find((f) => f !== at.field && f.name.toLowerCase() === c.to.toLowerCase());
      if (clash) throw new InvalidInput(`evolve: cannot rename ${c.from} to ${c.to}: a column ${clash.name} exists`);
      at.container[at.index] = { ...at.field, name: c.to };
      return;
    }
    case 'drop': {
      const at = mustLocate(fields, c.name, 'drop');
      const inside = collectIds(at.field);
      for (const spec of m['partition-specs']) {
        const used = spec.fields.find((p) => inside.has(p['source-id']));
        if (used) throw new InvalidInput(`evolve: cannot drop column ${c.name}: partition field ${used.name} is derived from it`);
      }
      if ((base['identifier-field-ids'] ?? []).some((id) => inside.has(id))) {
        throw new InvalidInput(`evolve: cannot drop column ${c.name}: it is an identifier field`);
      }
      at.container.splice(at.index, 1);
      return;
    }
    case 'widen': {
      const at = mustLocate(fields, c.name, 'widen');
      const from = at.field.type;
      if (typeof from !== 'string') throw new InvalidInput(`evolve: column ${c.name} is a ${from.type}, only primitive columns can be widened`);
      const to = parsePrimitive(c.type);
      const was = parsePrimitive(from);
      if (shape(from) === shape(c.type)) return;
      const ok = (was.kind === 'int' && to.kind === 'long') || (was.kind === 'float' && to.kind === 'double') ||
        (was.kind === 'decimal' && to.kind === 'decimal' && to.scale === was.scale && to.precision > was.precision);
      if (!ok) throw new InvalidInput(`evolve: column ${c.name}: cannot change type from ${from} to ${c.type}`);
      at.container[at.index] = { ...at.field, type: assignType(c.type, ids, c.name) };
      return;
    }
    default:
      throw new InvalidInput(`evolve: unknown schema change ${JSON.stringify(c)}`);
  }
}

function mustLocate(fields: NestedField[], name: string, verb: string): Location {
  const at = locate(fields, name);
  if (!at) throw new InvalidInput(`evolve: cannot ${verb} column ${name}: no such column`);
  return at;
}

function structFields(parent: Location, name: string): NestedField[] {
  const t = parent.field.type;
  if (typeof t === 'string' || t.type !== 'struct') {
    throw new InvalidInput(`evolve: cannot add ${name}: ${parent.field.name} is not a struct`);
  }
  return t.fields as NestedField[];
}

/** Finds a field and the array holding it; dots reach into structs; exact names win over case-folded ones. */
function locate(fields: NestedField[], name: string): Location | undefined {
  const pick = (n: string): number => {
    const exact = fields.findIndex((f) => f.name === n);
    if (exact >= 0) return exact;
    const folded = fields.flatMap((f, i) => (f.name.toLowerCase() === n.toLowerCase() ? [i] : []));
    return folded.length === 1 ? folded[0]! : -1;
  };
  const index = pick(name);
  if (index >= 0) return { container: fields, index, field: fields[index]! };
  for (let i = name.indexOf('.'); i > 0; i = name.indexOf('.', i + 1)) {
    const p = pick(name.slice(0, i));
    const t = p >= 0 ? fields[p]!.type : undefined;
    if (t && typeof t === 'object' && t.type === 'struct') {
      const found = locate(t.fields as NestedField[], name.slice(i + 1));
      if (found) return found;
    }
  }
  return undefined;
}

function collectIds(field: NestedField): Set<number> {
  const out = new Set<number>([field.id]);
  const visit = (t: IcebergType): void => {
    if (typeof t === 'string') return;
    if (t.type === 'struct') for (const f of t.fields) { out.add(f.id); visit(f.type); }
    else if (t.type === 'list') { out.add(t['element-id']); visit(t.element); }
    else { out.add(t['key-id']); out.add(t['value-id']); visit(t.key); visit(t.value); }
  };
  visit(field.type);
  return out;
}

/** A type rendered without ids, for "is this the same type" checks. */
function shape(t: IcebergType): string {
  if (typeof t === 'string') {
    const p = parsePrimitive(t);
    return p.kind === 'decimal' ? `decimal(${p.precision}, ${p.scale})` : p.kind === 'fixed' ? `fixed[${p.length}]` : p.kind;
  }
  if (t.type === 'struct') return `struct<${t.fields.map((f) => `${f.name}:${shape(f.type)}`).join(',')}>`;
  if (t.type === 'list') return `list<${shape(t.element)}>`;
  return `map<${shape(t.key)},${shape(t.value)}>`;
}
