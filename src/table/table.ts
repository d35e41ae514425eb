import { randomUUID } from 'node:crypto';
import { InvalidInput } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { commit, type Committed } from './commit.js';
import type { EntryToWrite } from './manifest.js';
import type { MetadataPointer } from './pointer.js';
import { planScan, type PlanOptions, type ScanPlan } from './scan.js';
import { evolveSchema, type SchemaChange } from './schema-evolution.js';
import { buildSummary } from './snapshot-summary.js';
import { addSnapshot, checkDataFiles, listEntry, writeManifests, type WrittenManifest } from './snapshot-writer.js';
import { currentSnapshot, newSnapshotId, snapshotById } from './table-metadata.js';
import { ManifestReader } from './table-io.js';
import type { DataFile, ManifestEntry, Snapshot, TableMetadata } from './types.js';

export interface WriteOptions {
  schemaChanges?: SchemaChange[];
  summary?: Record<string, string>;
  /**
   * Runs against the fresh base on every commit attempt, before anything is written; throw to
   * abandon the commit. Lets a writer refuse what a concurrent commit already did (e.g. ingest
   * refusing files another run committed meanwhile), which a retry would otherwise repeat.
   */
  check?: (base: TableMetadata) => void;
}

export type RewritePrepare = (base: TableMetadata, live: ManifestEntry[]) => Promise<{ remove: string[]; add: DataFile[] }>;

/**
 * An Iceberg v2 table: reads through the object store, commits by compare-and-swap on the
 * metadata pointer (see commit.ts). Each write method is one Iceberg commit.
 */
export class Table {
  readonly name: string;
  private loaded: { metadata: TableMetadata; location: string } | undefined;
  private readonly reader: ManifestReader;

