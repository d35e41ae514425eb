/**
 * Whole-table writes the pipeline makes: append rows, replace a table's contents, and merge rows
 * by key (copy-on-write upsert). Each is ONE Iceberg commit; the files of an attempt that lost a
 * commit race are deleted before the next attempt writes new ones.
 */
import type { ObjectStore } from '../../storage/index.js';
import { currentSchema, currentSnapshot, type ChangeProducer, type DataFile, type Snapshot, type Table, type TableMetadata, type WriteOptions } from '../../table/index.js';
import { currentScan, type Engine, engineLocations, quoteIdent, runSql, scanSql } from '../core/index.js';
import { writeDataFiles } from './parquet-writer.js';

export interface WriteSummary {
  /** Extra snapshot summary entries (string values), e.g. the source snapshot a step processed. */
  summary?: Record<string, string>;
  /** Commit even when no row changes, so the summary (state the writer keeps in it) is recorded. */
  commitEmpty?: boolean;
  /** Table properties set in the same commit. */
  properties?: Record<string, string>;
}

const FILE_COLUMN = '__silt_file';

function specOf(m: TableMetadata) {
  return m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id'])!;
}

function write(engine: Engine, store: ObjectStore, m: TableMetadata, selectSql: string): Promise<DataFile[]> {
  return writeDataFiles(engine, { selectSql, schema: currentSchema(m), spec: specOf(m), store, tableLocation: m.location, tableProperties: m.properties });
}

async function dropFiles(store: ObjectStore, files: DataFile[]): Promise<void> {
  for (const f of files.splice(0)) await store.delete(store.keyOf(f.filePath)).catch(() => undefined);
}

/**
 * A write prepared for a commit: the change it makes (built again on each attempt's base) and the
 * data files written for it, which `discard` deletes when the commit does not happen. Commit it
 * alone with `commitWrite`, or with writes to other tables in one catalog transaction.
 */
export interface TableWrite {
  readonly table: Table;
  readonly change: ChangeProducer;
  discard(): Promise<void>;
}

/** Commits one prepared write; its files are deleted when the commit fails. */
export async function commitWrite(w: TableWrite): Promise<Snapshot | undefined> {
  try {
    const done = await w.table.commitWith(w.change);
    return done.changed ? currentSnapshot(done.metadata) : undefined;
  } catch (e) {
    await w.discard();
    throw e;
  }
}

/** Appends the rows of `selectSql`; no commit when there are none (unless a summary must be recorded). */
export async function appendRows(engine: Engine, table: Table, store: ObjectStore, selectSql: string, opts: WriteSummary = {}): Promise<Snapshot | undefined> {
  return commitWrite(await appendWrite(engine, table, store, selectSql, opts));
}

/** Replaces every row of the table with the rows of `selectSql`, in one overwrite commit. */
export function replaceRows(engine: Engine, table: Table, store: ObjectStore, selectSql: string, opts: WriteSummary = {}): Promise<Snapshot | undefined> {
  return commitWrite(replaceWrite(engine, table, store, selectSql, opts));
}

/** Every row of the table replaced by the rows of `selectSql` (written on each attempt's base). */
export function replaceWrite(engine: Engine, table: Table, store: ObjectStore, selectSql: string, opts: WriteSummary = {}): TableWrite {
  const written: DataFile[] = [];
  const change = table.rewriteChange(
    'overwrite',
    async (base, live) => {
      await dropFiles(store, written);
      written.push(...(await write(engine, store, base, selectSql)));
      return { remove: live.map((e) => e.dataFile.filePath), add: [...written] };
    },
    writeOptions(opts),
  );
  return { table, change: orEmpty(table, change, opts), discard: () => dropFiles(store, written) };
}

export function mergeRows(engine: Engine, table: Table, store: ObjectStore, source: string, keys: readonly string[], opts: WriteSummary = {}): Promise<Snapshot | undefined> {
  return mergeWrite(engine, table, store, source, keys, opts).then(commitWrite);
}

