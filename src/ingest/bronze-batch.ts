import type { Catalog } from '../catalog/index.js';
import { quoteIdent, sideBySide, type Engine } from '../engine/index.js';
import { CommitConflict, RunFailed } from '../errors.js';
import { currentSchema, type DataFile, type PrimitiveType, type SchemaChange, type Snapshot, type Table, type TableMetadata } from '../table/index.js';
import { batchSummary, committedFiles, type CommittedFile } from './bronze-ledger.js';
import { columnSql, columnsWithValues, dropRead, readLandingFile, wholeFileReject, type BronzeFileRead, type NewLandingFile } from './bronze-read.js';
import { openRejectsTable, RejectStage, replaceRejects, type RowMisfits } from './bronze-rejects.js';
import { addFolderColumns, folderTypes } from './bronze-hive.js';
import { misfitSql } from './bronze-misfit.js';
import { BronzeSchema } from './bronze-schema.js';
import { openBronzeTable, writeBronzeFiles, type BronzeRows } from './bronze-write.js';
import { changedSinceListed } from './landing-files.js';
import { landingPrefix, type SourceConfig } from './source-config.js';

export interface BatchContext {
  catalog: Catalog;
  engine: Engine;
  source: string;
  config: SourceConfig;
  namespace: string;
  table: string;
  rejectsTable: string;
  batchId: string;
  ingestedAtIso: string;
  /** Called after each file is read, with that file's records and bytes. */
  onFile: (records: number, bytes: number) => void;
  /** Crash tests stop a batch between its commits by throwing from these. */
  interrupt?: { afterRejects?: () => void | Promise<void>; afterBronze?: () => void | Promise<void> };
}

export interface BatchOutcome {
  files: CommittedFile[];
  rowsIn: number;
  rowsWritten: number;
  rowsRejected: number;
  bytesRead: number;
  bytesWritten: number;
  newColumns: string[];
  typeConflicts: { file: string; column: string; detail: string }[];
  warnings: string[];
  /** Listed files that changed while they were read, left for a later run. */
  changed: string[];
  /** Absent when no file was left to commit. */
  snapshotId?: bigint;
}

/** A batch read and fitted to the table's schema, its rejects gathered: what is left is to write and commit it. */
export interface FittedBatch {
  /** The bronze table as the batch found it (undefined: the batch creates it). */
  existing: Table | undefined;
  schema: BronzeSchema;
  stage: RejectStage;
  rows: BronzeRows[];
  /** Per file, in landing order: rows for bronze, rejects, why when rejected whole. */
  committed: CommittedFile[];
  fingerprints: string[];
  rowsIn: number;
  /** Rows bronze must receive. */
  expected: number;
  bytesRead: number;
  typeConflicts: BatchOutcome['typeConflicts'];
  warnings: string[];
  changed: string[];
}

/**
 * Reads the files side by side, fits them to the bronze schema in landing order and gathers their
 * rejects, then hands the batch to `use`; the reads and the reject stage are dropped after. A
 * batch whose every file changed while read is not handed on (undefined).
 */
