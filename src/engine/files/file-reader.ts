import { type Engine, quoteIdent, sideBySide } from '../core/index.js';
import { readCsv } from './file-csv.js';
import { assertWholeCompressedFile } from './file-compressed.js';
import { assertTextFile } from './file-encoding.js';
import { compressionOf, detectFormat, type Compression, type FileFormat } from './file-format.js';
import { assertReadableFile, inputOf, type InputFile } from './file-input.js';
import { dropTables, tempName } from './file-lines.js';
import { CSV_LINE_ADVICE } from './file-csv-rejects.js';
import { jsonHoldsLines, JSON_LINE_ADVICE, readJson } from './file-json.js';
import {
  errorOfOriginal,
  longestPlainLine,
  LongLineWatch,
  readOfOriginal,
  setAsideLongLines,
  type LinesAside,
  type LongLine,
} from './file-long-lines.js';
import { readParquet } from './file-parquet.js';
import type { Column, FileRead, ReadOptions, Reject } from './file-types.js';
import { appendRows, createResultTable, resultSelect, unionColumns } from './file-union.js';
import { InvalidInput } from '../../errors.js';

export { detectFormat } from './file-format.js';
export type { FileFormat } from './file-format.js';
export type { Column, ReadOptions, Reject } from './file-types.js';

export interface ReadResult {
  /**
   * A DuckDB relation (a plain one, see tempName) with the good rows of all files, plus `_source_file` and `_source_line`:
   * a view over the reader's own tables for one file (no copy), a table for several. Drop it with
   * dropReadResult.
   */
  relation: string;
  view: boolean;
  /** The tables a view `relation` reads. */
  backing: string[];
  /** The data columns (without `_source_file` / `_source_line`). */
  columns: Column[];
  rowsRead: number;
  rejects: Reject[];
  bytesRead: number;
  /** Things the caller should tell the user: renamed columns, text fallbacks, approximate lines. */
  warnings: string[];
}

export interface ReadProgress {
  files: number;
  rows: number;
  bytes: number;
}

/**
 * Reads messy input files into one DuckDB temp table. Every record either lands in `relation` or
 * comes back in `rejects` with its file, line and reason, so for each text file
 * rows loaded + rejects = records in the file. The caller owns the relation (drop it when done).
 */
