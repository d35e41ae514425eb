import { randomUUID } from 'node:crypto';
import { InvalidInput } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { commit, fixedChange, type ChangeProducer, type Change, type Committed, type CommitTarget } from './commit.js';
import type { EntryToWrite } from './manifest.js';
import type { MetadataPointer } from './pointer.js';
import { planScan, type PlanOptions, type ScanPlan } from './scan.js';
import { evolveSchema, type SchemaChange } from './schema-evolution.js';
import { buildSummary } from './snapshot-summary.js';
import { checkDataFiles, listEntry, writeManifests, writeSnapshot, type WrittenManifest } from './snapshot-writer.js';
import { currentSnapshot, newSnapshotId, snapshotById } from './table-metadata.js';
import { ManifestReader } from './table-io.js';
import type { ManifestCache } from './manifest-cache.js';
import { manifestRewrite, type ManifestRewrite } from './manifest-rewrite.js';
import type { DataFile, ManifestEntry, PartitionField, Snapshot, TableMetadata } from './types.js';
import { evolvedPartitionFields } from './partition-spec.js';
import { assertRef, LAST_ADDED, partitionSpecChange, setBranch, type TableChange, type TableRequirement, type TableUpdate } from './updates.js';

export interface WriteOptions {
  schemaChanges?: SchemaChange[];
  summary?: Record<string, string>;
  /** Table properties set in the same commit (bookkeeping that must not be seen apart from the data). */
  properties?: Record<string, string>;
  /**
   * Runs against the fresh base on every commit attempt, before anything is written; throw to
   * abandon the commit. Lets a writer refuse what a concurrent commit already did (e.g. ingest
   * refusing files another run committed meanwhile), which a retry would otherwise repeat.
   */
  check?: (base: TableMetadata) => void;
}

/** What a merge-on-read commit adds: data files (content 0) and delete files (content 1 or 2). */
export type RowDeltaPrepare = (base: TableMetadata, live: ManifestEntry[]) => Promise<{ data: DataFile[]; deletes: DataFile[] }>;

/** `replace` rewrites files without changing the table's rows (compaction), as the spec defines it. */
export type RewriteOperation = 'overwrite' | 'delete' | 'replace';

export type RewritePrepare = (base: TableMetadata, live: ManifestEntry[]) => Promise<{ remove: string[]; add: DataFile[] }>;

/**
 * An Iceberg v2 table: reads through the object store, commits by compare-and-swap on the
 * metadata pointer (see commit.ts). Each write method is one Iceberg commit.
 */
export class Table {
  readonly name: string;
  private loaded: { metadata: TableMetadata; location: string } | undefined;
  private readonly reader: ManifestReader;

  /** `manifests`: a long-running process's cache of decoded manifests, shared by its tables. */
  constructor(
    private readonly store: ObjectStore,
    private readonly pointer: MetadataPointer,
    manifests?: ManifestCache,
  ) {
    this.name = pointer.name;
    this.reader = new ManifestReader(store, pointer.name, manifests);
  }

  /** The metadata last loaded by refresh() or a commit. */
  get metadata(): TableMetadata {
    return this.current().metadata;
  }

  get metadataLocation(): string {
    return this.current().location;
  }

  async refresh(): Promise<TableMetadata> {
    const { metadata, metadataLocation } = await this.pointer.load();
    this.loaded = { metadata, location: metadataLocation };
    return metadata;
  }

  async planFiles(opts: PlanOptions = {}): Promise<ScanPlan> {
    const m = this.loaded ? this.loaded.metadata : await this.refresh();
    return planScan(this.reader, m, opts, this.name);
  }

  async liveEntries(snapshotId?: bigint): Promise<ManifestEntry[]> {
    const m = this.loaded ? this.loaded.metadata : await this.refresh();
    const snapshot = snapshotId === undefined ? currentSnapshot(m) : snapshotById(m, snapshotId);
    return snapshot ? this.reader.liveEntries(m, snapshot) : [];
  }

