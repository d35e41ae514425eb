import { compareBytes, utf8 } from './bytes.js';
import { isDecimal } from './values.js';

/**
 * Orders two non-null values of the same Iceberg type the way the spec orders bounds: numbers
 * numerically (with -0.0 before +0.0), strings by code point (= UTF-8 byte order), binary as
 * unsigned bytes, decimals by value. Returns undefined for values it cannot order.
 */
export function compareValues(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
    if (a === 0 && b === 0) return (Object.is(a, -0) ? 0 : 1) - (Object.is(b, -0) ? 0 : 1);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    if (typeof a === 'number' && !Number.isInteger(a)) return compareValues(a, Number(b));
    if (typeof b === 'number' && !Number.isInteger(b)) return compareValues(Number(a), b);
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return Math.sign(compareBytes(utf8(a), utf8(b)));
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Math.sign(compareBytes(a, b));
  if (isDecimal(a) && isDecimal(b)) {
    const s = Math.max(a.scale, b.scale);
    const x = a.unscaled * 10n ** BigInt(s - a.scale);
    const y = b.unscaled * 10n ** BigInt(s - b.scale);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return undefined;
}
