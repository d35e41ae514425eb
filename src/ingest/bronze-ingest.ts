import type { Catalog, IngestedFile } from '../catalog/index.js';
import { checkName } from '../catalog/index.js';
import type { Engine } from '../engine/index.js';
import { CommitConflict, InvalidInput, RunFailed } from '../errors.js';
import { ingestBatch, type BatchContext, type BatchOutcome } from './bronze-batch.js';
import { reconcileLedger } from './bronze-ledger.js';
import { openRejectsTable } from './bronze-rejects.js';
import { commitStaged, decodeStaged, type IngestTask } from './bronze-stage.js';
import type { NewLandingFile } from './bronze-read.js';
import { fingerprint, settledLanding, vouchedFiles, type LandingFile } from './landing-files.js';
import { bronzeTables, landingPrefix, type SourceConfig } from './source-config.js';
import { takes } from './source-claims.js';

export interface IngestResult {
  source: string;
  /** `namespace.table` of the bronze table. */
  table: string;
  batchId: string;
  /** Ready landing files; `rows` and `rejects` are this run's (0 for a file ingested before). */
  files: { path: string; fingerprint: string; status: 'ingested' | 'already-ingested'; rows: number; rejects: number; arrivedMs?: number; committedMs?: number }[];
  /** Files left for a later run: `.partial`/`.tmp`, still being modified, or changed while read. */
  incomplete: string[];
  /** Records seen in new files: good + rejected. */
  rowsIn: number;
  rowsWritten: number;
  rowsRejected: number;
  bytesRead: number;
  bytesWritten: number;
  newColumns: string[];
  typeConflicts: { file: string; column: string; detail: string }[];
  /** Things the reader noticed (renamed columns, approximate line numbers); nothing was lost. */
  warnings: string[];
  /** The last bronze snapshot this run committed. */
  snapshotId?: string;
  elapsedMs: number;
}

export interface IngestOptions {
  /** The pipeline run; it becomes the `_batch_id` of every row and reject. */
  runId: string;
  onProgress?: (p: { files: number; rows: number; bytes: number }) => void;
  /**
   * Files modified in the last seconds that the server's watcher has not vouched for: `wait` (up
   * to SETTLE_MS, the default) for them to settle, or `leave` them for a later run, as a run the
   * watcher asked for does (the watcher asks again once they settle).
   */
  youngFiles?: 'wait' | 'leave';
  /** For crash tests: throw from these to stop a batch after its rejects / bronze commit. */
  interrupt?: BatchContext['interrupt'];
  /** Landing files this process has just put whole (a pull's chunks): ready however young. */
  landed?: readonly string[];
}

/**
 * New files go to bronze in chunks of at most this many bytes and files, each chunk its own pair
 * of commits (rejects, bronze), so memory stays bounded by one chunk whatever the landing holds,
 * and snapshot summaries stay small. A chunk's files are all held while it is written; DuckDB
 * spills them past its memory limit, but not much past, so a chunk is also at most a quarter of
 * that limit. Under the limits, which is the usual case, a run makes one bronze snapshot per source.
 */
export const CHUNK_BYTES = 2 * 1024 ** 3;
const CHUNK_SHARE_OF_MEMORY = 4;
export const CHUNK_FILES = 500;

/**
 * Ingests a source's new landing files into its bronze table (see DESIGN.md, "One file's journey").
 * A file whose content fingerprint is already in the ledger, under any name, is skipped. Every
 * record of a new file ends in bronze or in `<table>_rejects` with its reason.
 */
export async function ingestSource(
  catalog: Catalog,
  engine: Engine,
  name: string,
  source: SourceConfig,
  opts: IngestOptions,
): Promise<IngestResult> {
  const plan = await planIngest(catalog, name, source, opts);
  await ingestHere(catalog, engine, plan, plan.fresh, opts);
  return finishIngest(plan);
}

/** A source's ingest once its landing is sorted out: the new files, and the result so far. */
interface IngestPlan {
  name: string;
  source: SourceConfig;
  namespace: string;
  table: string;
  rejects: string;
  fresh: NewLandingFile[];
  result: IngestResult;
  started: number;
  ingestedAtIso: string;
}

