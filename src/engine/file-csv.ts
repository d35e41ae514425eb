import type { Engine } from './duckdb.js';
import { sniffCsv, type CsvDialect } from './file-csv-dialect.js';
import { duckdbLines, mapCsvLines, type LineMap } from './file-csv-lines.js';
import { collectCsvRejects, type CsvRejectedRecord } from './file-csv-rejects.js';
import type { Compression } from './file-format.js';
import { compressionArg, dropTables, linesSource, MAX_LINE_BYTES, newRejectTables, tempName, type RejectTables } from './file-lines.js';
import type { FileRead, ReadOptions } from './file-types.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';

/**
 * Reads one CSV/TSV file with DuckDB's `read_csv`: an explicit dialect (see sniffCsv) and column
 * list, strict RFC 4180 parsing, and `ignore_errors` + `store_rejects` so good records load and
 * each bad one comes back with its line and reason.
 */
export async function readCsv(
  engine: Engine,
  path: string,
  compression: Compression,
  format: 'csv' | 'tsv',
  opts: ReadOptions,
): Promise<FileRead> {
  const dialect = await sniffCsv(engine, path, compression, format === 'tsv' ? '\t' : undefined, opts);
  if (!dialect) return { query: null, columns: [], rows: 0, rejects: [], warnings: [], tables: [] };
  const staging = tempName('csv');
  const rejectTables = newRejectTables();
  try {
    const warnings = [...dialect.warnings];
    const load = (strict: boolean) =>
      engine.run(
        `CREATE OR REPLACE TEMP TABLE ${quoteIdent(staging)} AS SELECT * FROM ${csvSource(path, compression, dialect, rejectTables, strict)}`,
      );
    // DuckDB's strict parser gives up on a whole file for some defects (a stray \r inside a value).
    await load(true).catch(async (e: Error) => {
      warnings.push(`${path}: read leniently, strict CSV parsing failed: ${firstLine(e.message)}`);
      await dropTables(engine, rejectTables.errors, rejectTables.scans);
      await load(false);
    });
    const rejected = await collectCsvRejects(engine, rejectTables.errors);
    const goodCount = Number((await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(staging)}`))[0]?.n ?? 0);
    const lines = await mapLines(engine, path, compression, dialect, staging, goodCount, rejected);
    if (!lines.exact) warnings.push(`${path}: could not match records to physical lines; line numbers are DuckDB's record count`);
    const tables = [staging];
    const query = await lineQuery(engine, staging, lines.segments, tables);
    return {
      query,
      columns: dialect.names.map((name, i) => ({ name, duckdbType: dialect.types[i] ?? 'VARCHAR' })),
      rows: goodCount,
      rejects: rejected.map((r, i) => ({ file: path, line: lines.rejectLines[i] ?? null, column: r.column, raw: r.raw, error: r.error })),
      warnings,
      tables,
    };
  } catch (e) {
    await dropTables(engine, staging);
    throw e;
  } finally {
    await dropTables(engine, rejectTables.errors, rejectTables.scans);
  }
}

function csvSource(path: string, compression: Compression, d: CsvDialect, rejects: RejectTables, strict: boolean): string {
  const columns = d.names.map((n, i) => `${quoteLiteral(n)}: ${quoteLiteral(d.types[i] ?? 'VARCHAR')}`).join(', ');
  const formats = [
    d.dateFormat ? `, dateformat = ${quoteLiteral(d.dateFormat)}` : '',
    d.timestampFormat ? `, timestampformat = ${quoteLiteral(d.timestampFormat)}` : '',
  ].join('');
  return `read_csv(${quoteLiteral(path)}, columns = {${columns}}, header = ${d.header}, auto_detect = false,
    delim = ${quoteLiteral(d.delimiter)}, quote = '"', escape = '"', strict_mode = ${strict}, null_padding = false,
    encoding = 'utf-8', compression = ${compressionArg(compression)}, max_line_size = ${MAX_LINE_BYTES},
    buffer_size = ${MAX_LINE_BYTES * 2}, ignore_errors = true, store_rejects = true,
    rejects_table = ${quoteLiteral(rejects.errors)}, rejects_scan = ${quoteLiteral(rejects.scans)}${formats})`;
}

async function mapLines(
  engine: Engine,
  path: string,
  compression: Compression,
  dialect: CsvDialect,
  staging: string,
  goodCount: number,
  rejected: CsvRejectedRecord[],
): Promise<LineMap> {
  const scan = await scanBlankLines(engine, path, compression);
  if (!scan) return duckdbLines(dialect.header ? 2 : 1, rejected);
  // With one column a blank line is a record (a NULL value), not something DuckDB skips.
  const blankLines = dialect.names.length === 1 ? [] : scan.blankLines;
  return mapCsvLines({
    firstDataLine: dialect.header ? 2 : 1,
    goodCount,
    multiLineGood: await multiLineRows(engine, staging, dialect),
    rejects: rejected,
    blankLines,
    totalLines: scan.totalLines,
  });
}

/** Empty physical lines and the line count, from one plain line scan; null if the scan fails (stray `\r`). */
async function scanBlankLines(
  engine: Engine,
  path: string,
  compression: Compression,
): Promise<{ blankLines: number[]; totalLines: number } | null> {
  const rejects = newRejectTables();
  try {
    const rows = await engine
      .all<{ total: bigint; blanks: bigint[] | null }>(
        `SELECT count(*) AS total, list(ord ORDER BY ord) FILTER (WHERE text IS NULL) AS blanks
         FROM (SELECT row_number() OVER () AS ord, text FROM ${linesSource(path, compression, 'latin-1', rejects)})`,
      )
      .catch(() => null);
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

/** Good rows whose values hold newlines, i.e. records spanning several physical lines. */
async function multiLineRows(engine: Engine, staging: string, dialect: CsvDialect): Promise<Map<number, number>> {
  const texts = dialect.names.filter((_, i) => dialect.types[i] === 'VARCHAR');
  if (texts.length === 0) return new Map();
  const newlines = texts
    .map((n) => `coalesce(length(${quoteIdent(n)}) - length(replace(${quoteIdent(n)}, chr(10), '')), 0)`)
    .join(' + ');
  const rows = await engine.all<{ ord: bigint; extra: bigint | number }>(
    `SELECT ord, extra FROM (SELECT rowid + 1 AS ord, ${newlines} AS extra FROM ${quoteIdent(staging)}) WHERE extra > 0 ORDER BY ord`,
  );
  return new Map(rows.map((r) => [Number(r.ord), 1 + Number(r.extra)]));
}

/** The staging rows with `_source_line`, via a table of line segments when there is more than one. */
async function lineQuery(engine: Engine, staging: string, segments: [number, number][], tables: string[]): Promise<string> {
  const first = segments[0] ?? [1, 1];
  if (segments.length === 1) {
    return `SELECT *, (rowid + ${1 + first[1] - first[0]})::BIGINT AS _source_line FROM ${quoteIdent(staging)}`;
  }
  const seg = tempName('segments');
  tables.push(seg);
  await engine.run(`CREATE TEMP TABLE ${quoteIdent(seg)} (i BIGINT, p BIGINT)`);
  for (let k = 0; k < segments.length; k += 1000) {
    const values = segments.slice(k, k + 1000).map(([i, p]) => `(${i}, ${p})`).join(', ');
    await engine.run(`INSERT INTO ${quoteIdent(seg)} VALUES ${values}`);
  }
  return `SELECT s.* EXCLUDE (_silt_ord), (seg.p + s._silt_ord - seg.i)::BIGINT AS _source_line
    FROM (SELECT *, rowid + 1 AS _silt_ord FROM ${quoteIdent(staging)}) s
    ASOF JOIN ${quoteIdent(seg)} seg ON s._silt_ord >= seg.i ORDER BY s._silt_ord`;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/^[A-Za-z ]+Error: /, '').trim();
}
