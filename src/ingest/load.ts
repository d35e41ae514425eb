import { parseTableName, type Catalog, type TableDefinition } from '../catalog/index.js';
import { InvalidInput } from '../errors.js';
import {
  icebergToDuckdb,
  inferFields,
  quoteIdent,
  dropReadResult,
  readFiles,
  removeDataFiles,
  scanFiles,
  writeDataFiles,
  type Engine,
  type FileFormat,
  type ReadOptions,
  type Reject,
} from '../engine/index.js';
import { readOptionsOf, type ColumnHints } from './load-columns.js';
import { buildSchema, currentSchema, mergeFields, parsePartitionSpec, type NewField, type Schema, type SchemaChange, type Table } from '../table/index.js';

export interface LoadOptions {
  /** `namespace.table`. */
  into: string;
  /** Partition spec for a new table, e.g. "day(ts), bucket(16, id)". */
  partitionBy?: string;
  format?: FileFormat;
  delimiter?: string;
  /** How many bad lines may be set aside while the good rows load (default 0: any bad line fails the load). */
  maxRejects?: number;
  /** Column types, date/timestamp formats and null tokens for CSV/TSV files (see load-columns.ts). */
  columns?: ColumnHints;
  /** Add the file's new columns to an existing table even when most of its columns are new. */
  evolve?: boolean;
  /** While reading: files done and bytes read so far. */
  onProgress?: (p: { files: number; bytes: number }) => void;
}

export interface LoadResult {
  table: string;
  created: boolean;
  rowsRead: number;
  rowsWritten: number;
  bytesRead: number;
  dataFiles: number;
  bytesWritten: number;
  addedColumns: string[];
  rejects: Reject[];
  warnings: string[];
  snapshotId?: bigint;
}

/**
 * Loads files into a table in one commit: creates it with the inferred schema (and partitioning),
 * or appends, adding new columns by schema evolution. Bad lines fail the load with file, line and
 * reason, unless `maxRejects` allows setting them aside; either way every input row is counted.
 * The files stream straight into the Parquet writer; rejects are known once it is done, so too
 * many of them delete the written files before anything is committed.
 */
export async function loadFiles(catalog: Catalog, engine: Engine, paths: string[], opts: LoadOptions): Promise<LoadResult> {
  const { namespace, name } = parseTableName(opts.into);
  if (paths.length === 0) throw new InvalidInput('load: no input files given');
  const read = { format: opts.format, delimiter: opts.delimiter, ...(opts.columns ? await readOptionsOf(engine, opts.columns) : {}) };
  const scan = await scanFiles(engine, paths, { ...read, onProgress: opts.onProgress });
  try {
    const allowed = opts.maxRejects ?? 0;
    // Checked before the SELECT: a file with no columns has nothing to describe.
    if (scan.columns.length === 0) {
      // Nothing to load, but what could not be read (say a broken Parquet file) is the better error.
      const { rejects } = await scan.consume(async () => undefined);
      if (rejects.length > allowed) throw tooManyRejects(rejects, allowed);
      throw new InvalidInput(`load: ${paths.join(', ')}: no columns found (empty input?)`);
    }
    for (const name of Object.keys(read.types ?? {})) {
      if (!scan.columns.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
        throw new InvalidInput(`load: --types names column ${name}, which ${paths.join(', ')} ${paths.length > 1 ? 'do' : 'does'} not have; its columns: ${scan.columns.map((c) => c.name).join(', ')}`);
      }
    }
    const incoming = await inferFields(engine, scan.selectSql);

    const writeInto = async (table: Table, created: boolean): Promise<LoadResult> => {
      if (!created && !opts.evolve) refuseMostlyNew(opts.into, paths, currentSchema(table.metadata), incoming);
      const changes = await fitColumns(engine, paths, opts.into, read, currentSchema(table.metadata), incoming);
      if (changes.length > 0) await table.evolveSchema(changes);
      const metadata = table.metadata;
      const spec = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id'])!;
      // Table columns the files lack load as NULL (the writer casts them; a required one fails there).
      const have = new Set(incoming.map((f) => f.name.toLowerCase()));
      const absent = currentSchema(metadata).fields.filter((f) => !have.has(f.name.toLowerCase()));
      const { value: files, rejects, warnings } = await scan.consume((select) =>
        writeDataFiles(engine, {
          selectSql: absent.length ? `SELECT *, ${absent.map((f) => `NULL AS ${quoteIdent(f.name)}`).join(', ')} FROM (${select})` : select,
          schema: currentSchema(metadata),
          spec,
          store: catalog.store,
          tableLocation: metadata.location,
          tableProperties: metadata.properties,
        }),
      );
      if (rejects.length > allowed) {
        await removeDataFiles(catalog.store, files);
        throw tooManyRejects(rejects, allowed);
      }
      const snapshot = files.length > 0 ? await table.append(files) : undefined;
      const rowsWritten = files.reduce((n, f) => n + f.recordCount, 0);
      return {
        table: opts.into,
        created,
        rowsRead: rowsWritten,
        rowsWritten,
        bytesRead: scan.bytesRead,
        dataFiles: files.length,
        bytesWritten: files.reduce((n, f) => n + f.fileSizeInBytes, 0),
        addedColumns: changes.filter((c) => c.kind === 'add').map((c) => (c.kind === 'add' ? c.name : '')),
        rejects,
        warnings,
        snapshotId: snapshot?.['snapshot-id'],
      };
    };

    const outcome = await catalog.guardWrite(namespace, name, async () => {
      if (await catalog.tableExists(namespace, name)) {
        const table = await catalog.loadTable(namespace, name);
        // Rerunning the creating command (after a crash, or racing another load) appends when the spec matches.
        if (opts.partitionBy && !sameSpec(table, opts.partitionBy)) {
          throw new InvalidInput(`load: ${opts.into} exists already with another partitioning; --partition-by applies only when a load creates the table`);
        }
        return writeInto(table, false);
      }
      // A new table is registered only with its data, in one step: a failed or killed load leaves no table.
      const created = await catalog.createTableWith(namespace, name, definition(incoming, opts.partitionBy), (table) => writeInto(table, true));
      return created?.value;
    });
    if (outcome) return outcome;
  } finally {
    await scan.close();
  }
  // Another load created the table meanwhile: append to it, reading the files again.
  return loadFiles(catalog, engine, paths, opts);
}