  /** The data files a snapshot added and removed: its own ADDED and DELETED manifest entries. */
  async snapshotChanges(snapshotId: bigint): Promise<{ added: DataFile[]; removed: DataFile[] }> {
    const m = this.loaded ? this.loaded.metadata : await this.refresh();
    const out = { added: [] as DataFile[], removed: [] as DataFile[] };
    for (const mf of await this.reader.manifests(snapshotById(m, snapshotId, this.name))) {
      if (mf.content !== 0 || mf.addedSnapshotId !== snapshotId) continue;
      for (const e of await this.reader.entries(m, mf)) {
        if (e.snapshotId !== snapshotId || e.dataFile.content !== 0) continue;
        if (e.status === 1) out.added.push(e.dataFile);
        if (e.status === 2) out.removed.push(e.dataFile);
      }
    }
    return out;
  }

  async append(files: DataFile[], opts: WriteOptions = {}): Promise<Snapshot> {
    const done = await this.commitWith(this.appendChange(files, opts));
    return currentSnapshot(done.metadata)!;
  }

  /**
   * The change an append makes, built on each attempt's base: a new snapshot on top of main.
   * Its manifests are written once (ADDED entries carry no sequence number, so they stay valid
   * across retries); only the manifest list is written again when the base moved.
   */
  appendChange(files: DataFile[], opts: WriteOptions = {}): ChangeProducer {
    const commitUuid = randomUUID();
    let snapshotId: bigint | undefined;
    let written: WrittenManifest[] | undefined;
    return async (b, attempt) => {
      opts.check?.(b);
      const base = opts.schemaChanges ? evolveSchema(b, opts.schemaChanges) : b;
      checkDataFiles(base, files, `append to ${this.name}`);
      if (snapshotId === undefined || base.snapshots.some((s) => s['snapshot-id'] === snapshotId)) {
        snapshotId = newSnapshotId(base);
        written = undefined;
      }
      const id = snapshotId;
      const entries: EntryToWrite[] = files.map((dataFile) => ({
        status: 1, snapshotId: id, sequenceNumber: null, fileSequenceNumber: null, dataFile,
      }));
      written ??= await writeManifests(this.store, base, entries, (n) => this.metaKey(base, `${commitUuid}-m${n}.avro`), { n: 0 }, { split: true });
      const parent = currentSnapshot(base);
      const seq = base['last-sequence-number'] + 1;
      const carried = parent ? await this.reader.manifests(parent) : [];
      const listKey = this.metaKey(base, `snap-${id}-${attempt + 1}-${commitUuid}.avro`);
      const snapshot = await writeSnapshot(this.store, base, {
        snapshotId: id, listKey,
        manifests: [...written.map((w) => listEntry(w, id, seq)), ...carried],
        summary: buildSummary({ operation: 'append', parent, added: files, removed: [], extra: opts.summary }),
      });
      return snapshotChange(b, base, snapshot, [listKey], opts);
    };
  }

  /**
   * Copy-on-write rewrite. `prepare` runs on every attempt with the fresh base; manifests losing
   * entries are rewritten (kept entries EXISTING, removed ones DELETED), the others carried over.
   */
  async rewrite(operation: RewriteOperation, prepare: RewritePrepare, opts: WriteOptions = {}): Promise<Snapshot | undefined> {
    const done = await this.commitWith(this.rewriteChange(operation, prepare, opts));
    return done.changed ? currentSnapshot(done.metadata) : undefined;
  }

