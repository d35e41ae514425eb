import { type Engine, quoteFilePath, quoteIdent, quoteLiteral } from '../core/index.js';
import type { Compression } from './file-format.js';

/** Longest line (or CSV record) the readers accept; longer ones become rejects, never a crash. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface RejectTables {
  errors: string;
  scans: string;
}

let counter = 0;

/**
 * A fresh name for a working table owned by one read. Reads make plain tables, not TEMP ones, so
 * that a read made on a fork of the engine (see sideBySide) is seen by the engine itself.
 */
export function tempName(kind: string): string {
  counter += 1;
  return `silt_read_${kind}_${process.pid}_${counter}`;
}

export function newRejectTables(): RejectTables {
  return { errors: tempName('rejects'), scans: tempName('scans') };
}

/**
 * Drops temporary tables, mostly from `finally` blocks: it never throws, so a failing drop (say
 * on a DuckDB that a full disk invalidated) cannot replace the error being reported or fail a
 * write already committed; a temporary table left behind goes with the in-memory database.
 */
export async function dropTables(engine: Engine, ...names: string[]): Promise<void> {
  for (const name of names) await engine.run(`DROP TABLE IF EXISTS ${quoteIdent(name)}`).catch(() => undefined);
}

export function compressionArg(compression: Compression): string {
  return compression === 'none' ? "'none'" : quoteLiteral(compression);
}

/**
 * A `read_csv` call that yields each physical line of a file as one VARCHAR column `text`, in file
 * order: no quoting, NUL as the never-seen delimiter, strict so a line holding a NUL byte is a
 * reject rather than silently cut. Blank lines come back as NULL rows. `latin-1` never fails to
 * decode, so it is used when only line structure matters. DuckDB 1.5 accepts `\n` and `\r\n`
 * line ends; a stray `\r` inside a line makes the strict scan fail as a whole, and the lenient one
 * (`strict = false`) then splits lines there, so callers treat its numbers as approximate.
 */
export function linesSource(
  path: string,
  compression: Compression,
  encoding: 'utf-8' | 'latin-1',
  rejects: RejectTables,
  strict = true,
): string {
  return `read_csv(${quoteFilePath(path)}, columns = {'text': 'VARCHAR'}, header = false, auto_detect = false, hive_partitioning = false,
    delim = chr(0), quote = '', escape = '', strict_mode = ${strict}, encoding = ${quoteLiteral(encoding)},
    compression = ${compressionArg(compression)}, max_line_size = ${MAX_LINE_BYTES},
    buffer_size = ${MAX_LINE_BYTES * 2}, ignore_errors = true, store_rejects = true,
    rejects_table = ${quoteLiteral(rejects.errors)}, rejects_scan = ${quoteLiteral(rejects.scans)})`;
}

/**
 * SQL for `source` (with an `ord` column numbering the rows that survived, 1-based) plus `line`:
 * the physical line, skipping the lines listed in `excluded` (a query with a `line` column, e.g.
 * lines DuckDB rejected before they became rows).
 */
export function shiftLinesSql(source: string, excluded: string): string {
  return `WITH ex AS (
      SELECT line - row_number() OVER (ORDER BY line) AS t, row_number() OVER (ORDER BY line) AS j
      FROM (SELECT DISTINCT line FROM (${excluded}) WHERE line IS NOT NULL)
    ), steps AS (SELECT t, max(j) AS j FROM ex GROUP BY t)
    SELECT s.*, s.ord + coalesce(steps.j, 0) AS line
    FROM (${source}) s ASOF LEFT JOIN steps ON s.ord > steps.t`;
}

/** Why a line longer than MAX_LINE_BYTES is a reject, given its size in bytes (null when unknown), and what to do. */
export function longLineReason(bytes: number | null, advice: string): string {
  const size = bytes === null ? 'too long' : `${bytes.toLocaleString('en-US')} bytes`;
  return `line is ${size}, more than the ${MAX_LINE_BYTES / 1024 ** 2} MiB Silt reads in one line; ${advice}`;
}

/** The size DuckDB's LINE SIZE OVER MAXIMUM message gives, or null. */
export function duckdbLineSize(message: string): number | null {
  const size = /Actual Size:\s*(\d+)/.exec(message)?.[1];
  return size === undefined ? null : Number(size);
}

/** For DuckDB's error on a compressed file it cannot inflate (damaged, or not that format): the reject reason; else null. */
export function decompressionError(e: unknown, compression: Compression): string | null {
  const message = e instanceof Error ? (e.message.split('\n')[0] ?? '') : '';
  if (compression === 'none' || !/^IO Error: .*(gzip|zstd|compress|inflate)/i.test(message)) return null;
  const reason = message.replace(/^IO Error: /, '').replace(/:\s*\/\S*$/, '').replace(/\.$/, '');
  return `cannot decompress the ${compression} file (${reason}): it is damaged or not ${compression}; land a good copy again`;
}

/**
 * A file read whole as one text (`read_text`), when it is at most `maxBytes` and, held `footprint`
 * times over, within DuckDB's memory limit; null for a bigger one. Its `content` column is the text.
 */
export async function wholeText(engine: Engine, path: string, maxBytes: number, footprint: number): Promise<string | null> {
  const file = `read_text(${quoteFilePath(path)})`;
  const size = await engine.all<{ size: bigint }>(`SELECT size FROM ${file}`);
  const bytes = Number(size[0]?.size);
  if (size.length !== 1 || bytes > maxBytes || bytes * footprint > (await engine.memoryLimitBytes())) return null;
  return file;
}

/** SQL over a whole text: true when it holds no carriage return or NUL byte, which only a line scan numbers right. */
export function noCrOrNul(content: string): string {
  return `NOT (contains(${content}, chr(13)) OR contains(${content}, chr(0)))`;
}

/** Whether `read_text` refused a file for not being UTF-8 (a line scan then reads it, reporting the bad lines). */
export function notUtf8(e: unknown): boolean {
  return /as valid UTF-8/.test(e instanceof Error ? e.message : String(e));
}
