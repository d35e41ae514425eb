import { InvalidInput } from '../errors.js';
import { civilFromDays, daysOfMicros, floorDiv, MICROS_PER_HOUR } from './datetime.js';
import { murmur3 } from './murmur3.js';
import { parsePrimitive } from './primitive.js';
import type { DecimalValue, PartitionValue, PrimitiveType } from './types.js';
import { decimalToBytes, describe, isDecimal, normalizeValue, serializeValue, uuidToBytes } from './values.js';

export type TransformKind = 'identity' | 'bucket' | 'truncate' | 'year' | 'month' | 'day' | 'hour' | 'void';

export interface ParsedTransform {
  kind: TransformKind;
  /** N of bucket[N], W of truncate[W]. */
  param?: number;
}

/** Parses a transform as the spec spells it: identity, bucket[16], truncate[4], day, void, … */
export function parseTransform(text: string): ParsedTransform {
  const m = /^(\w+)(?:\[(\d+)\])?$/.exec(text.trim().toLowerCase());
  const kind = m?.[1];
  const param = m?.[2] === undefined ? undefined : Number(m[2]);
  if (kind === 'bucket' || kind === 'truncate') {
    if (param !== undefined && param > 0) return { kind, param };
  } else if (param === undefined && (kind === 'identity' || kind === 'year' || kind === 'month' ||
    kind === 'day' || kind === 'hour' || kind === 'void')) {
    return { kind };
  }
  throw new InvalidInput(`partition: unknown transform ${JSON.stringify(text)}`);
}

const ALLOWED: Record<Exclude<TransformKind, 'identity' | 'void'>, ReadonlySet<string>> = {
  bucket: new Set(['int', 'long', 'decimal', 'date', 'time', 'timestamp', 'timestamptz', 'string', 'uuid', 'fixed', 'binary']),
  truncate: new Set(['int', 'long', 'decimal', 'string', 'binary']),
  year: new Set(['date', 'timestamp', 'timestamptz']),
  month: new Set(['date', 'timestamp', 'timestamptz']),
  day: new Set(['date', 'timestamp', 'timestamptz']),
  hour: new Set(['timestamp', 'timestamptz']),
};

export function canTransform(t: ParsedTransform, source: PrimitiveType): boolean {
  if (t.kind === 'identity' || t.kind === 'void') return true;
  return ALLOWED[t.kind].has(parsePrimitive(source).kind);
}

/** The type of a transform's result for a source type; InvalidInput when it does not apply. */
export function transformResultType(transform: string, source: PrimitiveType): PrimitiveType {
  const t = parseTransform(transform);
  if (!canTransform(t, source)) {
    throw new InvalidInput(`partition: transform ${transform} does not apply to type ${source}`);
  }
  switch (t.kind) {
    case 'identity':
    case 'truncate':
    case 'void':
      return source;
    case 'day':
      return 'date';
    default:
      return 'int';
  }
}

/** Applies a transform to a value of the source type; null stays null. */
export function applyTransform(transform: string, source: PrimitiveType, value: unknown): PartitionValue {
  const t = parseTransform(transform);
  transformResultType(transform, source);
  if (value === null || value === undefined || t.kind === 'void') return null;
  const kind = parsePrimitive(source).kind;
  const bad = (): never => {
    throw new InvalidInput(`partition: ${transform} expects a ${source} value, got ${describe(value)}`);
  };
  switch (t.kind) {
    case 'identity': {
      const v = normalizeValue(source, value);
      serializeValue(source, v); // validates the value against the type
      return v as PartitionValue;
    }
    case 'bucket':
      return (murmur3(bucketBytes(kind, source, value)) & 0x7fffffff) % t.param!;
    case 'truncate':
      return truncate(kind, t.param!, value) ?? bad();
    default: {
      const v = normalizeValue(source, value);
      const days = kind === 'date' ? (typeof v === 'number' && Number.isInteger(v) ? v : bad())
        : daysOfMicros(toMicros(v) ?? bad());
      if (t.kind === 'day') return days;
      if (t.kind === 'hour') return Number(floorDiv(toMicros(v)!, MICROS_PER_HOUR));
      const c = civilFromDays(days);
      return t.kind === 'year' ? c.year - 1970 : (c.year - 1970) * 12 + c.month - 1;
    }
  }
}

function toMicros(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return undefined;
}

function bucketBytes(kind: string, source: PrimitiveType, value: unknown): Uint8Array {
  switch (kind) {
    case 'int':
    case 'date':
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz': {
      // ints and dates hash as 8-byte longs so that promotion int → long keeps buckets
      const v = toMicros(value);
      if (v === undefined) throw new InvalidInput(`partition: bucket expects a ${source} value, got ${describe(value)}`);
      return serializeValue('long', v);
    }
    case 'uuid':
      return uuidToBytes(String(value));
    case 'decimal':
      if (!isDecimal(value)) throw new InvalidInput(`partition: bucket expects a ${source} value, got ${describe(value)}`);
      return decimalToBytes(value.unscaled);
    default:
      return serializeValue(source, value);
  }
}

function truncate(kind: string, width: number, value: unknown): PartitionValue | undefined {
  switch (kind) {
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
      return value - (((value % width) + width) % width);
    case 'long': {
      const v = toMicros(value);
      if (v === undefined) return undefined;
      const w = BigInt(width);
      return v - (((v % w) + w) % w);
    }
    case 'decimal': {
      if (!isDecimal(value)) return undefined;
      const w = BigInt(width);
      const u = value.unscaled;
      return { unscaled: u - (((u % w) + w) % w), scale: value.scale } satisfies DecimalValue;
    }
    case 'string':
      return typeof value === 'string' ? Array.from(value).slice(0, width).join('') : undefined;
    case 'binary':
      return value instanceof Uint8Array ? value.slice(0, width) : undefined;
    default:
      return undefined;
  }
}