  /**
   * The change a rewrite makes on each attempt's base; undefined when `prepare` removes and adds
   * nothing. It requires main to be still where `prepare` saw it, so the files it rewrote are live.
   * A `replace` (compaction) may also remove delete files that apply to some live data file.
   */
  rewriteChange(operation: RewriteOperation, prepare: RewritePrepare, opts: WriteOptions = {}): ChangeProducer {
    const commitUuid = randomUUID();
    const what = `${operation} in ${this.name}`;
    return async (b, attempt) => {
      opts.check?.(b);
      const base = opts.schemaChanges ? evolveSchema(b, opts.schemaChanges) : b;
      const parent = currentSnapshot(base);
      const live = parent ? await this.reader.liveEntries(base, parent) : [];
      const { remove, add } = await prepare(base, live);
      if (remove.length === 0 && add.length === 0) return undefined;
      checkDataFiles(base, add, what);
      const removeSet = new Set(remove);
      const livePaths = new Set(live.map((e) => e.dataFile.filePath));
      const liveDeletes = new Set(operation === 'replace' ? live.flatMap((e) => e.dataFile.deletes?.files.map((d) => d.file.filePath) ?? []) : []);
      for (const path of liveDeletes) livePaths.add(path);
      const removesDeletes = remove.some((path) => liveDeletes.has(path));
      for (const path of removeSet) {
        if (!livePaths.has(path)) throw new InvalidInput(`${what}: ${path} is not a live file of the table`);
      }
      const id = newSnapshotId(base);
      const seq = base['last-sequence-number'] + 1;
      const counter = { n: 0 };
      const keyFor = (n: number): string => this.metaKey(base, `${commitUuid}-${attempt + 1}-m${n}.avro`);
      const manifests = [];
      const scratch: string[] = [];
      const removed: DataFile[] = [];
      const removedDeletes: DataFile[] = [];
      const added = await writeManifests(this.store, base, add.map((dataFile) => ({
        status: 1, snapshotId: id, sequenceNumber: null, fileSequenceNumber: null, dataFile,
      })), keyFor, counter, { split: true });
      for (const w of added) {
        manifests.push(listEntry(w, id, seq));
        scratch.push(w.key);
      }
      for (const mf of parent ? await this.reader.manifests(parent) : []) {
        const entries = mf.content === 0 || removesDeletes ? await this.reader.entries(base, mf) : [];
        if (!entries.some((e) => e.status !== 2 && removeSet.has(e.dataFile.filePath))) {
          manifests.push(mf);
          continue;
        }
        const kept: EntryToWrite[] = [];
        for (const e of entries) {
          if (e.status === 2) continue;
          const gone = removeSet.has(e.dataFile.filePath);
          if (gone) (e.dataFile.content === 0 ? removed : removedDeletes).push(e.dataFile);
          kept.push({
            status: gone ? 2 : 0, snapshotId: gone ? id : e.snapshotId,
            sequenceNumber: e.sequenceNumber, fileSequenceNumber: e.fileSequenceNumber, dataFile: e.dataFile,
          });
        }
        for (const w of await writeManifests(this.store, base, kept, keyFor, counter)) {
          manifests.push(listEntry(w, id, seq));
          scratch.push(w.key);
        }
      }
      const listKey = this.metaKey(base, `snap-${id}-${attempt + 1}-${commitUuid}.avro`);
      const snapshot = await writeSnapshot(this.store, base, {
        snapshotId: id, listKey, manifests,
        // A delete that rewrites files adds data files: the spec calls that an overwrite.
        summary: buildSummary({
          operation: operation === 'delete' && add.length > 0 ? 'overwrite' : operation,
          parent, added: add, removed, removedDeletes, extra: opts.summary,
        }),
      });
      return snapshotChange(b, base, snapshot, [...scratch, listKey], opts);
    };
  }

