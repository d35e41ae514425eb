import { InvalidInput } from '../errors.js';
import type { PrimitiveType } from './types.js';

/** A primitive type taken apart: decimal carries precision and scale, fixed its length. */
export type ParsedPrimitive =
  | { kind: Exclude<PrimitiveType, `decimal(${number}, ${number})` | `fixed[${number}]`> }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'fixed'; length: number };

const SIMPLE = new Set<string>([
  'boolean', 'int', 'long', 'float', 'double', 'date', 'time',
  'timestamp', 'timestamptz', 'string', 'uuid', 'binary',
]);

/** Parses a primitive type name, or returns undefined when it is not one. */
export function tryParsePrimitive(text: string): ParsedPrimitive | undefined {
  const t = text.trim().toLowerCase();
  if (SIMPLE.has(t)) return { kind: t } as ParsedPrimitive;
  const dec = /^decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(t);
  if (dec) {
    const precision = Number(dec[1]);
    const scale = Number(dec[2]);
    if (precision < 1 || precision > 38 || scale > precision) return undefined;
    return { kind: 'decimal', precision, scale };
  }
  const fixed = /^fixed\s*\[\s*(\d+)\s*\]$/.exec(t);
  if (fixed) {
    const length = Number(fixed[1]);
    return length > 0 ? { kind: 'fixed', length } : undefined;
  }
  return undefined;
}

export function parsePrimitive(type: string): ParsedPrimitive {
  const p = tryParsePrimitive(type);
  if (!p) throw new InvalidInput(`schema: unknown type ${JSON.stringify(type)}`);
  return p;
}

/** The canonical spelling Java writes: `decimal(10, 2)`, `fixed[16]`. */
export function formatPrimitive(p: ParsedPrimitive): PrimitiveType {
  if (p.kind === 'decimal') return `decimal(${p.precision}, ${p.scale})`;
  if (p.kind === 'fixed') return `fixed[${p.length}]`;
  return p.kind;
}

export function normalizePrimitive(type: string): PrimitiveType {
  return formatPrimitive(parsePrimitive(type));
}

/** Bytes needed to hold any unscaled value of a decimal with this precision (spec Appendix A). */
export function decimalRequiredBytes(precision: number): number {
  let bytes = 1;
  while (2n ** BigInt(8 * bytes - 1) <= 10n ** BigInt(precision) - 1n) bytes++;
  return bytes;
}
