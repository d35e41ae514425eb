import type { Catalog } from '../catalog/index.js';
import type { Engine } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { currentSchema, dataFilesFromJson, dataFilesToJson, evolveSchema, type DataFile, type NestedField, type Schema, type SchemaChange } from '../table/index.js';
import { appendBronze, checkReconciles, recordLedger, withFittedBatch, type BatchOutcome } from './bronze-batch.js';
import { batchSummary } from './bronze-ledger.js';
import type { NewLandingFile } from './bronze-read.js';
import { replaceRejects, writeRejectFiles } from './bronze-rejects.js';
import { writeBronzeFiles } from './bronze-write.js';
import { bronzeTables, type SourceConfig } from './source-config.js';

/** One ingest task: some of a run's new landing files of a source, in landing order. */
export interface IngestTask {
  runId: string;
  source: string;
  /** The task's place in the run's landing order: staged batches are committed in this order. */
  seq: number;
  files: NewLandingFile[];
  /** The run's one `_ingested_at`, whichever worker writes the rows. */
  ingestedAtIso: string;
}

/** What a task wrote, not yet committed: the bronze and rejects files, and what they hold (as a batch's outcome). */
export interface StagedBatch extends Omit<BatchOutcome, 'snapshotId'> {
  fingerprints: string[];
  dataFiles: DataFile[];
  rejectFiles: DataFile[];
  /** The schema changes the data files were written with, over the table the task saw. */
  changes: SchemaChange[];
  /** Field id → name and type of every field the data files were written with. */
  fields: Record<string, string>;
}

export function encodeStaged(b: StagedBatch): string {
  return JSON.stringify({ ...b, dataFiles: dataFilesToJson(b.dataFiles), rejectFiles: dataFilesToJson(b.rejectFiles) });
}

export function decodeStaged(text: string): StagedBatch {
  const raw = JSON.parse(text) as Omit<StagedBatch, 'dataFiles' | 'rejectFiles'> & { dataFiles: string; rejectFiles: string };
  return { ...raw, dataFiles: dataFilesFromJson(raw.dataFiles), rejectFiles: dataFilesFromJson(raw.rejectFiles) };
}

/**
 * Does one ingest task: reads its files, writes their rows to bronze data files and their rejects
 * to rejects data files, and stages both in the metadata store for the run to commit. Nothing is
 * visible until then. A task an earlier attempt already staged is not done again (staged false).
 */
export async function stageTask(
  catalog: Catalog,
  engine: Engine,
  config: SourceConfig,
  task: IngestTask,
  who: { jobId: string; worker: string },
): Promise<{ staged: boolean; batch?: StagedBatch }> {
  if (await catalog.stagedIngest.has(task.runId, task.source, task.seq)) return { staged: false };
  const { namespace, table, rejects } = bronzeTables(task.source, config);
  if (!(await catalog.tableExists(namespace, table)) || !(await catalog.tableExists(namespace, rejects))) {
    throw new InvalidInput(`ingest: ${task.source}: task ${task.seq} of run ${task.runId} found no ${namespace}.${table} (or its rejects table), which its run creates first; was it dropped meanwhile? Run again`);
  }
  const ctx = { catalog, engine, source: task.source, config, namespace, table, rejectsTable: rejects, batchId: task.runId, ingestedAtIso: task.ingestedAtIso, onFile: () => undefined };
  const fitted = await withFittedBatch(ctx, task.files, (b) =>
    catalog.guardWrite(namespace, rejects, () =>
      catalog.guardWrite(namespace, table, async () => {
        const bronze = b.existing!;
        const { files, changes, written } = await writeBronzeFiles(catalog, engine, bronze, b.schema, b.rows, { ingestedAtIso: task.ingestedAtIso, batchId: task.runId });
        checkReconciles(task.source, b, files.reduce((n, f) => n + f.recordCount, 0));
        const rejectsTable = await catalog.loadTable(namespace, rejects);
        const rejectFiles = b.stage.count > 0 ? await writeRejectFiles(catalog, engine, await rejectsTable.refresh(), b.stage.selectSql()) : [];
        const batch: StagedBatch = {
          files: b.committed, fingerprints: b.fingerprints, dataFiles: files, rejectFiles, changes, fields: fieldSignature(written),
          rowsIn: b.rowsIn, rowsWritten: b.expected, rowsRejected: b.stage.count, bytesRead: b.bytesRead,
          bytesWritten: [...files, ...rejectFiles].reduce((n, f) => n + f.fileSizeInBytes, 0),
          newColumns: b.schema.newColumns(), typeConflicts: b.typeConflicts, warnings: b.warnings, changed: b.changed,
        };
        return batch;
      }),
    ),
  );
  const batch: StagedBatch = fitted.value ?? {
    files: [], fingerprints: [], dataFiles: [], rejectFiles: [], changes: [], fields: {}, rowsIn: 0, rowsWritten: 0, rowsRejected: 0,
    bytesRead: 0, bytesWritten: 0, newColumns: [], typeConflicts: [], warnings: fitted.warnings, changed: fitted.changed,
  };
  const staged = await catalog.stagedIngest.stage({ runId: task.runId, source: task.source, seq: task.seq, jobId: who.jobId, worker: who.worker, stagedMs: Date.now(), batch: encodeStaged(batch) });
  return { staged, batch };
}

