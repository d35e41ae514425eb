import { type Engine, quoteIdent } from '../core/index.js';
import type { CsvDialect } from './file-csv-dialect.js';
import { duckdbLines, mapCsvLines, type LineMap } from './file-csv-lines.js';
import type { CsvRejectedRecord } from './file-csv-rejects.js';
import type { Compression } from './file-format.js';
import { dropTables, linesSource, newRejectTables, noCrOrNul, notUtf8, wholeText } from './file-lines.js';

/** The good rows of one CSV read, in file order (`rowid` order), and how to count a row's newlines. */
export interface GoodRows {
  table: string;
  /** SQL over one row of `table` giving the newlines inside its values; null when none can hold one. */
  newlines: string | null;
  count: number;
}

/**
 * SQL counting the newlines inside a record's text values (only text can hold one), or null when
 * the dialect has no text columns.
 */
export function newlinesSql(dialect: CsvDialect): string | null {
  const texts = dialect.names.filter((_, i) => dialect.types[i] === 'VARCHAR');
  if (texts.length === 0) return null;
  return texts.map((n) => `coalesce(length(${quoteIdent(n)}) - length(replace(${quoteIdent(n)}, chr(10), '')), 0)`).join(' + ');
}

/** Physical lines of the good rows and of the rejects (see file-csv-lines.ts). */
export async function locateCsvLines(
  engine: Engine,
  path: string,
  compression: Compression,
  dialect: CsvDialect,
  good: GoodRows,
  rejected: CsvRejectedRecord[],
): Promise<LineMap> {
  const scan = await scanBlankLines(engine, path, compression);
  if (!scan) return duckdbLines(dialect.header ? 2 : 1, rejected);
  // With one column a blank line is a record (a NULL value), not something DuckDB skips.
  const blankLines = dialect.names.length === 1 ? [] : scan.blankLines;
  // Every record spans at least one line; when the lines add up to one each, none holds a newline.
  const header = dialect.header ? 1 : 0;
  const oneLineEach = scan.totalLines === header + good.count + rejected.length + blankLines.length;
  return mapCsvLines({
    firstDataLine: header + 1,
    goodCount: good.count,
    multiLineGood: oneLineEach ? new Map() : await multiLineRows(engine, good),
    rejects: rejected,
    blankLines,
    totalLines: scan.totalLines,
  });
}

/**
 * Empty physical lines and the line count: for a plain file, from its newlines (countPlainLines);
 * else from one plain line scan; null if the scan fails (stray `\r`). DuckDB's latin-1 refuses
 * bytes 0x80-0x9F; the UTF-8 scan then takes over, its bad lines set aside like the others it
 * cannot take.
 */
async function scanBlankLines(
  engine: Engine,
  path: string,
  compression: Compression,
): Promise<{ blankLines: number[]; totalLines: number } | null> {
  const plain = compression === 'none' ? await countPlainLines(engine, path) : null;
  if (plain !== null) return { blankLines: [], totalLines: plain };
  const rejects = newRejectTables();
  try {
    const scan = (encoding: 'latin-1' | 'utf-8') =>
      engine.all<{ total: bigint; blanks: bigint[] | null }>(
        `SELECT count(*) AS total, list(ord ORDER BY ord) FILTER (WHERE text IS NULL) AS blanks
         FROM (SELECT row_number() OVER () AS ord, text FROM ${linesSource(path, compression, encoding, rejects)})`,
      );
    const rows = await scan('latin-1').catch(async () => {
      await dropTables(engine, rejects.errors, rejects.scans);
      return scan('utf-8').catch(() => null);
    });
    if (!rows) return null;
    const skipped = await engine.all<{ line: bigint }>(
      `SELECT DISTINCT line FROM ${quoteIdent(rejects.errors)} ORDER BY line`,
    ).catch(() => []);
    // Lines the scan itself rejected (over-long, NUL bytes) have no row; shift the ordinals past them.
    const gaps = skipped.map((r, j) => Number(r.line) - (j + 1));
    let j = 0;
    const blankLines = (rows[0]?.blanks ?? []).map((ordinal) => {
      const ord = Number(ordinal);
      while (j < gaps.length && (gaps[j] as number) < ord) j += 1;
      return ord + j;
    });
    return { blankLines, totalLines: Number(rows[0]?.total ?? 0) + skipped.length };
  } finally {
    await dropTables(engine, rejects.errors, rejects.scans);
  }
}

/**
 * The line count of a file with no blank line, carriage return or NUL byte, from its text split at
 * newlines (a sixth of the line scan's cost); null for any other file, or one too big to hold twice
 * in a small share of the memory limit, or not UTF-8: the line scan handles those.
 */
async function countPlainLines(engine: Engine, path: string): Promise<number | null> {
  const file = await wholeText(engine, path, PLAIN_COUNT_BYTES, 16);
  if (file === null) return null;
  const nl = 'chr(10)';
  const rows = await engine
    .all<{ n: bigint }>(
      `SELECT len(string_split(content, ${nl})) - CASE WHEN suffix(content, ${nl}) THEN 1 ELSE 0 END AS n FROM ${file}
       WHERE content <> '' AND ${noCrOrNul('content')} AND NOT (contains(content, ${nl} || ${nl}) OR starts_with(content, ${nl}))`,
    )
    .catch((e: unknown) => {
      if (notUtf8(e)) return [];
      throw e;
    });
  return rows.length === 1 ? Number(rows[0]?.n) : null;
}

const PLAIN_COUNT_BYTES = 128 * 1024 ** 2;

/** Good rows whose values hold newlines, i.e. records spanning several physical lines. */
async function multiLineRows(engine: Engine, good: GoodRows): Promise<Map<number, number>> {
  if (good.newlines === null) return new Map();
  const rows = await engine.all<{ ord: bigint; extra: bigint | number }>(
    `SELECT ord, extra FROM (SELECT rowid + 1 AS ord, ${good.newlines} AS extra FROM ${quoteIdent(good.table)}) WHERE extra > 0 ORDER BY ord`,
  );
  return new Map(rows.map((r) => [Number(r.ord), 1 + Number(r.extra)]));
}
