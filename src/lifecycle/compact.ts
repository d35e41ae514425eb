/**
 * Compaction: per partition, the small data files and the files that merge-on-read deletes apply
 * to are read with those deletes applied and written again as files of the target size, in ONE
 * Iceberg commit of operation `replace`; delete files that then apply to no live data file go too.
 *
 * Concurrency: the commit is built again on each attempt's base (table/commit.ts). It rebases over
 * commits that leave the rewritten files alone (appends, deletes elsewhere), and fails with
 * CommitConflict when another commit removed a file being rewritten or added a delete that applies
 * to one: the new files carry the rows as they were, and would resurrect those rows. A conflicting
 * table is planned and written again from its new state, up to CONFLICT_ATTEMPTS times.
 */
import { performance } from 'node:perf_hooks';
import type { Catalog, TableIdent } from '../catalog/index.js';
import { CommitConflict, InvalidInput } from '../errors.js';
import { currentScan, quoteIdent, scanSql, type Engine } from '../engine/index.js';
import { removeDataFiles, writeDataFiles } from '../engine/index.js';
import { currentSchema, partitionKey, partitionPath, type DataFile, type ManifestEntry, type Table, type TableMetadata } from '../table/index.js';

export const DEFAULT_TARGET_SIZE = 128 * 2 ** 20;
export const TARGET_SIZE_PROPERTY = 'write.target-file-size-bytes';
/** A file smaller than this share of the target is worth rewriting (as Iceberg's min-file-size default). */
const SMALL_SHARE = 0.75;
const CONFLICT_ATTEMPTS = 3;

export interface CompactOptions {
  /** Default: every table. */
  tables?: TableIdent[];
  dryRun?: boolean;
  /** Bytes per output file; default the table's `write.target-file-size-bytes`, else 128 MiB. */
  targetSize?: number;
  /** Columns the rewritten rows are sorted by. */
  sortBy?: string[];
  onProgress?: (p: CompactProgress) => void;
  /** Runs once a table's new files are written, before its commit (a writer may commit meanwhile). */
  beforeCommit?: (table: string) => Promise<void>;
}

export interface CompactProgress {
  table: string;
  filesDone: number;
  filesTotal: number;
  rowsWritten: number;
  bytesWritten: number;
  elapsedMs: number;
}

/** The files of one partition that are rewritten, and what they become. */
export interface PartitionCompaction {
  /** The partition as its folder would be named (`region=eu`), or `(unpartitioned)`. */
  partition: string;
  dataFiles: number;
  bytes: number;
  /** Rows in those files before deletes. */
  records: number;
  /** Data files with deletes applying to them. */
  withDeletes: number;
  /** Output files expected (dry run) or written. */
  outputFiles: number;
}

export interface TableCompaction {
  table: string;
  targetSize: number;
  partitions: PartitionCompaction[];
  dataFilesRemoved: number;
  deleteFilesRemoved: number;
  dataFilesAdded: number;
  rowsWritten: number;
  bytesWritten: number;
  /** Undefined when nothing was committed (dry run, or nothing to compact). */
  snapshotId?: bigint;
}

export interface CompactResult {
  dryRun: boolean;
  tables: TableCompaction[];
}

export async function compactTables(deps: { catalog: Catalog; engine: Engine }, opts: CompactOptions = {}): Promise<CompactResult> {
  if (opts.targetSize !== undefined && !(Number.isSafeInteger(opts.targetSize) && opts.targetSize >= 1)) {
    throw new InvalidInput(`compact: the target size must be a whole number of bytes of at least 1, found ${opts.targetSize}`);
  }
  const idents = opts.tables ?? (await deps.catalog.listTables());
  const tables: TableCompaction[] = [];
  for (const ident of idents) {
    const table = await deps.catalog.loadTable(ident.namespace, ident.name);
    tables.push(await compactWithRetry(deps, table, opts));
  }
  return { dryRun: opts.dryRun ?? false, tables };
}

async function compactWithRetry(deps: { catalog: Catalog; engine: Engine }, table: Table, opts: CompactOptions): Promise<TableCompaction> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await compactTable(deps, table, opts);
    } catch (e) {
      if (!(e instanceof CommitConflict) || attempt >= CONFLICT_ATTEMPTS) throw e;
      await table.refresh();
    }
  }
}

interface Group {
  key: string;
  files: DataFile[];
}