  /**
   * Merge-on-read row delta: adds delete files (and data files, for an update) without touching
   * the files already there. `prepare` runs on every attempt with the fresh base and its live
   * data files (each with the deletes that apply to it); the commit requires main to be still
   * where `prepare` saw it. Only delete files: a `delete` snapshot; data files too: `overwrite`.
   */
  rowDeltaChange(prepare: RowDeltaPrepare, opts: WriteOptions = {}): ChangeProducer {
    const commitUuid = randomUUID();
    return async (b, attempt) => {
      opts.check?.(b);
      const base = opts.schemaChanges ? evolveSchema(b, opts.schemaChanges) : b;
      const parent = currentSnapshot(base);
      const live = parent ? await this.reader.liveEntries(base, parent) : [];
      const { data, deletes } = await prepare(base, live);
      if (data.length === 0 && deletes.length === 0) return undefined;
      checkDataFiles(base, data, `row delta in ${this.name}`);
      checkDataFiles(base, deletes, `row delta in ${this.name}`, 'deletes');
      const id = newSnapshotId(base);
      const seq = base['last-sequence-number'] + 1;
      const entries: EntryToWrite[] = [...data, ...deletes].map((dataFile) => ({
        status: 1, snapshotId: id, sequenceNumber: null, fileSequenceNumber: null, dataFile,
      }));
      const written = await writeManifests(this.store, base, entries, (n) => this.metaKey(base, `${commitUuid}-${attempt + 1}-m${n}.avro`), { n: 0 });
      const carried = parent ? await this.reader.manifests(parent) : [];
      const listKey = this.metaKey(base, `snap-${id}-${attempt + 1}-${commitUuid}.avro`);
      const snapshot = await writeSnapshot(this.store, base, {
        snapshotId: id, listKey,
        manifests: [...written.map((w) => listEntry(w, id, seq)), ...carried],
        summary: buildSummary({ operation: data.length > 0 ? 'overwrite' : 'delete', parent, added: data, removed: [], addedDeletes: deletes, extra: opts.summary }),
      });
      return snapshotChange(b, base, snapshot, [...written.map((w) => w.key), listKey], opts);
    };
  }

  /**
   * Rewrites many small manifests of the current snapshot into fewer (see manifest-rewrite.ts): one
   * `replace` commit, built again on a fresh base when another writer commits first. Undefined when
   * there was nothing to rewrite; a dry run says what it would do and commits nothing.
   */
  async rewriteManifests(opts: { dryRun?: boolean } = {}): Promise<ManifestRewrite | undefined> {
    if (opts.dryRun) {
      const base = await this.refresh();
      return manifestRewrite(this.store, this.reader, base, (name) => this.metaKey(base, name), true);
    }
    let last: ManifestRewrite | undefined;
    const done = await this.commitWith(async (base) => {
      last = await manifestRewrite(this.store, this.reader, base, (name) => this.metaKey(base, name));
      return last?.change;
    });
    return done.changed ? last : undefined;
  }

  async evolveSchema(changes: SchemaChange[]): Promise<TableMetadata> {
    const done = await this.commitWith(async (base) => {
      const next = evolveSchema(base, changes);
      return next === base ? undefined : { requirements: schemaRequirements(base), updates: schemaUpdates(base, next) };
    });
    return done.metadata;
  }

  /**
   * Evolves the default partition spec to the one `text` declares (see parsePartitionSpec): new
   * data follows it, files already written keep theirs. Nothing is committed when it is the same.
   */
  async setPartitionSpec(text: string): Promise<TableMetadata> {
    const done = await this.commitWith(async (base) => {
      const fields = evolvedPartitionFields(base, text);
      const current = base['partition-specs'].find((s) => s['spec-id'] === base['default-spec-id'])?.fields ?? [];
      const same = JSON.stringify(current.map(specKey)) === JSON.stringify(fields.map(specKey));
      return same ? undefined : partitionSpecChange(base, fields);
    });
    return done.metadata;
  }

  /** Makes a known snapshot current on main again (recorded in the snapshot log). */
  async rollback(snapshotId: bigint): Promise<TableMetadata> {
    const done = await this.commitWith(async (base) => {
      snapshotById(base, snapshotId, this.name);
      if (base['current-snapshot-id'] === snapshotId) return undefined;
      return { requirements: [assertRef(base['current-snapshot-id'])], updates: [setBranch(snapshotId)] };
    });
    return done.metadata;
  }