export async function readFiles(
  engine: Engine,
  inputs: readonly (string | InputFile)[],
  opts: ReadOptions & { onProgress?: (p: ReadProgress) => void } = {},
): Promise<ReadResult> {
  if (inputs.length === 0) throw new InvalidInput('load: no input files given');
  const files = inputs.map(inputOf);
  const paths = files.map((f) => f.path);
  const sizes: number[] = [];
  for (const f of files) sizes.push(await assertReadableFile(f));
  const reads: FileRead[] = [];
  const progress: ReadProgress = { files: 0, rows: 0, bytes: 0 };
  try {
    // Files are read side by side; the reads are used in path order.
    const ordered = await sideBySide(engine, files, (on, file) => readOne(on, file, opts), (read, i) => {
      reads.push(read);
      progress.files += 1;
      progress.rows += read.rows;
      progress.bytes += sizes[i] ?? 0;
      opts.onProgress?.({ ...progress });
    });
    const columns = await unionColumns(engine, ordered);
    const relation = tempName('result');
    const result = { relation, columns, rejects: ordered.flatMap((r) => r.rejects), bytesRead: progress.bytes, warnings: ordered.flatMap((r) => r.warnings) };
    const only = ordered.length === 1 ? ordered[0] : undefined;
    if (only?.query) {
      await engine.run(`CREATE VIEW ${quoteIdent(relation)} AS ${resultSelect(only.query, columns, paths[0] as string)}`);
      const backing = only.tables;
      only.tables = [];
      return { ...result, view: true, backing, rowsRead: only.rows };
    }
    await createResultTable(engine, relation, columns);
    try {
      for (const [i, read] of ordered.entries()) {
        await appendRows(engine, relation, columns, read, paths[i] as string);
        await dropTables(engine, ...read.tables);
      }
    } catch (e) {
      await dropTables(engine, relation);
      throw e;
    }
    const rowsRead = Number((await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(relation)}`))[0]?.n ?? 0);
    return { ...result, view: false, backing: [], rowsRead };
  } finally {
    for (const read of reads) await dropTables(engine, ...read.tables);
  }
}

export async function dropReadResult(engine: Engine, result: Pick<ReadResult, 'relation' | 'view' | 'backing'>): Promise<void> {
  await engine.run(`DROP ${result.view ? 'VIEW' : 'TABLE'} IF EXISTS ${quoteIdent(result.relation)}`);
  await dropTables(engine, ...result.backing);
}

/**
 * Turns away, with what to do, a file whose bytes no reader should take: a gzip/zstd file cut short
 * or not compressed at all, a UTF-16/UTF-32 or binary file under a text format. Returns the
 * longest line of a text file when it is longer than MAX_LINE_BYTES (see file-long-lines.ts).
 */
export async function assertUsableBytes(file: InputFile, format: FileFormat, compression: Compression): Promise<LongLine | null> {
  return (await checkedBytes(file, format, compression)).whole;
}

/**
 * assertUsableBytes, with the slow part left running: the text check is made at once; a compressed
 * file is inflated whole on Node's own threads (its lines watched on the way), and the promise
 * settles with that check, so a read can go on beside it. A zstd file's lines are not watched:
 * Node 20 cannot inflate zstd.
 */
async function checkedBytes(file: InputFile, format: FileFormat, compression: Compression): Promise<{ whole: Promise<LongLine | null> }> {
  if (format === 'parquet') return { whole: assertWholeCompressedFile(file, compression).then(() => null) };
  await assertTextFile(file, compression);
  const plain = compression === 'none' ? await longestPlainLine(file) : null;
  const lines = new LongLineWatch();
  const whole = assertWholeCompressedFile(file, compression, (chunk) => lines.feed(chunk)).then(() => plain ?? lines.finish());
  whole.catch(() => undefined);
  return { whole };
}

/**
 * `read` over the file, or, when it holds a line longer than MAX_LINE_BYTES, over its copy with
 * those records set aside (see setAsideLongLines); the result names the file either way.
 */
export async function readAsideLongLines<T>(
  engine: Engine,
  file: InputFile,
  compression: Compression,
  format: FileFormat,
  long: LongLine | null,
  read: (file: InputFile, compression: Compression) => Promise<T>,
  ofOriginal: (result: T, aside: LinesAside) => T | Promise<T>,
): Promise<T> {
  const { path } = file;
  const csv = format === 'csv' || format === 'tsv';
  const lines = format === 'ndjson' || (format === 'json' && long !== null && (await jsonHoldsLines(engine, file, compression)));
  if (long === null || !(csv || lines)) return read(file, compression);
  const aside = await setAsideLongLines(engine, file, compression, csv, csv ? CSV_LINE_ADVICE : JSON_LINE_ADVICE);
  try {
    return await ofOriginal(await read(aside.copy, 'none'), aside);
  } catch (e) {
    await aside.remove();
    throw errorOfOriginal(e, aside, path);
  }
}

async function readOne(engine: Engine, file: InputFile, opts: ReadOptions): Promise<FileRead> {
  const { path } = file;
  const compression = compressionOf(path);
  const format = opts.format ?? (await detectFormat(file));
  // The check's verdict comes first: the read of a cut file may fail, or worse, take its start silently.
  const { whole } = await checkedBytes(file, format, compression);
  // A plain file's long lines are known at once; a gzip file's once it is inflated, beside the read.
  const plainLong = compression === 'none' ? await whole : null;
  const readAside = (long: LongLine | null) =>
    readAsideLongLines(engine, file, compression, format, long, (f, c) => readFormat(engine, f, c, format, opts), async (read, aside) => {
      await aside.remove();
      return readOfOriginal(read, aside, path);
    });
  const read = await readAside(plainLong).catch(async (e: unknown) => {
    await whole;
    throw e;
  });
  try {
    const long = await whole;
    if (plainLong !== null || long === null) return read;
    await dropTables(engine, ...read.tables);
  } catch (e) {
    await dropTables(engine, ...read.tables);
    throw e;
  }
  return readAside(await whole);
}

function readFormat(engine: Engine, file: InputFile, compression: Compression, format: FileFormat, opts: ReadOptions): Promise<FileRead> {
  switch (format) {
    case 'csv':
    case 'tsv':
      return readCsv(engine, file, compression, format, opts);
    case 'json':
    case 'ndjson':
      return readJson(engine, file, compression, format === 'ndjson', opts.records);
    case 'parquet':
      return readParquet(engine, file.path);
  }
}
