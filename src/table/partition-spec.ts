import { InvalidInput } from '../errors.js';
import { formatDate, formatTime, formatTimestamp } from './datetime.js';
import { currentSchema, findField, indexById } from './schema.js';
import { parseTransform, transformResultType } from './transforms.js';
import type { PartitionField, PartitionSpec, PartitionValue, PrimitiveType, Schema, TableMetadata } from './types.js';
import { isDecimal } from './values.js';

const SUFFIX: Record<string, string> = {
  bucket: 'bucket', truncate: 'trunc', year: 'year', month: 'month', day: 'day', hour: 'hour', void: 'null',
};

/**
 * Parses "day(ts), bucket(16, id), truncate(4, name), col, identity(col), void(col)" into
 * partition fields with ids from `startFieldId`, validated against the schema.
 */
export function parsePartitionSpec(text: string, schema: Schema, startFieldId = 1000): PartitionField[] {
  const items = splitTopLevel(text).map((s) => s.trim()).filter((s) => s.length > 0);
  const out: PartitionField[] = [];
  for (const item of items) {
    const call = /^(\w+)\s*\((.*)\)$/s.exec(item);
    const fn = call ? call[1]!.toLowerCase() : 'identity';
    const args = call ? call[2]!.split(',').map((a) => unquote(a.trim())) : [unquote(item)];
    let transform: string;
    let column: string;
    if (fn === 'bucket' || fn === 'truncate') {
      if (args.length !== 2) throw new InvalidInput(`partition: ${item}: ${fn} takes (width, column)`);
      const n = Number(args[0]);
      if (!/^\d+$/.test(args[0]!) || n < 1 || n > 2 ** 31 - 1) {
        throw new InvalidInput(`partition: ${item}: ${fn} width must be a positive integer, got ${JSON.stringify(args[0])}`);
      }
      transform = `${fn}[${n}]`;
      column = args[1]!;
    } else if (['identity', 'year', 'month', 'day', 'hour', 'void'].includes(fn)) {
      if (args.length !== 1 || !args[0]) throw new InvalidInput(`partition: ${item}: ${fn} takes one column`);
      transform = fn;
      column = args[0];
    } else {
      throw new InvalidInput(`partition: ${item}: unknown transform ${fn}`);
    }
    const field = findField(schema.fields, column);
    if (!field) throw new InvalidInput(`partition: ${item}: no column ${column} in the schema`);
    if (typeof field.type !== 'string') {
      throw new InvalidInput(`partition: ${item}: column ${column} is a ${field.type.type}, not a primitive`);
    }
    try {
      transformResultType(transform, field.type);
    } catch {
      throw new InvalidInput(`partition: ${item}: ${fn} cannot be applied to column ${column} of type ${field.type}`);
    }
    const name = fn === 'identity' ? column : `${column}_${SUFFIX[fn]}`;
    if (out.some((p) => p.name === name)) throw new InvalidInput(`partition: ${item}: duplicate partition field ${name}`);
    if (out.some((p) => p['source-id'] === field.id && p.transform === transform)) {
      throw new InvalidInput(`partition: ${item}: column ${column} is already partitioned by ${transform}`);
    }
    if (fn !== 'identity' && findField(schema.fields, name)) {
      throw new InvalidInput(`partition: ${item}: partition name ${name} collides with a column`);
    }
    out.push({ 'source-id': field.id, 'field-id': startFieldId + out.length, name, transform });
  }
  return out;
}

/**
 * The fields `text` declares over the table's current schema, for evolving its spec: a field with
 * the (column, transform) of a field of any earlier spec keeps that field's id, as Iceberg asks;
 * new ones take ids after the table's last partition id.
 */
export function evolvedPartitionFields(m: TableMetadata, text: string): PartitionField[] {
  const fields = parsePartitionSpec(text, currentSchema(m), m['last-partition-id'] + 1);
  const earlier = m['partition-specs'].flatMap((s) => s.fields);
  let next = m['last-partition-id'] + 1;
  return fields.map((f) => {
    const same = earlier.find((e) => e['source-id'] === f['source-id'] && e.transform === f.transform);
    return { ...f, 'field-id': same ? same['field-id'] : next++ };
  });
}

/** The default spec's fields, e.g. `day(order_ts), bucket(16, id)` (identity fields as the bare column). */
export function partitionSpecText(m: TableMetadata): string {
  const spec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id']);
  const byId = indexById(currentSchema(m));
  return (spec?.fields ?? [])
    .map((f) => {
      const column = byId.get(f['source-id'])?.name ?? `#${f['source-id']}`;
      const t = parseTransform(f.transform);
      if (t.kind === 'identity') return column;
      return t.param === undefined ? `${t.kind}(${column})` : `${t.kind}(${t.param}, ${column})`;
    })
    .join(', ');
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function unquote(s: string): string {
  return /^(["`]).*\1$/s.test(s) ? s.slice(1, -1) : s;
}

/** The result type of each partition field of a spec, in spec order. */
export function partitionTypes(spec: PartitionSpec, schema: Schema): PrimitiveType[] {
  const byId = indexById(schema);
  return spec.fields.map((f) => {
    const source = byId.get(f['source-id']);
    if (!source) {
      // The source column was dropped from this schema; void fields keep working, others cannot be typed.
      if (parseTransform(f.transform).kind === 'void') return 'int';
      throw new InvalidInput(`partition: field ${f.name} refers to column id ${f['source-id']}, which the schema lacks`);
    }
    if (typeof source.type !== 'string') throw new InvalidInput(`partition: field ${f.name} has a non-primitive source`);
    return transformResultType(f.transform, source.type);
  });
}

/** Hive-style path of a partition tuple, with human-readable values: "ts_day=2024-01-05/id_bucket=3". */
export function partitionPath(spec: PartitionSpec, schema: Schema, values: readonly PartitionValue[]): string {
  const types = partitionTypes(spec, schema);
  return spec.fields
    .map((f, i) => `${encodeURIComponent(f.name)}=${encodeURIComponent(humanValue(f.transform, types[i]!, values[i] ?? null))}`)
    .join('/');
}

export function humanValue(transform: string, type: PrimitiveType, v: PartitionValue): string {
  if (v === null) return 'null';
  const kind = parseTransform(transform).kind;
  const n = Number(v);
  if (kind === 'year') return String(1970 + n).padStart(4, '0');
  if (kind === 'month') {
    const y = 1970 + Math.floor(n / 12);
    return `${String(y).padStart(4, '0')}-${String((((n % 12) + 12) % 12) + 1).padStart(2, '0')}`;
  }
  if (kind === 'hour') {
    const days = Math.floor(n / 24);
    return `${formatDate(days)}-${String(n - days * 24).padStart(2, '0')}`;
  }
  if (type === 'date') return formatDate(n);
  if (type === 'time') return formatTime(BigInt(v as bigint));
  if (type === 'timestamp' || type === 'timestamptz') return formatTimestamp(BigInt(v as bigint), type === 'timestamptz');
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (isDecimal(v)) return decimalText(v.unscaled, v.scale);
  return String(v);
}

export function decimalText(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${text}` : text;
}
