/**
 * Calendar arithmetic in the proleptic Gregorian calendar, UTC, with floor semantics before the
 * epoch. Dates are days since 1970-01-01 (number); times and timestamps are microseconds (bigint).
 */

export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_HOUR = 3_600_000_000n;
export const MICROS_PER_DAY = 86_400_000_000n;

export interface Civil {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function floorMod(a: bigint, b: bigint): bigint {
  return a - floorDiv(a, b) * b;
}

/** Days since the epoch of a civil date (algorithm by Howard Hinnant, exact for any year). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): Civil {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function daysOfMicros(micros: bigint): number {
  return Number(floorDiv(micros, MICROS_PER_DAY));
}

const DATE_RE = /^([+-]?\d{4,6})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const TS_RE = /^([+-]?\d{4,6}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Parses `YYYY-MM-DD` to days since the epoch; undefined when malformed or not a real date. */
export function parseDate(text: string): number | undefined {
  const m = DATE_RE.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const days = daysFromCivil(year, month, day);
  const back = civilFromDays(days);
  return back.month === month && back.day === day ? days : undefined;
}

/** Parses `HH:MM[:SS[.ffffff]]` to microseconds since midnight. */
export function parseTime(text: string): bigint | undefined {
  const m = TIME_RE.exec(text.trim());
  if (!m) return undefined;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? '0')];
  if (h > 23 || min > 59 || s > 59) return undefined;
  const frac = BigInt((m[4] ?? '').padEnd(6, '0').slice(0, 6));
  return BigInt(h * 3600 + min * 60 + s) * MICROS_PER_SECOND + frac;
}

/** Parses `YYYY-MM-DD[ T]HH:MM[:SS[.ffffff]][Z|±HH[:MM]]` to µs since the epoch, in UTC. */
export function parseTimestamp(text: string): bigint | undefined {
  const m = TS_RE.exec(text.trim());
  if (!m) return undefined;
  const days = parseDate(m[1] ?? '');
  if (days === undefined) return undefined;
  const time = m[2] === undefined ? 0n : parseTime(m[2]);
  if (time === undefined) return undefined;
  let offsetMinutes = 0;
  const zone = m[3];
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    if (zone.startsWith('-')) offsetMinutes = -offsetMinutes;
  }
  return BigInt(days) * MICROS_PER_DAY + time - BigInt(offsetMinutes) * 60n * MICROS_PER_SECOND;
}

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');

export function formatDate(days: number): string {
  const c = civilFromDays(days);
  const year = c.year < 0 ? `-${pad(c.year, 4)}` : pad(c.year, 4);
  return `${year}-${pad(c.month)}-${pad(c.day)}`;
}

export function formatTime(micros: bigint): string {
  const secs = Number(micros / MICROS_PER_SECOND);
  const frac = Number(micros % MICROS_PER_SECOND);
  const base = `${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}`;
  return frac === 0 ? base : `${base}.${String(frac).padStart(6, '0')}`;
}

export function formatTimestamp(micros: bigint, withZone: boolean): string {
  const days = daysOfMicros(micros);
  const text = `${formatDate(days)}T${formatTime(micros - BigInt(days) * MICROS_PER_DAY)}`;
  return withZone ? `${text}+00:00` : text;
}