export async function replaceWhere(
  engine: Engine,
  table: Table,
  store: ObjectStore,
  change: { where: string; insert: string },
  opts: WriteSummary = {},
): Promise<Snapshot | undefined> {
  return commitWrite(await replaceWhereWrite(engine, table, store, change, opts));
}

/** The rows of `selectSql`, written now, to be appended by the commit. */
export async function appendWrite(engine: Engine, table: Table, store: ObjectStore, selectSql: string, opts: WriteSummary = {}): Promise<TableWrite> {
  await table.refresh();
  const files = await write(engine, store, table.metadata, selectSql);
  const nothing = files.length === 0 && !opts.commitEmpty;
  return {
    table,
    change: nothing ? async () => undefined : table.appendChange(files, writeOptions(opts)),
    discard: () => dropFiles(store, files),
  };
}

/**
 * Upserts the rows of `source` (a relation with the table's columns) by `keys`: rows of the table
 * whose key appears in `source` are replaced, the rest stay. `source` holds one row per key.
 */
export function mergeWrite(engine: Engine, table: Table, store: ObjectStore, source: string, keys: readonly string[], opts: WriteSummary = {}): Promise<TableWrite> {
  const match = keys.map((k) => `s.${quoteIdent(k)} IS NOT DISTINCT FROM t.${quoteIdent(k)}`).join(' AND ');
  return replaceWhereWrite(engine, table, store, {
    where: `EXISTS (SELECT 1 FROM ${source} s WHERE ${match})`,
    insert: `SELECT * FROM ${source}`,
  }, opts);
}

/**
 * Deletes the rows matching `where` (a predicate over the table's columns, the row aliased `t`)
 * and inserts the rows of `insert`, in one commit. Only data files holding matching rows are
 * rewritten, on each attempt's base. Rows whose predicate is NULL stay.
 */
export async function replaceWhereWrite(
  engine: Engine,
  table: Table,
  store: ObjectStore,
  change: { where: string; insert: string },
  opts: WriteSummary = {},
): Promise<TableWrite> {
  await table.refresh();
  if (table.metadata['current-snapshot-id'] === undefined) {
    return appendWrite(engine, table, store, change.insert, opts);
  }
  const written: DataFile[] = [];
  const file = quoteIdent(FILE_COLUMN);
  const rewrite = table.rewriteChange(
    'overwrite',
    async (base, live) => {
      await dropFiles(store, written);
      const schema = currentSchema(base);
      const files = live.map((e) => e.dataFile);
      const scan = (fs: DataFile[]): Promise<string> => scanSql(currentScan(base, table.name, fs, schema), store, { fileColumn: FILE_COLUMN });
      const hits = await runSql<{ f: string }>(engine, `SELECT DISTINCT t.${file} AS f FROM (${await scan(files)}) t WHERE ${change.where}`, 'write');
      const byPath = await engineLocations(store, files);
      const hit = hits.map((h) => byPath.get(h.f)).filter((f): f is DataFile => f !== undefined);
      const cols = schema.fields.map((f) => quoteIdent(f.name)).join(', ');
      const insert = `SELECT ${cols} FROM (${change.insert})`;
      const rows = hit.length
        ? `SELECT ${cols} FROM (${await scan(hit)}) t WHERE (${change.where}) IS NOT TRUE UNION ALL ${insert}`
        : insert;
      written.push(...(await write(engine, store, base, rows)));
      return { remove: hit.map((f) => f.filePath), add: [...written] };
    },
    writeOptions(opts),
  );
  return { table, change: orEmpty(table, rewrite, opts), discard: () => dropFiles(store, written) };
}

function writeOptions(opts: WriteSummary): WriteOptions {
  return { summary: opts.summary, ...(opts.properties ? { properties: opts.properties } : {}) };
}

/** With `commitEmpty`, a rewrite that changes no row still commits a snapshot recording the summary. */
function orEmpty(table: Table, rewrite: ChangeProducer, opts: WriteSummary): ChangeProducer {
  if (!opts.commitEmpty) return rewrite;
  const empty = table.appendChange([], writeOptions(opts));
  return async (base, attempt) => (await rewrite(base, attempt)) ?? (await empty(base, attempt));
}
