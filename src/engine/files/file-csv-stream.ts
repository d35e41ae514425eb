import { type Engine, quoteIdent } from '../core/index.js';
import type { InputFile } from './file-input.js';
import { sniffCsv, type CsvDialect } from './file-csv-dialect.js';
import { locateCsvLines, newlinesSql } from './file-csv-locate.js';
import { detailCsvRejects } from './file-csv-reject-detail.js';
import { collectCsvRejects, type CsvRejectedRecord } from './file-csv-rejects.js';
import { csvColumns, csvSource, inexactWarning, lenientWarning } from './file-csv.js';
import type { Compression } from './file-format.js';
import { dropTables, newRejectTables, tempName } from './file-lines.js';
import type { FileStream, ReadOptions } from './file-types.js';

/**
 * One CSV/TSV file as a single streaming `read_csv` (same dialect, strictness and rejects as
 * readCsv), for loads that need no line numbers: no temp table, no line scans. DuckDB numbers
 * rejects by record, so only when there are rejects is the file read a second time to turn
 * those numbers into physical lines.
 */
export async function streamCsv(
  engine: Engine,
  file: InputFile,
  compression: Compression,
  format: 'csv' | 'tsv',
  opts: ReadOptions,
): Promise<FileStream> {
  const { path } = file;
  const dialect = await sniffCsv(engine, file, compression, format === 'tsv' ? '\t' : undefined, opts);
  if (!dialect) return emptyStream();
  const rejectTables = newRejectTables();
  const warnings = [...dialect.warnings];
  let strict = true;
  return {
    columns: csvColumns(dialect),
    warnings,
    query: () => `SELECT * FROM ${csvSource(path, compression, dialect, rejectTables, strict)}`,
    async readLeniently(error) {
      const cause = strictFailure(error, path);
      if (!strict || !cause) return false;
      warnings.push(lenientWarning(path, cause));
      await dropTables(engine, rejectTables.errors, rejectTables.scans);
      strict = false;
      return true;
    },
    async rejects() {
      const rejected = await collectCsvRejects(engine, rejectTables.errors);
      if (rejected.length === 0) return [];
      const lines = await rejectLines(engine, path, compression, dialect, strict, rejected);
      if (!lines.exact) warnings.push(inexactWarning(path));
      return detailCsvRejects(file, compression, dialect.delimiter, rejected, lines.rejectLines);
    },
    close: () => dropTables(engine, rejectTables.errors, rejectTables.scans),
  };
}

/** The second pass: the good rows' newline counts in file order (one small column), then the line walk. */
async function rejectLines(engine: Engine, path: string, compression: Compression, dialect: CsvDialect, strict: boolean, rejected: CsvRejectedRecord[]) {
  const table = tempName('csv_newlines');
  const pass = newRejectTables();
  const newlines = newlinesSql(dialect);
  // Every column must be read: DuckDB 1.5 rejects only what it parses, so a pruned read keeps
  // records a full read rejects (or fails outright). The hash is never NULL: the term adds 0.
  const all = `(hash(${dialect.names.map(quoteIdent).join(', ')}) IS NULL)::INTEGER`;
  try {
    await engine.run(
      `CREATE TABLE ${quoteIdent(table)} AS SELECT (${newlines ?? '0'} + ${all})::INTEGER AS extra
       FROM ${csvSource(path, compression, dialect, pass, strict)}`,
    );
    const count = Number((await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(table)}`))[0]?.n ?? 0);
    return await locateCsvLines(engine, path, compression, dialect, { table, newlines: newlines === null ? null : 'extra', count }, rejected);
  } finally {
    await dropTables(engine, table, pass.errors, pass.scans);
  }
}

/**
 * The DuckDB error when it is the CSV reader giving up on `path` (its message lists the reader's
 * options, `file = …` among them), else null.
 */
function strictFailure(error: unknown, path: string): Error | null {
  for (let e = error; e instanceof Error; e = e.cause) {
    if (e.message.includes(`file = ${path}\n`) || e.message.endsWith(`file = ${path}`)) return e;
  }
  return null;
}

function emptyStream(): FileStream {
  return {
    columns: [],
    warnings: [],
    query: () => null,
    readLeniently: async () => false,
    rejects: async () => [],
    close: async () => undefined,
  };
}