export async function withFittedBatch<T>(ctx: BatchContext, listed: readonly NewLandingFile[], use: (b: FittedBatch) => Promise<T>): Promise<{ value?: T; changed: string[]; warnings: string[] }> {
  const { catalog, engine } = ctx;
  const reads: BronzeFileRead[] = [];
  let stage: RejectStage | undefined;
  try {
    const all = await sideBySide(engine, listed, (on, file) => readLandingFile(on, catalog.store, file, ctx.config), (read) => {
      reads.push(read);
      ctx.onFile(read.rows + read.rejects.length, read.file.size);
    });
    // A file still being copied may have grown under the read: it is neither loaded nor recorded.
    const changed = await changedSinceListed(catalog.store, landingPrefix(ctx.source, ctx.config), listed);
    const ordered = all.filter((r) => !changed.has(r.file.key));
    const newFiles = listed.filter((f) => !changed.has(f.key));
    const changedWarnings = [...changed].map((key) => `${key}: changed while it was being read (a copy still in progress?); not ingested, the next run takes it once it has settled`);
    if (newFiles.length === 0) return { changed: [...changed], warnings: changedWarnings };
    const existing = (await catalog.tableExists(ctx.namespace, ctx.table)) ? await catalog.loadTable(ctx.namespace, ctx.table) : undefined;
    const folderTyped = folderTypes(ctx.source, ctx.config, newFiles, existing && currentSchema(existing.metadata));
    for (const read of ordered) addFolderColumns(read, ctx.source, ctx.config, folderTyped);
    const schema = new BronzeSchema(`${ctx.namespace}.${ctx.table}`, existing && currentSchema(existing.metadata));
    stage = await RejectStage.open(engine, ctx.batchId, ctx.ingestedAtIso);
    const rows: BronzeRows[] = [];
    const typeConflicts: BatchOutcome['typeConflicts'] = [];
    const committed: CommittedFile[] = [];
    for (const read of ordered) {
      await stage.addRejects(read.rejects, read.file.fingerprint);
      const fit = await checkFile(engine, schema, read, typeConflicts, rows);
      if (fit.misfits) await stage.addRows(read, fit.misfits);
      else if (fit.setAside !== undefined) await stage.addRows(read, fit.setAside);
      const written = fit.setAside !== undefined ? 0 : read.rows - (fit.misfits?.count ?? 0);
      const whole = fit.setAside ?? wholeFileReject(read);
      committed.push({ ...read.file, rows: written, rejects: read.rejects.length + read.rows - written, ...(whole === undefined ? {} : { rejectedWhole: whole }) });
    }
    const value = await use({
      existing, schema, stage, rows, committed, typeConflicts,
      fingerprints: newFiles.map((f) => f.fingerprint),
      rowsIn: ordered.reduce((n, r) => n + r.rows + r.rejects.length, 0),
      expected: committed.reduce((n, f) => n + f.rows, 0),
      bytesRead: newFiles.reduce((n, f) => n + f.size, 0),
      warnings: [...ordered.flatMap((r) => r.warnings), ...changedWarnings],
      changed: [...changed],
    });
    return { value, changed: [...changed], warnings: changedWarnings };
  } finally {
    for (const read of reads) await dropRead(engine, read);
    await stage?.drop();
  }
}

/** Every record is accounted for before anything is committed (or staged). */
export function checkReconciles(source: string, b: FittedBatch, written: number): void {
  if (written !== b.expected || b.rowsIn !== written + b.stage.count) {
    throw new RunFailed(
      `ingest: ${source}: rows do not reconcile: ${b.rowsIn} in, ${written} written (${b.expected} expected), ` +
        `${b.stage.count} rejected; nothing was committed`,
    );
  }
}

/**
 * Ingests a set of new landing files in one bronze commit. The bronze data files are written and
 * the counts reconciled first; then, so that a crash at any point neither loses nor duplicates:
 * (1) the rejects commit, replacing earlier rejects of the same fingerprints; (2) the bronze append
 * carrying the fingerprints and any schema change; (3) the ledger (rebuilt from (2) if lost).
 */
export async function ingestBatch(ctx: BatchContext, listed: readonly NewLandingFile[]): Promise<BatchOutcome> {
  const { catalog, engine } = ctx;
  const fitted = await withFittedBatch(ctx, listed, async (b) => {
    const summary = batchSummary(ctx.source, ctx.batchId, b.committed);
    const done = await catalog.guardWrite(ctx.namespace, ctx.rejectsTable, () =>
      catalog.guardWrite(ctx.namespace, ctx.table, async () => {
        const bronze = b.existing ?? (await openBronzeTable(catalog, ctx.namespace, ctx.table, b.schema));
        const meta = { ingestedAtIso: ctx.ingestedAtIso, batchId: ctx.batchId };
        const { files, changes } = await writeBronzeFiles(catalog, engine, bronze, b.schema, b.rows, meta);
        checkReconciles(ctx.source, b, files.reduce((n, f) => n + f.recordCount, 0));
        const rejectsTable = await openRejectsTable(catalog, ctx.namespace, ctx.rejectsTable);
        const rejected = await replaceRejects(catalog, engine, rejectsTable, b.fingerprints, summary, { relation: b.stage.relation, count: b.stage.count });
        await ctx.interrupt?.afterRejects?.();
        const snapshot = await appendBronze(bronze, files, changes, summary, ctx.source, b.fingerprints);
        await ctx.interrupt?.afterBronze?.();
        await recordLedger(catalog, ctx.source, ctx.batchId, b.committed, snapshot);
        return { snapshot, files, rejectBytes: rejected.bytesWritten };
      }),
    );
    return { b, done };
  });
  if (!fitted.value) {
    return { files: [], rowsIn: 0, rowsWritten: 0, rowsRejected: 0, bytesRead: 0, bytesWritten: 0, newColumns: [], typeConflicts: [], warnings: fitted.warnings, changed: fitted.changed };
  }
  const { b, done } = fitted.value;
  return {
    files: b.committed,
    rowsIn: b.rowsIn,
    rowsWritten: b.expected,
    rowsRejected: b.stage.count,
    bytesRead: b.bytesRead,
    bytesWritten: done.files.reduce((n, f) => n + f.fileSizeInBytes, 0) + done.rejectBytes,
    newColumns: b.schema.newColumns(),
    typeConflicts: b.typeConflicts,
    warnings: b.warnings,
    changed: b.changed,
    snapshotId: done.snapshot['snapshot-id'],
  };
}

