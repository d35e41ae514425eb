/**
 * PII detection on a sample: regexes per kind (plus a Luhn check for card numbers, and a column
 * name hint for person names, whose values alone look like any capitalized words).
 */
import { type Engine, quoteLiteral } from '../engine/index.js';
import type { PiiKind } from './contract-schema.js';
import { isLineage } from './lineage.js';
import { sourceColumns } from './source-columns.js';

export interface PiiFinding {
  column: string;
  kind: PiiKind;
  /** Share of the sampled non-empty values that look like `kind`, 0..1. */
  matchRatio: number;
}

// Tie order: the stricter test first (a card number also looks like a phone number).
const KINDS: readonly PiiKind[] = ['card_number', 'national_id', 'email', 'phone', 'address', 'name'];
const SCANNED = /^(VARCHAR|BIGINT|INTEGER|HUGEINT|UBIGINT)$/;
const NAME_COLUMN = /name/i;
const NOT_A_PERSON = /(product|file|host|company|brand|item|table|column|schema|city|country|street|user|display|domain|event|page|app|device|model|category|store|shop|bucket|key|type|sensor|plan|tag)/i;

function digits(v: string): string {
  return `regexp_replace(${v}, '[^0-9]', '', 'g')`;
}

function test(kind: PiiKind, v: string): string {
  const re = (pattern: string): string => `regexp_full_match(${v}, ${quoteLiteral(pattern)})`;
  switch (kind) {
    case 'email':
      return re('[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}');
    case 'card_number': {
      const r = `reverse(${digits(v)})`;
      const digit = `CAST(substr(${r}, __silt_i, 1) AS INTEGER)`;
      const luhn = `list_sum([CASE WHEN __silt_i % 2 = 0 THEN ${digit} * 2 - CASE WHEN ${digit} >= 5 THEN 9 ELSE 0 END ELSE ${digit} END FOR __silt_i IN range(1, length(${r}) + 1)]) % 10 = 0`;
      return `(${re('[0-9][0-9 -]{11,22}[0-9]')} AND length(${digits(v)}) BETWEEN 13 AND 19 AND ${luhn})`;
    }
    case 'phone':
      // A date or timestamp written as text (2025-03-14, 2025/03/14 10:22:05) has a phone number's digits and separators.
      return `(${re('\\+?[0-9(][0-9 ().-]{5,18}[0-9]')} AND length(${digits(v)}) BETWEEN 7 AND 15 AND (length(${digits(v)}) >= 10 OR NOT ${re('[0-9]+')}) AND NOT ${re('[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}([ T].*)?')})`;
    case 'national_id':
      return `(${re('[0-9]{3}-[0-9]{2}-[0-9]{4}')} OR ${re('[A-CEGHJ-PR-TW-Z]{2}[0-9]{6}[A-D]')})`;
    case 'address':
      return re('(?i)[0-9]+[a-z]?\\s+.*\\b(st|street|ave|avenue|rd|road|blvd|boulevard|ln|lane|dr|drive|way|ct|court|pl|place|sq|square|ter|terrace|hwy|highway)\\b\\.?(,.*)?');
    case 'name':
      return re("\\p{Lu}[\\p{Ll}'-]+( \\p{Lu}[\\p{Ll}'-]+){0,3}");
  }
}

/** The share of a column's sampled values that must look like a kind for the column to be PII. */
export const PII_MIN_RATIO = 0.5;


/** Columns of `relation` (STRUCTs flattened) whose sampled values mostly look like PII. */
export async function scanPii(engine: Engine, relation: string, sampleRows = 1000, minRatio = PII_MIN_RATIO): Promise<PiiFinding[]> {
  return (await profilePii(engine, relation, sampleRows)).flatMap((c) =>
    c.kind !== undefined && c.matchRatio >= minRatio ? [{ column: c.column, kind: c.kind, matchRatio: c.matchRatio }] : [],
  );
}

export interface PiiColumnProfile {
  column: string;
  /** Non-empty values in the sample. */
  sampled: number;
  /** The kind most sampled values look like, if any does. */
  kind?: PiiKind;
  /** How many sampled values look like `kind`. */
  matches: number;
  matchRatio: number;
}

/** Every scanned column of `relation` with the PII kind most of its sampled values look like, and the counts. */
export async function profilePii(engine: Engine, relation: string, sampleRows = 1000): Promise<PiiColumnProfile[]> {
  const columns = (await sourceColumns(engine, relation, true, 'pii scan')).filter((c) => SCANNED.test(c.type) && !isLineage(c.name));
  if (columns.length === 0) return [];
  const values = columns.map((c, i) => `NULLIF(trim(CAST(${c.expr} AS VARCHAR)), '') AS __silt_v${i}`).join(', ');
  const rows = Math.max(1, Math.floor(sampleRows));
  const aggregates = columns.flatMap((c, i) => {
    const v = `__silt_v${i}`;
    const kinds = KINDS.filter((k) => k !== 'name' || (NAME_COLUMN.test(c.name) && !NOT_A_PERSON.test(c.name)));
    return [`count(${v}) AS n${i}`, ...kinds.map((k) => `count_if(${test(k, v)}) AS ${k}${i}`)];
  });
  const [row] = await engine.allJson(
    `WITH __silt_sample AS (SELECT ${values} FROM ${relation} USING SAMPLE reservoir(${rows} ROWS) REPEATABLE (42)) SELECT ${aggregates.join(', ')} FROM __silt_sample`,
  );
  return columns.map((c, i) => {
    const n = Number(row?.[`n${i}`] ?? 0);
    const profile: PiiColumnProfile = { column: c.name, sampled: n, matches: 0, matchRatio: 0 };
    for (const kind of KINDS) {
      const hits = Number(row?.[`${kind}${i}`] ?? 0);
      if (n > 0 && hits > profile.matches) Object.assign(profile, { kind, matches: hits, matchRatio: hits / n });
    }
    return profile;
  });
}