async function planIngest(catalog: Catalog, name: string, source: SourceConfig, opts: IngestOptions): Promise<IngestPlan> {
  const started = Date.now();
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new InvalidInput(`ingest: source name ${JSON.stringify(name)}: use lower-case letters, digits and _`);
  }
  if (opts.runId.trim() === '') throw new InvalidInput(`ingest: ${name}: a run id is required`);
  const { namespace, table, rejects } = bronzeTables(name, source);
  checkName('namespace', namespace);
  checkName('table', table);

  if (await catalog.tableExists(namespace, table)) {
    await reconcileLedger(catalog, (await catalog.loadTable(namespace, table)).metadata, name);
  }
  const prefix = landingPrefix(name, source);
  const landed = new Set(opts.landed ?? []);
  const justPut = landed.size === 0 ? [] : (await catalog.store.list(prefix)).filter((o) => landed.has(o.key)).map((o) => ({ path: o.key, size: o.size, modifiedMs: o.modifiedMs }));
  const vouched = vouchedFiles([...(await catalog.landingRequests.list(name)), ...justPut]);
  const landing = await settledLanding(catalog.store, prefix, { vouched, wait: opts.youngFiles !== 'leave' });
  const { fresh, known } = await sortOut(catalog, name, landing.filter((f) => f.state === 'ready' && takes(name, source, f.key)));

  const result: IngestResult = {
    source: name, table: `${namespace}.${table}`, batchId: opts.runId,
    files: known.map((f) => ({ path: f.key, fingerprint: f.fingerprint, status: 'already-ingested', rows: 0, rejects: 0 })),
    incomplete: landing.filter((f) => f.state === 'incomplete' && takes(name, source, f.key)).map((f) => f.key),
    rowsIn: 0, rowsWritten: 0, rowsRejected: 0, bytesRead: 0, bytesWritten: 0, newColumns: [], typeConflicts: [], warnings: [], elapsedMs: 0,
  };
  // Batches an earlier attempt of this run committed (the run ran the step again) are this run's.
  for (const [i, f] of known.entries()) {
    if (f.ingested?.batchId !== opts.runId) continue;
    const { rows, rejects, size, snapshotId } = f.ingested;
    result.files[i] = { path: f.key, fingerprint: f.fingerprint, status: 'ingested', rows, rejects };
    result.rowsIn += rows + rejects;
    result.rowsWritten += rows;
    result.rowsRejected += rejects;
    result.bytesRead += size;
    if (snapshotId !== null) result.snapshotId = snapshotId;
  }
  return { name, source, namespace, table, rejects, fresh, result, started, ingestedAtIso: new Date(started).toISOString() };
}

/** Ingests new files in this process, a chunk at a time, each chunk committed. */
async function ingestHere(catalog: Catalog, engine: Engine, plan: IngestPlan, files: readonly NewLandingFile[], opts: IngestOptions): Promise<void> {
  const progress = { files: 0, rows: 0, bytes: 0 };
  const chunkBytes = Math.min(CHUNK_BYTES, (await engine.memoryLimitBytes()) / CHUNK_SHARE_OF_MEMORY);
  for (const chunk of chunks(files, chunkBytes)) {
    const outcome = await ingestBatch(
      {
        catalog, engine, source: plan.name, config: plan.source, namespace: plan.namespace, table: plan.table, rejectsTable: plan.rejects,
        batchId: opts.runId, ingestedAtIso: plan.ingestedAtIso, interrupt: opts.interrupt,
        onFile: (records, bytes) => {
          progress.files += 1;
          progress.rows += records;
          progress.bytes += bytes;
          opts.onProgress?.({ ...progress });
        },
      },
      chunk,
    );
    merge(plan.result, outcome, chunk);
    if (outcome.snapshotId !== undefined) plan.result.snapshotId = String(outcome.snapshotId);
  }
}

function finishIngest(plan: IngestPlan): IngestResult {
  const { result, name } = plan;
  if (result.rowsIn !== result.rowsWritten + result.rowsRejected) {
    throw new RunFailed(`ingest: ${name}: rows do not reconcile: ${result.rowsIn} in, ${result.rowsWritten} written, ${result.rowsRejected} rejected`);
  }
  result.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  result.elapsedMs = Date.now() - plan.started;
  return result;
}