/**
 * Appends bronze files carrying their fingerprints in the summary. Checked on every commit
 * attempt: a retry after a lost race must not append files the winner already committed.
 */
export async function appendBronze(bronze: Table, files: DataFile[], changes: SchemaChange[], summary: Record<string, string>, source: string, fingerprints: readonly string[]): Promise<Snapshot> {
  const check = (base: TableMetadata) => checkNotTaken(base, source, fingerprints);
  check(await bronze.refresh());
  return bronze.append(files, { schemaChanges: changes, summary, check });
}

/** The ledger rows of a bronze commit (rebuilt from its summary if this write is lost). */
export async function recordLedger(catalog: Catalog, source: string, batchId: string, committed: readonly CommittedFile[], snapshot: Snapshot): Promise<void> {
  await catalog.ingestedFiles.record(
    committed.map((f) => ({
      source, fingerprint: f.fingerprint, path: f.key, size: f.size, batchId,
      snapshotId: String(snapshot['snapshot-id']), rows: f.rows, rejects: f.rejects, ingestedMs: Date.now(),
    })),
  );
}

/** Another ingest of the source may have committed some of these files since they were sorted out. */
function checkNotTaken(base: TableMetadata, source: string, fingerprints: readonly string[]): void {
  const mine = new Set(fingerprints);
  const taken = committedFiles(base, source).find((f) => mine.has(f.fingerprint));
  if (taken) {
    throw new CommitConflict(`ingest: ${source}: ${taken.path || taken.fingerprint} was ingested by another run meanwhile; run again for the rest`);
  }
}

/**
 * Fits a file's columns into the schema. Its rows go to bronze (recorded in `rows`) except, for a
 * column whose table type is primitive, those whose value does not convert to it (`misfits`, to
 * rejects row by row); or none do (`setAside`: the reason, say a nested column that conflicts or a
 * type Iceberg cannot store).
 */
async function checkFile(
  engine: Engine,
  schema: BronzeSchema,
  read: BronzeFileRead,
  typeConflicts: BatchOutcome['typeConflicts'],
  rows: BronzeRows[],
): Promise<{ setAside?: string; misfits?: RowMisfits }> {
  if (read.unloadable !== undefined) return { setAside: read.unloadable };
  const conflicts = schema.conflicts(read.fields);
  // A column with no value in this file cannot conflict: it is written as NULL.
  const valued = await columnsWithValues(engine, read, conflicts.map((c) => c.column));
  const real = conflicts.filter((c) => valued.has(c.column));
  for (const c of real) typeConflicts.push({ file: read.file.key, column: c.column, detail: c.detail });
  const primitive = (column: string) => typeof read.fields.find((f) => f.name === column)?.type === 'string';
  if (real.some((c) => c.tableType === undefined || !primitive(c.column))) return { setAside: real.map((c) => c.detail).join('; ') };
  const misfit = real.map((c) => {
    const value = columnSql(read, c.column);
    return misfitSql(value, c.tableType as PrimitiveType, c.column, schema.tableName);
  });
  const where = misfit.map((m) => m.when).join(' OR ');
  const count = where ? await countWhere(engine, read, where) : 0;
  const error = `CASE ${misfit.map((m) => `WHEN ${m.when} THEN ${m.why}`).join(' ')} END`;
  // No row fits: the file changes nothing in the schema, and each row says why it did not fit.
  if (count === read.rows && count > 0) return { setAside: real.map((c) => c.detail).join('; '), misfits: { where, error, count } };
  const nullColumns = new Set(conflicts.filter((c) => !valued.has(c.column)).map((c) => c.column));
  // Columns converted to the table's type keep it: the schema does not take the file's type.
  schema.accept(read.fields, new Set([...nullColumns, ...real.map((c) => c.column)]));
  rows.push({ read, nullColumns, ...(count > 0 ? { exclude: where } : {}) });
  return count === 0 ? {} : { misfits: { where, error, count } };
}

async function countWhere(engine: Engine, read: BronzeFileRead, where: string): Promise<number> {
  const rows = await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(read.relation ?? '')} WHERE ${where}`);
  return Number(rows[0]?.n ?? 0);
}
