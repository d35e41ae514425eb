import assert from 'node:assert/strict';

/**
 * Rows as engines answer them differ in spelling only: 12.50 or "12.5", "2024-01-02T03:04:05Z" or
 * "2024-01-02 03:04:05.000000 UTC", keys in any order. One canonical text per row lets rows read by
 * Spark, Trino, DuckDB, PyIceberg and `silt query` be compared as multisets.
 */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(?: ?(?:UTC|Z|[+-]00(?::?00)?))?$/;
const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function canonical(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return numberText(String(v));
  if (typeof v === 'string') {
    const ts = TIMESTAMP.exec(v);
    if (ts) return `${ts[1]} ${ts[2]}.${(ts[3] ?? '').slice(0, 6).padEnd(6, '0')}`;
    return NUMBER.test(v) ? numberText(v) : v;
  }
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}

function numberText(s: string): string {
  const n = Number(s);
  return Number.isFinite(n) ? String(n) : s;
}

export type Row = Record<string, unknown>;

/** Each row's canonical text, sorted: two reads hold the same rows when these are equal. */
export function rowTexts(rows: readonly Row[]): string[] {
  return rows.map((r) => JSON.stringify(canonical(r))).sort();
}

/** Asserts `got` holds exactly the rows of `want` (any order), showing the first rows that differ. */
export function assertSameRows(got: readonly Row[], want: readonly Row[], what: string): void {
  const a = rowTexts(got);
  const b = rowTexts(want);
  if (a.length === b.length && a.every((x, i) => x === b[i])) return;
  const inB = new Set(b);
  const inA = new Set(a);
  const only = (xs: string[], other: Set<string>) => xs.filter((x) => !other.has(x)).slice(0, 3);
  assert.fail(`${what}: ${a.length} rows, expected ${b.length}\n only read: ${only(a, inB).join('\n   ')}\n only expected: ${only(b, inA).join('\n   ')}`);
}