/** Field id → path and type, over nested fields too: two schemas agree on a file when these match. */
function fieldSignature(schema: Schema): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (fields: readonly NestedField[], prefix: string) => {
    for (const f of fields) {
      out[String(f.id)] = `${prefix}${f.name}:${JSON.stringify(f.type)}`;
      if (typeof f.type === 'object' && f.type.type === 'struct') walk(f.type.fields, `${prefix}${f.name}.`);
    }
  };
  walk(schema.fields, '');
  return out;
}

/** A staged batch with its task's number. */
export interface StagedInOrder {
  seq: number;
  batch: StagedBatch;
}

/** Files per bronze commit of staged batches, as for a run in one process (see CHUNK_FILES). */
const COMMIT_FILES = 500;

/**
 * Commits staged batches in task order, one pair of commits (rejects, then bronze) per up to
 * COMMIT_FILES files, and records them in the ledger. A batch written with field ids that an
 * earlier batch's new columns took (two tasks each adding a different column) cannot join: it is
 * given back in `redo`, to be done again over the table as committed.
 */
export async function commitStaged(
  catalog: Catalog,
  engine: Engine,
  t: { source: string; config: SourceConfig; runId: string },
  batches: readonly StagedInOrder[],
): Promise<{ committed: StagedInOrder[]; redo: StagedInOrder[]; snapshotId?: string; rejectBytes: number }> {
  const { namespace, table, rejects } = bronzeTables(t.source, t.config);
  const bronze = await catalog.loadTable(namespace, table);
  const base = await bronze.refresh();
  const changes: SchemaChange[] = [];
  const committed: StagedInOrder[] = [];
  const redo: StagedInOrder[] = [];
  for (const s of batches) {
    let agrees = false;
    try {
      const signature = fieldSignature(currentSchema(evolveSchema(base, [...changes, ...s.batch.changes])));
      agrees = Object.entries(s.batch.fields).every(([id, sig]) => signature[id] === sig);
    } catch {
      agrees = false;
    }
    if (!agrees) {
      redo.push(s);
      continue;
    }
    changes.push(...s.batch.changes);
    committed.push(s);
  }
  let snapshotId: string | undefined;
  let rejectBytes = 0;
  await catalog.guardWrite(namespace, rejects, () =>
    catalog.guardWrite(namespace, table, async () => {
      const rejectsTable = await catalog.loadTable(namespace, rejects);
      for (const group of groups(committed)) {
        const files = group.flatMap((s) => s.batch.files);
        if (files.length === 0) continue;
        const fingerprints = group.flatMap((s) => s.batch.fingerprints);
        const summary = batchSummary(t.source, t.runId, files);
        const rejected = await replaceRejects(catalog, engine, rejectsTable, fingerprints, summary, { files: group.flatMap((s) => s.batch.rejectFiles) });
        rejectBytes += rejected.bytesWritten;
        const groupChanges = group.flatMap((s) => s.batch.changes);
        const snapshot = await appendBronze(bronze, group.flatMap((s) => s.batch.dataFiles), groupChanges, summary, t.source, fingerprints);
        await recordLedger(catalog, t.source, t.runId, files, snapshot);
        snapshotId = String(snapshot['snapshot-id']);
      }
    }),
  );
  return { committed, redo, ...(snapshotId === undefined ? {} : { snapshotId }), rejectBytes };
}

function groups(batches: readonly StagedInOrder[]): StagedInOrder[][] {
  const out: StagedInOrder[][] = [];
  let current: StagedInOrder[] = [];
  let files = 0;
  for (const b of batches) {
    if (current.length > 0 && files + b.batch.files.length > COMMIT_FILES) {
      out.push(current);
      current = [];
      files = 0;
    }
    current.push(b);
    files += b.batch.files.length;
  }
  if (current.length > 0) out.push(current);
  return out;
}
