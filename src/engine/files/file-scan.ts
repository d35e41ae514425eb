import { type Engine, withQueryProgress } from '../core/index.js';
import { streamCsv } from './file-csv-stream.js';
import { compressionOf, detectFormat, type Compression, type FileFormat } from './file-format.js';
import { assertReadableFile, inputOf, type InputFile } from './file-input.js';
import { readJson } from './file-json.js';
import { dropTables } from './file-lines.js';
import { readParquet } from './file-parquet.js';
import { assertUsableBytes, readAsideLongLines } from './file-reader.js';
import { streamOfOriginal } from './file-long-lines.js';
import type { Column, FileRead, FileStream, ReadOptions, Reject } from './file-types.js';
import { unionColumns, unionSelect } from './file-union.js';
import { InvalidInput } from '../../errors.js';

export interface ScanProgress {
  /** Files read completely. */
  files: number;
  /** Bytes of input read so far (estimated from DuckDB's progress while the rows stream). */
  bytes: number;
}

export interface ConsumeResult<T> {
  value: T;
  /** Records set aside while reading, with file and physical line. */
  rejects: Reject[];
  /** Everything the caller should tell the user (sniffing, lenient re-reads, inexact lines). */
  warnings: string[];
}

/** Input files ready to be read once, in one streaming query (see scanFiles). */
export interface FileScan {
  /** The data columns, combined over the files as readFiles does. */
  columns: Column[];
  bytesRead: number;
  /** SQL yielding every good row of all files (data columns only): for describing, not running. */
  selectSql: string;
  /**
   * Runs `fn` over the rows (`selectSql`, streamed from the files), then collects the rejects.
   * When DuckDB's strict CSV parser gives up on a file, `fn` runs again with that file read
   * leniently: `fn` must leave nothing behind when it fails (writeDataFiles does not). `fn` must
   * read every column: DuckDB checks only the CSV columns a query reads, so a pruned read would
   * let bad records through.
   */
  consume<T>(fn: (selectSql: string) => Promise<T>): Promise<ConsumeResult<T>>;
  /** Drops what the read holds in DuckDB; call it in `finally`. */
  close(): Promise<void>;
}

/**
 * The fast path of readFiles for callers that need no `_source_line`: CSV/TSV is read by one
 * streaming `read_csv` per file straight into whatever consumes the rows (a Parquet COPY), with
 * no temp table. Each record still either lands in a row or comes back as a reject with its
 * file, physical line and reason — computed afterwards, and only for files that had rejects.
 * JSON is read as by readFiles; Parquet streams as is.
 */
export async function scanFiles(
  engine: Engine,
  inputs: readonly (string | InputFile)[],
  opts: ReadOptions & { onProgress?: (p: ScanProgress) => void } = {},
): Promise<FileScan> {
  if (inputs.length === 0) throw new InvalidInput('load: no input files given');
  const files = inputs.map(inputOf);
  const sizes: number[] = [];
  for (const f of files) sizes.push(await assertReadableFile(f));
  const streams: FileStream[] = [];
  try {
    for (const file of files) streams.push(await openOne(engine, file, opts));
  } catch (e) {
    for (const s of streams) await s.close();
    throw e;
  }
  const columns = await unionColumns(engine, streams);
  const bytesRead = sizes.reduce((a, b) => a + b, 0);
  const select = (): string => {
    const parts = streams.flatMap((s) => {
      const q = s.query();
      return q === null ? [] : [unionSelect(columns, q, s.columns)];
    });
    return parts.length === 0 ? 'SELECT 1 WHERE false' : parts.join('\nUNION ALL\n');
  };
  return {
    columns,
    bytesRead,
    selectSql: select(),
    async consume<T>(fn: (selectSql: string) => Promise<T>): Promise<ConsumeResult<T>> {
      const report = opts.onProgress;
      const run = (sql: string): Promise<T> =>
        report ? withQueryProgress(engine, (f) => report({ files: 0, bytes: Math.round(f * bytesRead) }), () => fn(sql)) : fn(sql);
      let value: T;
      for (;;) {
        try {
          value = await run(select());
          break;
        } catch (e) {
          let again = false;
          for (const s of streams) if (await s.readLeniently(e)) again = true;
          if (!again) throw e;
        }
      }
      const rejects: Reject[] = [];
      for (const s of streams) rejects.push(...(await s.rejects()));
      opts.onProgress?.({ files: files.length, bytes: bytesRead });
      return { value, rejects, warnings: streams.flatMap((s) => s.warnings) };
    },
    async close() {
      for (const s of streams) await s.close();
    },
  };
}

async function openOne(engine: Engine, file: InputFile, opts: ReadOptions): Promise<FileStream> {
  const format = opts.format ?? (await detectFormat(file));
  const compression = compressionOf(file.path);
  const long = await assertUsableBytes(file, format, compression);
  return readAsideLongLines(engine, file, compression, format, long, (f, c) => openFormat(engine, f, c, format, opts), (stream, aside) => streamOfOriginal(stream, aside, file.path));
}

async function openFormat(engine: Engine, file: InputFile, compression: Compression, format: FileFormat, opts: ReadOptions): Promise<FileStream> {
  const csvOnly = Object.keys(opts.types ?? {}).length > 0 || opts.timestampFormat || opts.dateFormat || opts.nulls?.length;
  if (csvOnly && format !== 'csv' && format !== 'tsv') {
    throw new InvalidInput(
      `load: ${file.path}: column types, date/timestamp formats and null tokens apply to CSV/TSV files; this one is ${format}, whose values carry their types; load it without them`,
    );
  }
  switch (format) {
    case 'csv':
    case 'tsv':
      return streamCsv(engine, file, compression, format, opts);
    case 'json':
    case 'ndjson':
      return fromRead(engine, await readJson(engine, file, compression, format === 'ndjson'));
    case 'parquet':
      return fromRead(engine, await readParquet(engine, file.path));
  }
}

/** A reader's finished FileRead as a stream (its rows minus `_source_line`; rejects known already). */
function fromRead(engine: Engine, read: FileRead): FileStream {
  return {
    columns: read.columns,
    warnings: read.warnings,
    query: () => (read.query === null ? null : `SELECT * EXCLUDE (_source_line) FROM (${read.query})`),
    readLeniently: async () => false,
    rejects: async () => read.rejects,
    close: () => dropTables(engine, ...read.tables),
  };
}

