import { type Engine, quoteFilePath, quoteIdent, quoteLiteral } from '../core/index.js';
import type { InputFile } from './file-input.js';
import { readCsvExtras, sniffCsv, type CsvDialect } from './file-csv-dialect.js';
import { locateCsvLines, newlinesSql } from './file-csv-locate.js';
import { detailCsvRejects } from './file-csv-reject-detail.js';
import { collectCsvRejects } from './file-csv-rejects.js';
import type { Compression } from './file-format.js';
import { compressionArg, dropTables, MAX_LINE_BYTES, newRejectTables, tempName, type RejectTables } from './file-lines.js';
import type { Column, FileRead, ReadOptions } from './file-types.js';

/**
 * Reads one CSV/TSV file with DuckDB's `read_csv`: an explicit dialect (see sniffCsv) and column
 * list, strict RFC 4180 parsing, and `ignore_errors` + `store_rejects` so good records load and
 * each bad one comes back with its line and reason. The good rows land in a temp table, each with
 * its physical line (`_source_line`); see streamCsv for reading without line numbers.
 */
export async function readCsv(
  engine: Engine,
  file: InputFile,
  compression: Compression,
  format: 'csv' | 'tsv',
  opts: ReadOptions,
): Promise<FileRead> {
  const { path } = file;
  const dialect = await sniffCsv(engine, file, compression, format === 'tsv' ? '\t' : undefined, opts);
  if (!dialect) return { query: null, columns: [], rows: 0, rejects: [], warnings: [], tables: [] };
  const staging = tempName('csv');
  const rejectTables = newRejectTables();
  try {
    const warnings = [...dialect.warnings];
    const load = (strict: boolean) =>
      engine.run(
        `CREATE OR REPLACE TABLE ${quoteIdent(staging)} AS SELECT * FROM ${csvSource(path, compression, dialect, rejectTables, strict)}`,
      );
    // DuckDB's strict parser gives up on a whole file for some defects (a stray \r inside a value).
    await load(true).catch(async (e: Error) => {
      warnings.push(lenientWarning(path, e));
      await dropTables(engine, rejectTables.errors, rejectTables.scans);
      await load(false);
    });
    const rejected = await collectCsvRejects(engine, rejectTables.errors);
    const goodCount = Number((await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(staging)}`))[0]?.n ?? 0);
    const good = { table: staging, newlines: newlinesSql(dialect), count: goodCount };
    const lines = await locateCsvLines(engine, path, compression, dialect, good, rejected);
    if (!lines.exact) warnings.push(inexactWarning(path));
    const tables = [staging];
    const query = await lineQuery(engine, staging, lines.segments, goodCount, tables);
    return {
      query,
      columns: csvColumns(dialect),
      rows: goodCount,
      rejects: await detailCsvRejects(file, compression, dialect.delimiter, rejected, lines.rejectLines),
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

export function csvColumns(dialect: CsvDialect): Column[] {
  return dialect.names.map((name, i) => ({ name, duckdbType: dialect.types[i] ?? 'VARCHAR' }));
}

export function csvSource(path: string, compression: Compression, d: CsvDialect, rejects: RejectTables, strict: boolean): string {
  const columns = d.names.map((n, i) => `${quoteLiteral(n)}: ${quoteLiteral(d.types[i] ?? 'VARCHAR')}`).join(', ');
  const formats = readCsvExtras(d).join('');
  return `read_csv(${quoteFilePath(path)}, columns = {${columns}}, header = ${d.header}, auto_detect = false, hive_partitioning = false,
    delim = ${quoteLiteral(d.delimiter)}, quote = '"', escape = '"', strict_mode = ${strict}, null_padding = false,
    encoding = 'utf-8', compression = ${compressionArg(compression)}, max_line_size = ${MAX_LINE_BYTES},
    buffer_size = ${MAX_LINE_BYTES * 2}, ignore_errors = true, store_rejects = true,
    rejects_table = ${quoteLiteral(rejects.errors)}, rejects_scan = ${quoteLiteral(rejects.scans)}${formats})`;
}

export function lenientWarning(path: string, e: unknown): string {
  return `${path}: read leniently, strict CSV parsing failed: ${firstLine(e instanceof Error ? e.message : String(e))}`;
}

export function inexactWarning(path: string): string {
  return `${path}: could not match records to physical lines; line numbers are DuckDB's record count`;
}

/**
 * The staging rows with `_source_line`. Past a record spanning several lines the numbering shifts:
 * a table of line segments (from good row `i` on, row `i` is on line `p`) is spelled out into one
 * line per row, in row order, and joined to the rows by position (an ASOF join on the row number
 * with an ORDER BY cost about as much as the rest of the write).
 */
async function lineQuery(engine: Engine, staging: string, segments: [number, number][], count: number, tables: string[]): Promise<string> {
  const first = segments[0] ?? [1, 1];
  if (segments.length === 1) {
    return `SELECT *, (rowid + ${1 + first[1] - first[0]})::BIGINT AS _source_line FROM ${quoteIdent(staging)}`;
  }
  const seg = tempName('segments');
  const lines = tempName('lines');
  tables.push(seg, lines);
  await engine.run(`CREATE TABLE ${quoteIdent(seg)} (i BIGINT, p BIGINT)`);
  for (let k = 0; k < segments.length; k += 1000) {
    const values = segments.slice(k, k + 1000).map(([i, p]) => `(${i}, ${p})`).join(', ');
    await engine.run(`INSERT INTO ${quoteIdent(seg)} VALUES ${values}`);
  }
  await engine.run(
    `CREATE TABLE ${quoteIdent(lines)} AS SELECT ord + p - i AS _source_line
     FROM (SELECT i, p, unnest(range(i, coalesce(lead(i) OVER (ORDER BY i), ${count + 1}))) AS ord FROM ${quoteIdent(seg)})
     ORDER BY ord`,
  );
  return `SELECT s.*, l._source_line::BIGINT AS _source_line FROM ${quoteIdent(staging)} s POSITIONAL JOIN ${quoteIdent(lines)} l`;
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').replace(/^[A-Za-z ]+Error: /, '').replace(/^write: /, '').replace(/^[A-Za-z ]+Error: /, '').trim();
}