  constructor(
    private readonly store: ObjectStore,
    private readonly pointer: MetadataPointer,
  ) {
    this.name = pointer.name;
    this.reader = new ManifestReader(store, pointer.name);
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

  async append(files: DataFile[], opts: WriteOptions = {}): Promise<Snapshot> {
    const commitUuid = randomUUID();
    let snapshotId: bigint | undefined;
    let written: WrittenManifest[] | undefined;
    const done = await this.commit(async (b, attempt) => {
      opts.check?.(b);
      const base = opts.schemaChanges ? evolveSchema(b, opts.schemaChanges) : b;
      checkDataFiles(base, files, `append to ${this.name}`);
      if (snapshotId === undefined || base.snapshots.some((s) => s['snapshot-id'] === snapshotId)) {
        snapshotId = newSnapshotId(base);
        written = undefined;
      }
      const id = snapshotId;
      // ADDED entries carry no sequence number, so these manifests stay valid across retries
      const entries: EntryToWrite[] = files.map((dataFile) => ({
        status: 1, snapshotId: id, sequenceNumber: null, fileSequenceNumber: null, dataFile,
      }));
      written ??= await writeManifests(this.store, base, entries, (n) => this.metaKey(base, `${commitUuid}-m${n}.avro`), { n: 0 });
      const parent = currentSnapshot(base);
      const seq = base['last-sequence-number'] + 1;
      const carried = parent ? await this.reader.manifests(parent) : [];
      const listKey = this.metaKey(base, `snap-${id}-${attempt + 1}-${commitUuid}.avro`);
      const metadata = await addSnapshot(this.store, base, {
        snapshotId: id, listKey,
        manifests: [...written.map((w) => listEntry(w, id, seq)), ...carried],
        summary: buildSummary({ operation: 'append', parent, added: files, removed: [], extra: opts.summary }),
      });
      return { metadata, scratch: [listKey] };
    });
    return currentSnapshot(done.metadata)!;
  }

  /**
   * Copy-on-write rewrite. `prepare` runs on every attempt with the fresh base; manifests losing
   * entries are rewritten (kept entries EXISTING, removed ones DELETED), the others carried over.
   */
  async rewrite(operation: 'overwrite' | 'delete', prepare: RewritePrepare, opts: WriteOptions = {}): Promise<Snapshot | undefined> {
    const commitUuid = randomUUID();
    const what = `${operation} in ${this.name}`;
    const done = await this.commit(async (b, attempt) => {
      opts.check?.(b);
      const base = opts.schemaChanges ? evolveSchema(b, opts.schemaChanges) : b;
      const parent = currentSnapshot(base);
      const live = parent ? await this.reader.liveEntries(base, parent) : [];
      const { remove, add } = await prepare(base, live);
      if (remove.length === 0 && add.length === 0) return undefined;
      checkDataFiles(base, add, what);
      const removeSet = new Set(remove);
      const livePaths = new Set(live.map((e) => e.dataFile.filePath));
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
      const added = await writeManifests(this.store, base, add.map((dataFile) => ({
        status: 1, snapshotId: id, sequenceNumber: null, fileSequenceNumber: null, dataFile,
      })), keyFor, counter);
      for (const w of added) {
        manifests.push(listEntry(w, id, seq));
        scratch.push(w.key);
      }
      for (const mf of parent ? await this.reader.manifests(parent) : []) {
        const entries = mf.content === 0 ? await this.reader.entries(base, mf) : [];
        if (!entries.some((e) => e.status !== 2 && removeSet.has(e.dataFile.filePath))) {
          manifests.push(mf);
          continue;
        }
        const kept: EntryToWrite[] = [];
        for (const e of entries) {
          if (e.status === 2) continue;
          const gone = removeSet.has(e.dataFile.filePath);
          if (gone) removed.push(e.dataFile);
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
      const metadata = await addSnapshot(this.store, base, {
        snapshotId: id, listKey, manifests,
        summary: buildSummary({ operation, parent, added: add, removed, extra: opts.summary }),
      });
      return { metadata, scratch: [...scratch, listKey] };
    });
    return done.changed ? currentSnapshot(done.metadata) : undefined;
  }

  async evolveSchema(changes: SchemaChange[]): Promise<TableMetadata> {
    const done = await this.commit(async (base) => {
      const next = evolveSchema(base, changes);
      return next === base ? undefined : { metadata: next, scratch: [] };
    });
    return done.metadata;
  }

  /** Makes a known snapshot current on main again (recorded in the snapshot log). */
  async rollback(snapshotId: bigint): Promise<TableMetadata> {
    const done = await this.commit(async (base) => {
      snapshotById(base, snapshotId, this.name);
      if (base['current-snapshot-id'] === snapshotId) return undefined;
      const now = Date.now();
      return {
        metadata: {
          ...base,
          'current-snapshot-id': snapshotId,
          refs: { ...base.refs, main: { 'snapshot-id': snapshotId, type: 'branch' } },
          'snapshot-log': [...base['snapshot-log'], { 'timestamp-ms': now, 'snapshot-id': snapshotId }],
          'last-updated-ms': now,
        },
        scratch: [],
      };
    });
    return done.metadata;
  }

  async setProperties(set: Record<string, string>, remove: string[] = []): Promise<TableMetadata> {
    for (const [k, v] of Object.entries(set)) {
      if (typeof v !== 'string') throw new InvalidInput(`table ${this.name}: property ${k} must be a string`);
    }
    const done = await this.commit(async (base) => {
      const properties = { ...base.properties, ...set };
      for (const k of remove) delete properties[k];
      const same = JSON.stringify(Object.entries(properties).sort()) === JSON.stringify(Object.entries(base.properties).sort());
      return same ? undefined : { metadata: { ...base, properties }, scratch: [] };
    });
    return done.metadata;
  }

  private async commit(build: Parameters<typeof commit>[2]): Promise<Committed> {
    const done = await commit(this.store, this.pointer, build);
    this.loaded = { metadata: done.metadata, location: done.metadataLocation };
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
