/** Typed values from the strings DuckDB reports in `COPY … (RETURN_STATS)` and `partition_keys`. */
import { coerceLiteral, serializeValue, type PrimitiveType } from '../../table/index.js';

/** Java's default metrics mode keeps 16 characters (or bytes) of string and binary bounds. */
export const BOUND_TRUNCATE_LENGTH = 16;

/**
 * A DuckDB statistics string as the JS value convention of `type`; undefined when it cannot be
 * read exactly (then no bound is written, which is always safe).
 */
export function parseStatValue(type: PrimitiveType, text: string): unknown {
  try {
    if (type === 'boolean') {
      if (text === '1' || text === 'true') return true;
      if (text === '0' || text === 'false') return false;
      return undefined;
    }
    if (type === 'binary' || type.startsWith('fixed')) {
      return /^([0-9A-Fa-f]{2})*$/.test(text) ? new Uint8Array(Buffer.from(text, 'hex')) : undefined;
    }
    if (type === 'float' || type === 'double') {
      const lower = text.toLowerCase();
      if (lower === 'inf' || lower === 'infinity') return Infinity;
      if (lower === '-inf' || lower === '-infinity') return -Infinity;
      const n = Number(text);
      return Number.isNaN(n) ? undefined : n;
    }
    return coerceLiteral(type, text);
  } catch {
    return undefined;
  }
}

/** Serialized lower bound, truncated to 16 code points or bytes (a prefix is still a lower bound). */
export function lowerBound(type: PrimitiveType, value: unknown): Uint8Array {
  if (type === 'string' && typeof value === 'string') {
    return serializeValue(type, Array.from(value).slice(0, BOUND_TRUNCATE_LENGTH).join(''));
  }
  if (type === 'binary' && value instanceof Uint8Array) return value.slice(0, BOUND_TRUNCATE_LENGTH);
  return serializeValue(type, value);
}

/**
 * Serialized upper bound. A truncated string or binary upper bound is rounded up by incrementing
 * its last code point (or byte), carrying leftwards, so it still sorts after every value;
 * undefined when no such bound exists (e.g. all U+10FFFF).
 */
export function upperBound(type: PrimitiveType, value: unknown): Uint8Array | undefined {
  if (type === 'string' && typeof value === 'string') {
    const points = Array.from(value);
    if (points.length <= BOUND_TRUNCATE_LENGTH) return serializeValue(type, value);
    const cps = points.slice(0, BOUND_TRUNCATE_LENGTH).map((c) => c.codePointAt(0)!);
    for (let i = cps.length - 1; i >= 0; i--) {
      let next = cps[i]! + 1;
      if (next >= 0xd800 && next <= 0xdfff) next = 0xe000; // skip surrogates: not valid scalar values
      if (next <= 0x10ffff) {
        const text = String.fromCodePoint(...cps.slice(0, i), next);
        return serializeValue(type, text);
      }
    }
    return undefined;
  }
  if (type === 'binary' && value instanceof Uint8Array) {
    if (value.length <= BOUND_TRUNCATE_LENGTH) return value;
    const bytes = value.slice(0, BOUND_TRUNCATE_LENGTH);
    for (let i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i]! < 0xff) {
        const out = bytes.slice(0, i + 1);
        out[i] = bytes[i]! + 1;
        return out;
      }
    }
    return undefined;
  }
  return serializeValue(type, value);
}

/** Decimal text of an unscaled value, e.g. (-5n, 2) → "-0.05". */
export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
