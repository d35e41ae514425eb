import { InvalidInput } from '../errors.js';
import { dropReadResult, inferFields, quoteIdent, quoteLiteral, readFiles, storeInput, type Engine, type Reject } from '../engine/index.js';
import type { ObjectStore } from '../storage/index.js';
import type { NewField } from '../table/index.js';
import { BATCH_ID, INGESTED_AT } from './bronze-schema.js';
import { recordsPath, type SourceConfig } from './source-config.js';

/** A landing file chosen for this batch. */
export interface NewLandingFile {
  key: string;
  size: number;
  /** As listed before the read; a file modified since was still being written. */
  modifiedMs: number;
  fingerprint: string;
}

/** One landing file as read: its good rows in a DuckDB temp table, its bad records as rejects. */
export interface BronzeFileRead {
  file: NewLandingFile;
  /** Temp relation with the good rows (data columns + `_source_file`, `_source_line`); null when none. */
  relation: string | null;
  /** Whether `relation` is a view, and the temp tables behind it (see ReadResult). */
  view: boolean;
  backing: string[];
  /**
   * Data columns: `source` in the relation, `name` in bronze (renamed off bronze's own columns);
   * `sql` a constant in place of the relation's column (a hive folder's value, bronze-hive.ts).
   */
  columns: { source: string; name: string; sql?: string }[];
  /** The data columns' Iceberg types, by bronze name. */
  fields: NewField[];
  rows: number;
  /** Records the reader set aside; `file` is the store key. */
  rejects: Reject[];
  warnings: string[];
  /** Why none of the file's rows can go to bronze (say a type Iceberg cannot store); they go to rejects. */
  unloadable?: string;
}

/**
 * Reads one landing file. CSV/TSV columns are read as text (bronze keeps the raw record); JSON
 * and Parquet keep their types. A file the reader cannot take at all (unknown format) becomes one
 * reject for the whole file, so it is accounted for and not retried.
 */
export async function readLandingFile(engine: Engine, store: ObjectStore, file: NewLandingFile, source: SourceConfig): Promise<BronzeFileRead> {
  const input = await storeInput(store, file.key);
  const toKey = (text: string): string => text.replaceAll(input.path, file.key);
  let read;
  try {
    const records = recordsPath(source);
    read = await readFiles(engine, [input], { format: source.format, delimiter: source.delimiter, header: source.header, allVarchar: true, ...(records ? { records } : {}) });
  } catch (e) {
    if (!(e instanceof InvalidInput)) throw e;
    const error = toKey(e.message).replace(/^load: /, '');
    return { file, relation: null, view: false, backing: [], columns: [], fields: [], rows: 0, rejects: [{ file: file.key, line: null, column: null, raw: null, error }], warnings: [] };
  }
  const columns = bronzeNames(read.columns.map((c) => c.name));
  const out: BronzeFileRead = {
    file,
    relation: read.relation,
    view: read.view,
    backing: read.backing,
    columns,
    fields: [],
    rows: read.rowsRead,
    rejects: read.rejects.map((r) => ({ ...r, file: file.key, error: toKey(r.error) })),
    warnings: read.warnings.map(toKey),
  };
  const renamed = columns.filter((c) => c.source !== c.name);
  for (const c of renamed) out.warnings.push(`${file.key}: column ${c.source} is a bronze column name; kept as ${c.name}`);
  if (columns.length === 0) return out;
  try {
    out.fields = await inferFields(engine, `SELECT ${columns.map((c) => `${quoteIdent(c.source)} AS ${quoteIdent(c.name)}`).join(', ')} FROM ${quoteIdent(read.relation)}`);
  } catch (e) {
    if (!(e instanceof InvalidInput)) throw e;
    out.unloadable = toKey(e.message).replace(/^schema: /, '').replace(/; cast it to a supported type$/, '');
  }
  return out;
}

/** The reason when the reader could not take the file at all (its one reject has no line), else undefined. */
export function wholeFileReject(read: BronzeFileRead): string | undefined {
  const only = read.rejects[0];
  return read.rows === 0 && read.rejects.length === 1 && only?.line === null && only.raw === null ? only.error : undefined;
}

export async function dropRead(engine: Engine, read: BronzeFileRead): Promise<void> {
  if (read.relation) await dropReadResult(engine, { relation: read.relation, view: read.view, backing: read.backing });
}

/** Columns of the file that hold a value in some row (among `names`). */
export async function columnsWithValues(engine: Engine, read: BronzeFileRead, names: string[]): Promise<Set<string>> {
  if (!read.relation || names.length === 0) return new Set();
  const values = names.map((n) => columnSql(read, n));
  const counts = values.map((v, i) => `count(${v}) AS ${quoteIdent(`c${i}`)}`).join(', ');
  const row = (await engine.all(`SELECT ${counts} FROM ${quoteIdent(read.relation)}`))[0] ?? {};
  return new Set(names.filter((_, i) => Number(row[`c${i}`] ?? 0) > 0));
}

/**
 * SQL for the file's good rows (or those of `rows`, a query over its relation) as JSON text (the
 * `raw` of a reject), with `_source_line` and, given `error` (SQL over the row), an `error` column.
 */
export function rowsAsJsonSql(read: BronzeFileRead, rows?: string, error?: string): string {
  // The raw record as the file holds it: folder values are in its path, not its record.
  const pairs = read.columns.filter((c) => c.sql === undefined).map((c) => `${quoteLiteral(c.source)}: ${quoteIdent(c.source)}`).join(', ');
  const raw = pairs ? `to_json({${pairs}})::VARCHAR` : `'{}'`;
  const source = rows ? `(${rows})` : quoteIdent(read.relation ?? '');
  return `SELECT _source_line AS line, ${raw} AS raw${error ? `, ${error} AS error` : ''} FROM ${source}`;
}

/** SQL for a bronze column's value in the read's relation. */
export function columnSql(read: BronzeFileRead, name: string): string {
  const c = read.columns.find((x) => x.name === name);
  return c?.sql ?? quoteIdent(c?.source ?? name);
}

const RESERVED = [INGESTED_AT, BATCH_ID];

function bronzeNames(names: string[]): { source: string; name: string }[] {
  const taken = new Set(names.map((n) => n.toLowerCase()));
  return names.map((source) => {
    if (!RESERVED.includes(source.toLowerCase())) return { source, name: source };
    let n = 2;
    while (taken.has(`${source}_${n}`.toLowerCase())) n += 1;
    taken.add(`${source}_${n}`.toLowerCase());
    return { source, name: `${source}_${n}` };
  });
}