async function compactTable(deps: { catalog: Catalog; engine: Engine }, table: Table, opts: CompactOptions): Promise<TableCompaction> {
  const started = performance.now();
  const store = deps.catalog.store;
  const base = await table.refresh();
  const targetSize = opts.targetSize ?? tableTargetSize(table.name, base);
  const sortBy = sortColumns(table.name, base, opts.sortBy ?? []);
  const live = await table.liveEntries();
  const groups = plan(live, targetSize);
  const result: TableCompaction = {
    table: table.name, targetSize, dataFilesRemoved: 0, deleteFilesRemoved: 0, dataFilesAdded: 0, rowsWritten: 0, bytesWritten: 0,
    partitions: groups.map((g) => describeGroup(base, g, targetSize)),
  };
  if (opts.dryRun || groups.length === 0) return result;

  const filesTotal = groups.reduce((n, g) => n + g.files.length, 0);
  const written: DataFile[] = [];
  try {
    let filesDone = 0;
    const schema = currentSchema(base);
    const order = sortBy.length > 0 ? ` ORDER BY ${sortBy.map(quoteIdent).join(', ')}` : '';
    for (const [i, g] of groups.entries()) {
      const rows = await scanSql(currentScan(base, table.name, g.files, schema), store);
      const spec = base['partition-specs'].find((s) => s['spec-id'] === g.files[0]!.specId)!;
      const out = await writeDataFiles(deps.engine, {
        selectSql: `SELECT * FROM (${rows})${order}`, schema, spec, store, tableLocation: base.location, tableProperties: base.properties, targetFileBytes: targetSize, onePartition: true,
      });
      written.push(...out);
      result.partitions[i]!.outputFiles = out.length;
      filesDone += g.files.length;
      result.rowsWritten += out.reduce((n, f) => n + f.recordCount, 0);
      result.bytesWritten += out.reduce((n, f) => n + f.fileSizeInBytes, 0);
      opts.onProgress?.({
        table: table.name, filesDone, filesTotal, rowsWritten: result.rowsWritten, bytesWritten: result.bytesWritten,
        elapsedMs: Math.round(performance.now() - started),
      });
    }
    await opts.beforeCommit?.(table.name);
    const rewritten = new Map(groups.flatMap((g) => g.files.map((f) => [f.filePath, deletePaths(f)] as const)));
    let removedDeletes = 0;
    const snapshot = await table.rewrite('replace', async (_fresh, nowLive) => {
      const removable = foldedDeletes(table.name, rewritten, nowLive);
      removedDeletes = removable.length;
      return { remove: [...rewritten.keys(), ...removable], add: [...written] };
    });
    result.snapshotId = snapshot?.['snapshot-id'];
    result.dataFilesRemoved = rewritten.size;
    result.deleteFilesRemoved = removedDeletes;
    result.dataFilesAdded = written.length;
    return result;
  } catch (e) {
    await removeDataFiles(store, written);
    throw e;
  }
}

/**
 * Checks the fresh base still holds every file being rewritten with no delete applying to it
 * that the rewrite did not apply, and returns the delete files that apply to rewritten files only.
 */
function foldedDeletes(table: string, rewritten: ReadonlyMap<string, ReadonlySet<string>>, live: readonly ManifestEntry[]): string[] {
  const byPath = new Map(live.map((e) => [e.dataFile.filePath, e.dataFile]));
  const candidates = new Set<string>();
  for (const [path, applied] of rewritten) {
    const now = byPath.get(path);
    if (!now) throw new CommitConflict(`compact ${table}: another commit removed ${path} while it was being compacted; run silt compact again`);
    for (const d of deletePaths(now)) {
      if (!applied.has(d)) {
        throw new CommitConflict(`compact ${table}: another commit deleted rows of ${path} while it was being compacted; run silt compact again`);
      }
      candidates.add(d);
    }
  }
  for (const e of live) {
    if (!rewritten.has(e.dataFile.filePath)) for (const d of deletePaths(e.dataFile)) candidates.delete(d);
  }
  return [...candidates];
}

function deletePaths(f: DataFile): Set<string> {
  return new Set(f.deletes?.files.map((d) => d.file.filePath) ?? []);
}

/** Per partition, the files worth rewriting: small ones (when two or more) and every one with deletes. */
function plan(live: readonly ManifestEntry[], targetSize: number): Group[] {
  const byPartition = new Map<string, DataFile[]>();
  for (const e of live) {
    const f = e.dataFile;
    if (!f.deletes && f.fileSizeInBytes >= targetSize * SMALL_SHARE) continue;
    const key = partitionKey(f);
    byPartition.set(key, [...(byPartition.get(key) ?? []), f]);
  }
  return [...byPartition]
    .filter(([, files]) => files.length >= 2 || files.some((f) => f.deletes))
    .map(([key, files]) => ({ key, files }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function describeGroup(m: TableMetadata, g: Group, targetSize: number): PartitionCompaction {
  const bytes = g.files.reduce((n, f) => n + f.fileSizeInBytes, 0);
  const first = g.files[0]!;
  const spec = m['partition-specs'].find((s) => s['spec-id'] === first.specId);
  const path = spec && spec.fields.length > 0 ? partitionPath(spec, currentSchema(m), first.partition) : '';
  return {
    partition: path || '(unpartitioned)',
    dataFiles: g.files.length,
    bytes,
    records: g.files.reduce((n, f) => n + f.recordCount, 0),
    withDeletes: g.files.filter((f) => f.deletes).length,
    outputFiles: Math.max(1, Math.ceil(bytes / targetSize)),
  };
}

function tableTargetSize(table: string, m: TableMetadata): number {
  const text = m.properties[TARGET_SIZE_PROPERTY];
  if (text === undefined) return DEFAULT_TARGET_SIZE;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidInput(
      `compact ${table}: its property ${TARGET_SIZE_PROPERTY} is ${JSON.stringify(text)}, not a whole number of bytes; ` +
        `fix it (ALTER TABLE ${table} SET TBLPROPERTIES ('${TARGET_SIZE_PROPERTY}' = '134217728')) or give --target-size`,
    );
  }
  return n;
}

function sortColumns(table: string, m: TableMetadata, columns: readonly string[]): string[] {
  const names = currentSchema(m).fields.map((f) => f.name);
  for (const c of columns) {
    if (!names.includes(c)) throw new InvalidInput(`compact ${table}: --sort-by names ${JSON.stringify(c)}, which is not a column of the table (columns: ${names.join(', ')})`);
  }
  return [...columns];
}