function definition(fields: NewField[], partitionBy?: string): TableDefinition {
  const { schema, lastColumnId } = buildSchema(fields);
  return { schema, lastColumnId, partitionFields: partitionBy ? parsePartitionSpec(partitionBy, schema) : [] };
}

function sameSpec(table: Table, partitionBy: string): boolean {
  const m = table.metadata;
  const spec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id'])!;
  const wanted = parsePartitionSpec(partitionBy, currentSchema(m));
  return wanted.length === spec.fields.length && wanted.every((f, i) => f['source-id'] === spec.fields[i]!['source-id'] && f.transform === spec.fields[i]!.transform);
}

/**
 * An existing table takes a file's new columns without asking only while at least half of the
 * file's columns are the table's already: past that the file is more likely meant for another
 * table than an evolution of this one.
 */
function refuseMostlyNew(into: string, paths: string[], schema: Schema, incoming: NewField[]): void {
  const have = new Set(schema.fields.map((f) => f.name.toLowerCase()));
  const added = incoming.filter((f) => !have.has(f.name.toLowerCase())).map((f) => f.name);
  const shared = incoming.length - added.length;
  if (added.length === 0 || shared * 2 >= incoming.length) return;
  throw new InvalidInput(
    `load: only ${shared} of the ${incoming.length} columns of ${paths.join(', ')} ${shared === 1 ? 'is' : 'are'} in ${into}; ` +
      `loading would add ${added.length} new column${added.length === 1 ? '' : 's'} (${added.join(', ')}). ` +
      `Pass --evolve to add them, or load into another table. Nothing was loaded`,
  );
}

function tooManyRejects(rejects: Reject[], allowed: number): InvalidInput {
  const first = rejects[0]!;
  const where = `${first.file}${first.line !== null ? ` line ${first.line}` : ''}${first.column ? ` column ${first.column}` : ''}`;
  // A cast reject's error starts with `column x: ` (for the --max-rejects listing): named once here.
  const error = first.column && first.error.startsWith(`column ${first.column}: `) ? first.error.slice(`column ${first.column}: `.length) : first.error;
  const more = rejects.length > 1 ? ` (and ${rejects.length - 1} more bad line${rejects.length > 2 ? 's' : ''})` : '';
  const hint = allowed === 0 ? '; fix the input, or pass --max-rejects N to load the good rows and list the bad ones' : `; at most ${allowed} allowed`;
  return new InvalidInput(`load: ${where}: ${error}${more}; nothing was loaded${hint}`);
}

/**
 * The schema changes the incoming columns need; when a column's values do not fit the table's
 * type, the error names the first file, line and value that does not (found with the exact reader,
 * only on this error path).
 */
async function fitColumns(engine: Engine, paths: string[], into: string, readOpts: ReadOptions, schema: Schema, incoming: NewField[]): Promise<SchemaChange[]> {
  try {
    return mergeFields(into, schema, incoming);
  } catch (e) {
    const column = e instanceof InvalidInput ? /^load: column (.+?): /.exec(e.message)?.[1] : undefined;
    const field = column === undefined ? undefined : schema.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
    if (!field) throw e;
    const read = await readFiles(engine, paths, readOpts);
    try {
      const c = quoteIdent(read.columns.find((x) => x.name.toLowerCase() === field.name.toLowerCase())?.name ?? field.name);
      const [bad] = await engine.allJson<{ f: string; l: string | null; v: string }>(
        `SELECT _source_file AS f, _source_line AS l, CAST(${c} AS VARCHAR) AS v FROM ${quoteIdent(read.relation)} ` +
          `WHERE ${c} IS NOT NULL AND TRY_CAST(${c} AS ${icebergToDuckdb(field.type)}) IS NULL ORDER BY _source_file, _source_line LIMIT 1`,
      );
      if (!bad) throw e;
      const type = typeof field.type === 'string' ? field.type : field.type.type;
      throw new InvalidInput(
        `load: ${bad.f}${bad.l !== null ? ` line ${bad.l}` : ''} column ${field.name}: ${JSON.stringify(bad.v)} is not a ${type}, ` +
          `the type of ${into}.${field.name}; fix the value, or load into a new table. Nothing was loaded`,
      );
    } finally {
      await dropReadResult(engine, read);
    }
  }
}
