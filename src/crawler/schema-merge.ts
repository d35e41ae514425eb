import type { ExternalColumn, ExternalSchemaChange } from '../catalog/index.js';

const INTEGERS = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT'];
/** The smallest signed type holding every value of an unsigned one. */
const UNSIGNED_FITS: Record<string, string> = { UTINYINT: 'SMALLINT', USMALLINT: 'INTEGER', UINTEGER: 'BIGINT', UBIGINT: 'HUGEINT' };
const TIMESTAMPS = ['TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS'];
const TIMESTAMP_TZ = 'TIMESTAMP WITH TIME ZONE';

/**
 * The narrowest type holding values of both types: integers widen to the larger integer, mixed
 * numbers to DOUBLE, DATE to TIMESTAMP, differing nested types to JSON, anything else to VARCHAR.
 */
export function widenType(a: string, b: string): string {
  if (a === b) return a;
  if (a === 'NULL') return b;
  if (b === 'NULL') return a;
  const ia = signedInteger(a);
  const ib = signedInteger(b);
  if (ia && ib) return INTEGERS[Math.max(INTEGERS.indexOf(ia), INTEGERS.indexOf(ib))]!;
  if (isNumber(a) && isNumber(b)) return 'DOUBLE';
  if (isTime(a) && isTime(b)) {
    if (a === TIMESTAMP_TZ || b === TIMESTAMP_TZ) return TIMESTAMP_TZ;
    return 'TIMESTAMP';
  }
  if (isNested(a) && isNested(b)) return 'JSON';
  return 'VARCHAR';
}

export interface MergedSchema {
  columns: ExternalColumn[];
  changes: ExternalSchemaChange[];
}

/**
 * The schema after a crawl: every column seen before (a column missing from new files stays, and
 * reads as NULL there), types widened to hold what the new files hold, new columns at the end.
 */
export function mergeSchema(previous: readonly ExternalColumn[] | undefined, found: readonly ExternalColumn[]): MergedSchema {
  if (!previous) return { columns: found.map((c) => ({ ...c })), changes: [] };
  const columns = previous.map((c) => ({ ...c }));
  const changes: ExternalSchemaChange[] = [];
  for (const f of found) {
    const old = columns.find((c) => c.name === f.name) ?? columns.find((c) => c.name.toLowerCase() === f.name.toLowerCase());
    if (!old) {
      columns.push({ ...f });
      changes.push({ column: f.name, kind: 'added', to: f.type });
      continue;
    }
    const type = widenType(old.type, f.type);
    if (type !== old.type) {
      changes.push({ column: old.name, kind: 'widened', from: old.type, to: type });
      old.type = type;
    }
  }
  return { columns, changes };
}

function signedInteger(t: string): string | undefined {
  return INTEGERS.includes(t) ? t : UNSIGNED_FITS[t];
}

function isNumber(t: string): boolean {
  return signedInteger(t) !== undefined || t === 'FLOAT' || t === 'DOUBLE' || t.startsWith('DECIMAL');
}

function isTime(t: string): boolean {
  return t === 'DATE' || t === TIMESTAMP_TZ || TIMESTAMPS.includes(t);
}

function isNested(t: string): boolean {
  return t === 'JSON' || t.startsWith('STRUCT(') || t.startsWith('MAP(') || t.endsWith('[]');
}
