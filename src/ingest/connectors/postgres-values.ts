import pg from 'pg';

/**
 * PostgreSQL values as JSON, from the text PostgreSQL sends (the session runs in UTC, DateStyle
 * ISO). Chosen so a value survives exactly and a column keeps one JSON type:
 * - booleans, int2/int4/oid and float4/float8 as JSON numbers and booleans (NaN and ±Infinity,
 *   which JSON cannot hold, as their text);
 * - int8 as a JSON number, exact however large (a bigint past 2^53);
 * - numeric as a string: a JSON number would be read as a double and lose digits;
 * - timestamptz as ISO 8601 with its offset (`2026-12-08T01:02:03.123456+00:00`), timestamp
 *   without one, date as `YYYY-MM-DD`: microseconds kept;
 * - bytea as base64; json/jsonb as their JSON text (one string column, whatever shapes the
 *   documents take); arrays as JSON arrays of the same mappings;
 * - anything else (uuid, text, interval in ISO 8601, time, enums, …) as PostgreSQL's text.
 */
export function jsonValue(raw: string | null, oid: number): unknown {
  if (raw === null) return null;
  const element = ARRAY_ELEMENT.get(oid);
  if (element !== undefined) return mapArray(parseTextArray(raw), element);
  switch (oid) {
    case 16:
      return raw === 't';
    case 21:
    case 23:
    case 26:
      return Number(raw);
    case 20: {
      const n = Number(raw);
      return Number.isSafeInteger(n) ? n : BigInt(raw);
    }
    case 700:
    case 701: {
      const n = Number(raw);
      return Number.isFinite(n) ? n : raw;
    }
    case 1114:
      return raw.replace(' ', 'T');
    case 1184:
      return isoWithOffset(raw);
    case 17:
      return raw.startsWith('\\x') ? Buffer.from(raw.slice(2), 'hex').toString('base64') : raw;
    default:
      return raw;
  }
}

/** `2026-12-08 01:02:03.5+00` → `2026-12-08T01:02:03.5+00:00`; `infinity` and BC dates as they are. */
function isoWithOffset(raw: string): string {
  if (!/^\d{4}-\d\d-\d\d \d/.test(raw) || raw.endsWith(' BC')) return raw;
  const t = raw.replace(' ', 'T');
  return /[+-]\d\d$/.test(t) ? `${t}:00` : t;
}

/** pg's parser of text[] (oid 1009; its TypeId list names no array types): nested arrays, NULL as null. */
const parseTextArray = (pg.types.getTypeParser as (oid: number) => (raw: string) => unknown[])(1009);

function mapArray(values: unknown[], element: number): unknown[] {
  return values.map((v) => (Array.isArray(v) ? mapArray(v, element) : jsonValue(v as string | null, element)));
}

/** Array types by their element type. */
const ARRAY_ELEMENT = new Map<number, number>([
  [1000, 16], [1005, 21], [1007, 23], [1016, 20], [1021, 700], [1022, 701], [1231, 1700], [1115, 1114], [1185, 1184],
  [1182, 1082], [1001, 17], [1009, 25], [1015, 1043], [1014, 1042], [2951, 2950], [199, 114], [3807, 3802], [1028, 26],
]);