/** Which worker did an ingest task of a run, and what it held. */
export interface IngestTaskRecord {
  task: number;
  files: number;
  rows: number;
  rejects: number;
  worker: string;
  jobId: string;
}

export interface SpreadOptions extends IngestOptions {
  /** New files per task (at least 1). */
  filesPerTask: number;
  /**
   * Has the tasks done (by any worker) and resolves once each is staged; throws when one failed.
   * The pipeline queues them as jobs and takes some itself.
   */
  runTasks: (tasks: IngestTask[]) => Promise<void>;
}

/** Rounds of tasks redone because their new columns collided (see commitStaged) before giving up. */
const MAX_ROUNDS = 5;

/**
 * Ingests a source's new landing files spread over tasks that any worker may do: each task writes
 * its files' data files and stages them (stageTask), and this run commits the staged batches to
 * the table in landing order, a few commits per table rather than one per task (commitStaged).
 * Until then nothing is visible. A landing of one task's worth is ingested here, as is the first
 * task's worth when the bronze table does not exist yet (it is created with those files' columns).
 */
export async function spreadSource(
  catalog: Catalog,
  engine: Engine,
  name: string,
  source: SourceConfig,
  opts: SpreadOptions,
): Promise<IngestResult & { tasks: IngestTaskRecord[] }> {
  const plan = await planIngest(catalog, name, source, opts);
  const per = Math.max(1, Math.floor(opts.filesPerTask));
  let rest = plan.fresh;
  if (rest.length <= per || !(await catalog.tableExists(plan.namespace, plan.table))) {
    await ingestHere(catalog, engine, plan, rest.slice(0, per), opts);
    rest = rest.slice(per);
  }
  const tasks: IngestTaskRecord[] = [];
  if (rest.length > 0) {
    await openRejectsTable(catalog, plan.namespace, plan.rejects);
    // Left by an earlier attempt of this step in this run: its tasks were other files.
    await catalog.stagedIngest.clear(opts.runId, name);
    // Held from before the first task writes until the last commit: vacuum keeps staged files.
    await catalog.guardWrite(plan.namespace, plan.rejects, () =>
      catalog.guardWrite(plan.namespace, plan.table, () => runRounds(catalog, engine, plan, rest, per, opts, tasks)),
    );
  }
  return { ...finishIngest(plan), tasks };
}

async function runRounds(catalog: Catalog, engine: Engine, plan: IngestPlan, files: readonly NewLandingFile[], per: number, opts: SpreadOptions, records: IngestTaskRecord[]): Promise<void> {
  let seq = 0;
  const task = (files: NewLandingFile[]): IngestTask => ({ runId: opts.runId, source: plan.name, seq: seq++, files, ingestedAtIso: plan.ingestedAtIso });
  let pending: IngestTask[] = [];
  for (let i = 0; i < files.length; i += per) pending.push(task(files.slice(i, i + per)));
  for (let round = 1; pending.length > 0; round++) {
    if (round > MAX_ROUNDS) {
      throw new CommitConflict(`ingest: ${plan.name}: ${pending.length} tasks could not be committed in ${MAX_ROUNDS} rounds (their new columns kept colliding with others'); run again for the rest`);
    }
    await opts.runTasks(pending);
    const bySeq = new Map((await catalog.stagedIngest.list(opts.runId, plan.name)).map((s) => [s.seq, s]));
    const staged = pending.map((t) => {
      const s = bySeq.get(t.seq);
      if (!s) throw new RunFailed(`ingest: ${plan.name}: task ${t.seq} of run ${opts.runId} ended without staging its files; nothing of this round was committed; run again`);
      const batch = decodeStaged(s.batch);
      // Only the task's own files, each once, each committed or left as changed while read.
      const given = new Set(t.files.map((f) => f.fingerprint));
      const got = [...batch.fingerprints, ...t.files.filter((f) => batch.changed.includes(f.key)).map((f) => f.fingerprint)];
      if (got.length !== given.size || !got.every((fp) => given.has(fp)) || new Set(got).size !== got.length) {
        throw new RunFailed(`ingest: ${plan.name}: task ${t.seq} of run ${opts.runId} staged files other than its own (job ${s.jobId}); nothing of this round was committed; run again`);
      }
      return { seq: t.seq, batch, who: s };
    });
    const done = await commitStaged(catalog, engine, { source: plan.name, config: plan.source, runId: opts.runId }, staged);
    const committedMs = Date.now();
    for (const s of done.committed) {
      const t = staged.find((x) => x.seq === s.seq)!;
      merge(plan.result, s.batch, pending.find((p) => p.seq === s.seq)!.files, committedMs);
      records.push({ task: s.seq, files: s.batch.files.length, rows: s.batch.rowsWritten, rejects: s.batch.rowsRejected, worker: t.who.worker, jobId: t.who.jobId });
    }
    plan.result.bytesWritten += done.rejectBytes;
    if (done.snapshotId !== undefined) plan.result.snapshotId = done.snapshotId;
    await catalog.stagedIngest.clear(opts.runId, plan.name, pending.map((t) => t.seq));
    pending = done.redo.map((r) => task(pending.find((p) => p.seq === r.seq)!.files));
  }
}

