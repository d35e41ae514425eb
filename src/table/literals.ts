import { InvalidInput } from '../errors.js';
import { parseDate, parseTime, parseTimestamp } from './datetime.js';
import { parsePrimitive } from './primitive.js';
import type { DecimalValue, PrimitiveType } from './types.js';
import { isUuid } from './values.js';

export type Literal = number | bigint | string | boolean;

/**
 * Coerces a literal as it appears in SQL or JSON to the JS value convention of `type`
 * (see types.ts); InvalidInput when it cannot be represented exactly.
 */
export function coerceLiteral(type: PrimitiveType, literal: Literal): unknown {
  const p = parsePrimitive(type);
  const fail = (why = ''): never => {
    const shown = typeof literal === 'bigint' ? `${literal}` : JSON.stringify(literal);
    throw new InvalidInput(`literal: cannot use ${shown} as ${type}${why ? `: ${why}` : ''}`);
  };
  switch (p.kind) {
    case 'boolean':
      if (typeof literal === 'boolean') return literal;
      if (typeof literal === 'string' && /^(true|false)$/i.test(literal.trim())) return literal.trim().toLowerCase() === 'true';
      return fail();
    case 'int': {
      const v = integer(literal) ?? fail();
      return v >= -(2n ** 31n) && v < 2n ** 31n ? Number(v) : fail('out of range');
    }
    case 'long': {
      const v = integer(literal) ?? fail();
      return v >= -(2n ** 63n) && v < 2n ** 63n ? v : fail('out of range');
    }
    case 'float':
    case 'double': {
      if (typeof literal === 'number') return p.kind === 'float' ? Math.fround(literal) : literal;
      if (typeof literal === 'bigint') return Number(literal);
      const n = typeof literal === 'string' && literal.trim() !== '' ? Number(literal) : NaN;
      return Number.isNaN(n) && !/^\s*nan\s*$/i.test(String(literal)) ? fail() : n;
    }
    case 'date':
      if (typeof literal === 'string') return parseDate(literal) ?? fail('expected YYYY-MM-DD');
      return typeof literal === 'number' && Number.isInteger(literal) ? literal : fail();
    case 'time':
      if (typeof literal === 'string') return parseTime(literal) ?? fail('expected HH:MM:SS');
      return integer(literal) ?? fail();
    case 'timestamp':
    case 'timestamptz':
      if (typeof literal === 'string') return parseTimestamp(literal) ?? fail('expected YYYY-MM-DD HH:MM:SS');
      return integer(literal) ?? fail();
    case 'string':
      return typeof literal === 'string' ? literal : String(literal);
    case 'uuid':
      return typeof literal === 'string' && isUuid(literal.trim()) ? literal.trim().toLowerCase() : fail();
    case 'binary':
      return typeof literal === 'string' ? new Uint8Array(Buffer.from(literal, 'utf8')) : fail();
    case 'fixed': {
      if (typeof literal !== 'string') return fail();
      const b = new Uint8Array(Buffer.from(literal, 'utf8'));
      return b.length === p.length ? b : fail(`expected ${p.length} bytes`);
    }
    case 'decimal':
      return decimal(literal, p.precision, p.scale) ?? fail(`does not fit decimal(${p.precision}, ${p.scale})`);
  }
}

function integer(v: Literal): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : undefined;
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return BigInt(v.trim());
  return undefined;
}

function decimal(v: Literal, precision: number, scale: number): DecimalValue | undefined {
  let text: string;
  if (typeof v === 'bigint') text = v.toString();
  else if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    text = String(v);
    if (/e/i.test(text)) text = v.toFixed(scale);
  } else if (typeof v === 'string') text = v.trim();
  else return undefined;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > scale) return undefined;
  const digits = `${m[2] || '0'}${frac.padEnd(scale, '0')}`;
  let unscaled = BigInt(digits);
  if (m[1] === '-') unscaled = -unscaled;
  const abs = unscaled < 0n ? -unscaled : unscaled;
  return abs.toString().length <= precision || abs === 0n ? { unscaled, scale } : undefined;
}
