/**
 * The fixed demo window and fast timestamp formatting. Times are whole UTC seconds since the
 * epoch; the day part of each string is cached so formatting a row costs no Date object.
 */

/** 90 days, 2026-04-02 00:00:00 to 2026-07-01 00:00:00 UTC (exclusive): fixed, never "now". */
export const WINDOW_START = Date.UTC(2026, 3, 2) / 1000;
export const WINDOW_END = Date.UTC(2026, 6, 1) / 1000;
export const WINDOW_DAYS = (WINDOW_END - WINDOW_START) / 86400;

const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

interface DayParts {
  readonly iso: string; // YYYY-MM-DD
  readonly us: string; // MM/DD/YYYY
  readonly weekday: number; // 0 = Sunday
}

const days = new Map<number, DayParts>();

function dayParts(day: number): DayParts {
  let parts = days.get(day);
  if (!parts) {
    const d = new Date(day * 86400000);
    const y = String(d.getUTCFullYear());
    const m = TWO[d.getUTCMonth() + 1] as string;
    const dd = TWO[d.getUTCDate()] as string;
    parts = { iso: `${y}-${m}-${dd}`, us: `${m}/${dd}/${y}`, weekday: d.getUTCDay() };
    days.set(day, parts);
  }
  return parts;
}

function clock(sec: number, withSeconds: boolean): string {
  const s = sec - Math.floor(sec / 86400) * 86400;
  const hh = TWO[Math.floor(s / 3600)] as string;
  const mm = TWO[Math.floor(s / 60) % 60] as string;
  return withSeconds ? `${hh}:${mm}:${TWO[s % 60] as string}` : `${hh}:${mm}`;
}

/** `2026-05-01 13:04:05` */
export function isoSpace(sec: number): string {
  return `${dayParts(Math.floor(sec / 86400)).iso} ${clock(sec, true)}`;
}

/** `2026-05-01T13:04:05Z`, or with milliseconds `2026-05-01T13:04:05.123Z`. */
export function isoZulu(sec: number, millis?: number): string {
  const base = `${dayParts(Math.floor(sec / 86400)).iso}T${clock(sec, true)}`;
  return millis === undefined ? `${base}Z` : `${base}.${String(millis).padStart(3, '0')}Z`;
}

/** `05/01/2026 13:04` (US style, no seconds). */
export function usMinutes(sec: number): string {
  return `${dayParts(Math.floor(sec / 86400)).us} ${clock(sec, false)}`;
}

/** `2026-05-01` */
export function isoDate(sec: number): string {
  return dayParts(Math.floor(sec / 86400)).iso;
}

export function weekday(sec: number): number {
  return dayParts(Math.floor(sec / 86400)).weekday;
}