  async setProperties(set: Record<string, string>, remove: string[] = []): Promise<TableMetadata> {
    for (const [k, v] of Object.entries(set)) {
      if (typeof v !== 'string') throw new InvalidInput(`table ${this.name}: property ${k} must be a string`);
    }
    const done = await this.commitWith(async (base) => {
      const properties = { ...base.properties, ...set };
      for (const k of remove) delete properties[k];
      const same = JSON.stringify(Object.entries(properties).sort()) === JSON.stringify(Object.entries(base.properties).sort());
      if (same) return undefined;
      return { requirements: [], updates: propertyUpdates(set, remove) };
    });
    return done.metadata;
  }

  /** Commits a change given as data, e.g. a REST client's requirements and updates. */
  async commitChange(change: TableChange): Promise<TableMetadata> {
    return (await this.commitWith(fixedChange(change))).metadata;
  }

  /** What a commit of this table in a transaction over several (see commitAll) takes. */
  target(produce: ChangeProducer): CommitTarget {
    return { pointer: this.pointer, produce };
  }

  /** Takes the result of a commit made elsewhere (a transaction over several tables) as the loaded state. */
  committed(done: Committed): void {
    this.loaded = { metadata: done.metadata, location: done.metadataLocation };
  }

  /** Commits the change `produce` builds on each attempt's base (see commit.ts). */
  async commitWith(produce: ChangeProducer): Promise<Committed> {
    const done = await commit(this.store, this.pointer, produce);
    this.committed(done);
    return done;
  }

  private metaKey(m: TableMetadata, name: string): string {
    return `${this.store.keyOf(m.location)}/metadata/${name}`;
  }

  private current(): { metadata: TableMetadata; location: string } {
    if (!this.loaded) throw new InvalidInput(`table ${this.name}: metadata not loaded yet; call refresh() first`);
    return this.loaded;
  }
}

/** The change that makes `snapshot` (built on `base`, which is `b` with the writer's schema changes) the head of main. */
function snapshotChange(b: TableMetadata, base: TableMetadata, snapshot: Snapshot, scratch: string[], opts: WriteOptions): Change {
  return {
    requirements: [...(base === b ? [] : schemaRequirements(b)), assertRef(b['current-snapshot-id'])],
    updates: [
      ...schemaUpdates(b, base),
      { action: 'add-snapshot', snapshot },
      setBranch(snapshot['snapshot-id']),
      ...(opts.properties ? propertyUpdates(opts.properties, []) : []),
    ],
    scratch,
  };
}

function schemaRequirements(base: TableMetadata): TableRequirement[] {
  return [
    { type: 'assert-current-schema-id', 'current-schema-id': base['current-schema-id'] },
    { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': base['last-column-id'] },
  ];
}

/** The updates that take `base` to `evolved` (evolveSchema's result): add the new schema, or go back to an earlier one. */
function schemaUpdates(base: TableMetadata, evolved: TableMetadata): TableUpdate[] {
  if (evolved === base) return [];
  const added = evolved.schemas.length > base.schemas.length ? evolved.schemas[evolved.schemas.length - 1] : undefined;
  if (!added) return [{ action: 'set-current-schema', 'schema-id': evolved['current-schema-id'] }];
  return [
    { action: 'add-schema', schema: added, 'last-column-id': evolved['last-column-id'] },
    { action: 'set-current-schema', 'schema-id': LAST_ADDED },
  ];
}

function propertyUpdates(set: Record<string, string>, remove: string[]): TableUpdate[] {
  return [
    ...(Object.keys(set).length ? [{ action: 'set-properties' as const, updates: set }] : []),
    ...(remove.length ? [{ action: 'remove-properties' as const, removals: remove }] : []),
  ];
}

const specKey = (f: PartitionField): string => `${f['source-id']}:${f.transform}:${f['field-id']}:${f.name}`;
