/**
 * Whole-table writes the pipeline makes: append rows, replace a table's contents, and merge rows
 * by key (copy-on-write upsert). Each is ONE Iceberg commit; the files of an attempt that lost a
 * commit race are deleted before the next attempt writes new ones.
 */
import type { ObjectStore } from '../storage/index.js';
import { currentSchema, type DataFile, type Snapshot, type Table, type TableMetadata } from '../table/index.js';
import type { Engine } from './duckdb.js';
import { writeDataFiles } from './parquet-writer.js';
import { runSql } from './sql-errors.js';
import { quoteIdent } from './sql-text.js';
import { currentScan, enginePathOf, scanSql } from './table-reader.js';

export interface WriteSummary {
  /** Extra snapshot summary entries (string values), e.g. the source snapshot a step processed. */
  summary?: Record<string, string>;
  /** Commit even when no row changes, so the summary (state the writer keeps in it) is recorded. */
  commitEmpty?: boolean;
}

const FILE_COLUMN = '__silt_file';

function specOf(m: TableMetadata) {
  return m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id'])!;
}

function write(engine: Engine, store: ObjectStore, m: TableMetadata, selectSql: string): Promise<DataFile[]> {
  return writeDataFiles(engine, { selectSql, schema: currentSchema(m), spec: specOf(m), store, tableLocation: m.location });
}

async function dropFiles(store: ObjectStore, files: DataFile[]): Promise<void> {
  for (const f of files.splice(0)) await store.delete(store.keyOf(f.filePath)).catch(() => undefined);
}

/** With `commitEmpty`, a snapshot that adds no file but records the summary. */
async function emptyCommit(table: Table, opts: WriteSummary): Promise<Snapshot | undefined> {
  return opts.commitEmpty ? table.append([], { summary: opts.summary }) : undefined;
}

/** Appends the rows of `selectSql`; no commit when there are none (unless a summary must be recorded). */
export async function appendRows(engine: Engine, table: Table, store: ObjectStore, selectSql: string, opts: WriteSummary = {}): Promise<Snapshot | undefined> {
  await table.refresh();
  const files = await write(engine, store, table.metadata, selectSql);
  if (files.length === 0 && !opts.commitEmpty) return undefined;
  try {
    return await table.append(files, { summary: opts.summary });
  } catch (e) {
    await dropFiles(store, files);
    throw e;
  }
}

/** Replaces every row of the table with the rows of `selectSql`, in one overwrite commit. */
export async function replaceRows(engine: Engine, table: Table, store: ObjectStore, selectSql: string, opts: WriteSummary = {}): Promise<Snapshot | undefined> {
  const written: DataFile[] = [];
  try {
    const snapshot = await table.rewrite(
      'overwrite',
      async (base, live) => {
        await dropFiles(store, written);
        written.push(...(await write(engine, store, base, selectSql)));
        return { remove: live.map((e) => e.dataFile.filePath), add: [...written] };
      },
      { summary: opts.summary },
    );
    return snapshot ?? (await emptyCommit(table, opts));
  } catch (e) {
    await dropFiles(store, written);
    throw e;
  }
}

/**
 * Upserts the rows of `source` (a relation with the table's columns) by `keys`: rows of the table
 * whose key appears in `source` are replaced, the rest stay. `source` holds one row per key.
 */
export function mergeRows(engine: Engine, table: Table, store: ObjectStore, source: string, keys: readonly string[], opts: WriteSummary = {}): Promise<Snapshot | undefined> {
  const match = keys.map((k) => `s.${quoteIdent(k)} IS NOT DISTINCT FROM t.${quoteIdent(k)}`).join(' AND ');
  return replaceWhere(engine, table, store, {
    where: `EXISTS (SELECT 1 FROM ${source} s WHERE ${match})`,
    insert: `SELECT * FROM ${source}`,
  }, opts);
}

/**
 * Deletes the rows matching `where` (a predicate over the table's columns, the row aliased `t`)
 * and inserts the rows of `insert`, in one commit. Only data files holding matching rows are
 * rewritten. Rows whose predicate is NULL stay.
 */
export async function replaceWhere(
  engine: Engine,
  table: Table,
  store: ObjectStore,
  change: { where: string; insert: string },
  opts: WriteSummary = {},
): Promise<Snapshot | undefined> {
  await table.refresh();
  if (table.metadata['current-snapshot-id'] === undefined) {
    return appendRows(engine, table, store, change.insert, opts);
  }
  const written: DataFile[] = [];
  const file = quoteIdent(FILE_COLUMN);
  try {
    const snapshot = await table.rewrite(
      'overwrite',
      async (base, live) => {
        await dropFiles(store, written);
        const schema = currentSchema(base);
        const files = live.map((e) => e.dataFile);
        const scan = (fs: DataFile[]): Promise<string> => scanSql(currentScan(base, table.name, fs, schema), store, { fileColumn: FILE_COLUMN });
        const hits = await runSql<{ f: string }>(engine, `SELECT DISTINCT t.${file} AS f FROM (${await scan(files)}) t WHERE ${change.where}`, 'write');
        const byPath = new Map(files.map((f) => [enginePathOf(store, f), f]));
        const hit = hits.map((h) => byPath.get(h.f)).filter((f): f is DataFile => f !== undefined);
        const cols = schema.fields.map((f) => quoteIdent(f.name)).join(', ');
        const insert = `SELECT ${cols} FROM (${change.insert})`;
        const rows = hit.length
          ? `SELECT ${cols} FROM (${await scan(hit)}) t WHERE (${change.where}) IS NOT TRUE UNION ALL ${insert}`
          : insert;
        written.push(...(await write(engine, store, base, rows)));
        return { remove: hit.map((f) => f.filePath), add: [...written] };
      },
      { summary: opts.summary },
    );
    return snapshot ?? (await emptyCommit(table, opts));
  } catch (e) {
    await dropFiles(store, written);
    throw e;
  }
}