/**
 * Splits ready landing files into new ones and ones already ingested. A file the ledger knows by
 * key, unchanged in size and not modified since it was ingested, is not hashed again.
 */
async function sortOut(
  catalog: Catalog,
  source: string,
  landing: readonly LandingFile[],
): Promise<{ fresh: NewLandingFile[]; known: { key: string; fingerprint: string; ingested?: IngestedFile }[] }> {
  const ledger = await catalog.ingestedFiles.list(source);
  const byFingerprint = new Map(ledger.map((f) => [f.fingerprint, f]));
  const byKey = new Map<string, IngestedFile>(ledger.map((f) => [f.path, f]));
  const taken = new Set<string>();
  const fresh: NewLandingFile[] = [];
  const known: { key: string; fingerprint: string; ingested?: IngestedFile }[] = [];
  for (const file of landing) {
    const seen = byKey.get(file.key);
    if (seen && seen.size === file.size && file.modifiedMs <= seen.ingestedMs) {
      known.push({ key: file.key, fingerprint: seen.fingerprint, ingested: seen });
      continue;
    }
    const fp = await fingerprint(catalog.store, file.key);
    const ingested = byFingerprint.get(fp);
    if (ingested || taken.has(fp)) known.push({ key: file.key, fingerprint: fp, ...(ingested && ingested.path === file.key ? { ingested } : {}) });
    else {
      taken.add(fp);
      fresh.push({ key: file.key, size: file.size, modifiedMs: file.modifiedMs, fingerprint: fp });
    }
  }
  return { fresh, known };
}

function* chunks(files: readonly NewLandingFile[], chunkBytes: number): Generator<NewLandingFile[]> {
  let chunk: NewLandingFile[] = [];
  let bytes = 0;
  for (const f of files) {
    if (chunk.length > 0 && (bytes + f.size > chunkBytes || chunk.length >= CHUNK_FILES)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(f);
    bytes += f.size;
  }
  if (chunk.length > 0) yield chunk;
}

/** Each file's arrival (its modification time) and commit time are kept: their gap is the ingest lag. */
function merge(result: IngestResult, o: Omit<BatchOutcome, 'snapshotId'>, chunk: readonly NewLandingFile[], committedMs = Date.now()): void {
  const arrived = new Map(chunk.map((f) => [f.key, f.modifiedMs]));
  for (const f of o.files) {
    result.files.push({ path: f.key, fingerprint: f.fingerprint, status: 'ingested', rows: f.rows, rejects: f.rejects, arrivedMs: arrived.get(f.key), committedMs });
  }
  result.rowsIn += o.rowsIn;
  result.rowsWritten += o.rowsWritten;
  result.rowsRejected += o.rowsRejected;
  result.bytesRead += o.bytesRead;
  result.bytesWritten += o.bytesWritten;
  for (const c of o.newColumns) if (!result.newColumns.includes(c)) result.newColumns.push(c);
  result.typeConflicts.push(...o.typeConflicts);
  result.warnings.push(...o.warnings);
  result.incomplete.push(...o.changed);
}
