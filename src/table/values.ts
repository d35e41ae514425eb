import { InvalidInput } from '../errors.js';
import { buf, u8, utf8 } from './bytes.js';
import { parsePrimitive } from './primitive.js';
import type { DecimalValue, PrimitiveType } from './types.js';

/**
 * Single-value binary serialization (spec Appendix D), used for column bounds and partition
 * summaries. JS values follow the conventions in types.ts (int → number, long → bigint, …).
 */
export function serializeValue(type: PrimitiveType, value: unknown): Uint8Array {
  const p = parsePrimitive(type);
  const fail = (): never => {
    throw new InvalidInput(`value: cannot serialize ${describe(value)} as ${type}`);
  };
  switch (p.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? Uint8Array.of(value ? 1 : 0) : fail();
    case 'int':
    case 'date': {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) fail();
      const b = Buffer.alloc(4);
      b.writeInt32LE(value as number);
      return u8(b);
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz': {
      const v = toBigInt(value) ?? fail();
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(v);
      return u8(b);
    }
    case 'float':
    case 'double': {
      if (typeof value !== 'number') fail();
      const b = Buffer.alloc(p.kind === 'float' ? 4 : 8);
      if (p.kind === 'float') b.writeFloatLE(value as number);
      else b.writeDoubleLE(value as number);
      return u8(b);
    }
    case 'string':
      return typeof value === 'string' ? utf8(value) : fail();
    case 'uuid':
      return typeof value === 'string' ? uuidToBytes(value) : fail();
    case 'binary':
      return value instanceof Uint8Array ? value : fail();
    case 'fixed':
      return value instanceof Uint8Array && value.length === p.length ? value : fail();
    case 'decimal': {
      if (!isDecimal(value) || value.scale !== p.scale) fail();
      return decimalToBytes((value as DecimalValue).unscaled);
    }
  }
}

/**
 * Reads a serialized value. Bounds written before a type promotion keep their old width, so a
 * 4-byte long is read as an int and a 4-byte double as a float (spec "Schema Evolution").
 */
export function deserializeValue(type: PrimitiveType, bytes: Uint8Array): unknown {
  const p = parsePrimitive(type);
  const b = buf(bytes);
  const need = (n: number): void => {
    if (b.length !== n) throw new InvalidInput(`value: ${type} needs ${n} bytes, got ${b.length}`);
  };
  switch (p.kind) {
    case 'boolean':
      need(1);
      return b[0] !== 0;
    case 'int':
    case 'date':
      need(4);
      return b.readInt32LE(0);
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      if (b.length === 4) return BigInt(b.readInt32LE(0));
      need(8);
      return b.readBigInt64LE(0);
    case 'float':
      need(4);
      return b.readFloatLE(0);
    case 'double':
      if (b.length === 4) return b.readFloatLE(0);
      need(8);
      return b.readDoubleLE(0);
    case 'string':
      return b.toString('utf8');
    case 'uuid':
      need(16);
      return bytesToUuid(bytes);
    case 'binary':
      return Uint8Array.from(b);
    case 'fixed':
      need(p.length);
      return Uint8Array.from(b);
    case 'decimal':
      return { unscaled: bytesToDecimal(bytes), scale: p.scale } satisfies DecimalValue;
  }
}

/** Brings a value to the convention of its type where that is lossless (a safe-integer number for a long becomes a bigint). */
export function normalizeValue(type: PrimitiveType, value: unknown): unknown {
  const kind = parsePrimitive(type).kind;
  if ((kind === 'long' || kind === 'time' || kind === 'timestamp' || kind === 'timestamptz') && typeof value === 'number' && Number.isSafeInteger(value)) {
    return BigInt(value);
  }
  if ((kind === 'int' || kind === 'date') && typeof value === 'bigint' && value >= -(2n ** 31n) && value < 2n ** 31n) return Number(value);
  return value;
}

export function isDecimal(v: unknown): v is DecimalValue {
  return typeof v === 'object' && v !== null && typeof (v as DecimalValue).unscaled === 'bigint' &&
    typeof (v as DecimalValue).scale === 'number';
}

function toBigInt(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return undefined;
}

/** Two's-complement big-endian in the fewest bytes that hold the value (-128 → one byte 0x80). */
export function decimalToBytes(unscaled: bigint): Uint8Array {
  let n = 1;
  while (unscaled < -(2n ** BigInt(8 * n - 1)) || unscaled >= 2n ** BigInt(8 * n - 1)) n++;
  return fixedBigEndian(unscaled, n);
}

/** Two's-complement big-endian in exactly `n` bytes (the value must fit). */
export function fixedBigEndian(value: bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let v = BigInt.asUintN(8 * n, value);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function bytesToDecimal(b: Uint8Array): bigint {
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  return b.length === 0 ? 0n : BigInt.asIntN(8 * b.length, v);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID_RE.test(text);
}

export function uuidToBytes(text: string): Uint8Array {
  if (!isUuid(text)) throw new InvalidInput(`value: ${JSON.stringify(text)} is not a uuid`);
  return u8(Buffer.from(text.replace(/-/g, ''), 'hex'));
}

export function bytesToUuid(b: Uint8Array): string {
  const h = buf(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (isDecimal(value)) return `decimal ${value.unscaled} scale ${value.scale}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
