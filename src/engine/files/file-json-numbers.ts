import { type Engine, quoteIdent, quoteLiteral } from '../core/index.js';
import type { Reject } from './file-types.js';

/**
 * A top-level column as SQL over one parsed record: its value, and the checks that send a record
 * to rejects instead of changing its value silently.
 */
export interface CheckedColumn {
  name: string;
  value: string;
  checks: { when: string; why: string }[];
}

const KEEP = 'send such numbers as JSON strings to keep them exactly';

/**
 * An integer column: BIGINT (Iceberg's long). `value` is the number as DuckDB parsed it, `text` as
 * written in the file; a value past BIGINT is a reject naming it.
 */
export function integerColumn(name: string, value: string, text: string): CheckedColumn {
  const cast = `TRY_CAST(${value} AS BIGINT)`;
  return {
    name,
    value: cast,
    checks: [{ when: `(${value} IS NOT NULL AND ${cast} IS NULL)`, why: why(name, text, `does not fit a 64-bit integer (long); ${KEEP}`) }],
  };
}

/**
 * A DOUBLE column read from the numbers' text as written (`text`, VARCHAR): a value past a
 * double's range (1e400), or an integer with more digits than a double holds exactly
 * (9007199254740993), is a reject rather than Infinity or a nearby number. Decimal fractions
 * (0.1, 1e23) are taken as the parser rounds them, as every JSON reader does, and NaN and
 * Infinity (not JSON, but what Python writes) as themselves; DuckDB keeps no
 * text for them, so a fraction past 17 digits or an underflow (1e-400) cannot be caught here.
 */
export function doubleColumn(name: string, text: string): CheckedColumn {
  const d = `TRY_CAST(${text} AS DOUBLE)`;
  // Infinity written as such (Python's json does) means infinity; 1e400 does not.
  const INFINITY = `regexp_full_match(${text}, '-?Infinity')`;
  const inexact = `(strlen(${text}) > 15 AND regexp_full_match(${text}, '-?[0-9]+')
    AND (strlen(ltrim(${text}, '-')) > 38 OR TRY_CAST(${text} AS HUGEINT) <> TRY_CAST(${d} AS HUGEINT)))`;
  return {
    name,
    value: d,
    checks: [
      { when: `(${text} IS NOT NULL AND (${d} IS NULL OR (isinf(${d}) AND NOT ${INFINITY})))`, why: why(name, text, `is out of the range of a double; ${KEEP}`) },
      { when: inexact, why: why(name, text, `has more digits than a double holds exactly; ${KEEP}`) },
    ],
  };
}

function why(name: string, text: string, problem: string): string {
  return `${quoteLiteral(`column ${name}: `)} || ${text} || ${quoteLiteral(` ${problem}`)}`;
}

/**
 * Of the given DOUBLE columns (SQL for each over `source`), those holding a value of 2^53 or more
 * (Infinity included): the only values that may stand for a number written with more digits than
 * a double holds, or past its range. Other columns need no check, and stay parsed as doubles.
 */
export async function suspectDoubles(engine: Engine, source: string, values: Map<string, string>): Promise<Set<string>> {
  if (values.size === 0) return new Set();
  const keys = [...values.keys()];
  const big = (v: string) => `bool_or(abs(${v}) >= 9007199254740992)`;
  const row = (await engine.all(`SELECT ${keys.map((k, i) => `${big(values.get(k)!)} AS c${i}`).join(', ')} FROM ${source}`))[0] ?? {};
  return new Set(keys.filter((_, i) => row[`c${i}`] === true));
}

/**
 * Of the given number columns (SQL for each one's text over `source`), those whose every value is
 * written as an integer: a column DuckDB merged to DOUBLE only because one integer was past 64 bits.
 */
export async function integralColumns(engine: Engine, source: string, texts: Map<string, string>): Promise<Set<string>> {
  if (texts.size === 0) return new Set();
  const keys = [...texts.keys()];
  const integral = (t: string) => `bool_and(regexp_full_match(${t}, '-?[0-9]+'))`;
  const row = (await engine.all(`SELECT ${keys.map((k, i) => `${integral(texts.get(k)!)} AS c${i}`).join(', ')} FROM ${source}`))[0] ?? {};
  return new Set(keys.filter((_, i) => row[`c${i}`] === true));
}

/**
 * The records that fail a check of `columns`, evaluated over `source` (with `line`), each a reject
 * with the record's text from `records` and the first failed check's reason. `failing` is SQL that
 * is true for them, for the caller to leave them out.
 */
export async function checkedRejects(
  engine: Engine,
  path: string,
  source: string,
  records: string,
  columns: CheckedColumn[],
  cut: (text: string) => string,
): Promise<{ rejects: Reject[]; failing: string }> {
  // A check that comes out NULL (a missing value) must not drop the row from both sides.
  const checks = columns.flatMap((c) => c.checks.map((k) => ({ column: c.name, why: k.why, when: `coalesce(${k.when}, false)` })));
  if (checks.length === 0) return { rejects: [], failing: 'false' };
  const column = `CASE ${checks.map((k) => `WHEN ${k.when} THEN ${quoteLiteral(k.column)}`).join(' ')} END`;
  const reason = `CASE ${checks.map((k) => `WHEN ${k.when} THEN ${k.why}`).join(' ')} END`;
  const rows = await engine.all<{ line: bigint; col: string; why: string; text: string }>(
    `SELECT p.line, p.col, p.why, r.text FROM (SELECT line, ${column} AS col, ${reason} AS why FROM ${source}) p
     JOIN ${quoteIdent(records)} r ON r.line = p.line WHERE p.col IS NOT NULL ORDER BY p.line`,
  );
  return {
    rejects: rows.map((r) => ({ file: path, line: Number(r.line), column: r.col, raw: cut(r.text), error: r.why })),
    failing: checks.map((k) => k.when).join(' OR '),
  };
}
