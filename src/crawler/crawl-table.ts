/** One dataset against what the catalog knows of it: file and partition changes, schema, one save. */
import type { Catalog, ExternalColumn, ExternalFileEntry, ExternalSchemaChange, ExternalTableInfo } from '../catalog/index.js';
import type { Engine, ExternalFormat } from '../engine/index.js';
import { InvalidInput, isUserError } from '../errors.js';
import { joinKey, type ObjectStore } from '../storage/index.js';
import type { FoundFile } from './discover.js';
import { inferColumns, pickSample, readerOptions } from './infer.js';
import { partitionColumns, partitionText } from './partitions.js';
import { mergeSchema } from './schema-merge.js';

export interface CrawledTable {
  namespace: string;
  name: string;
  location: string;
  format: ExternalFormat;
  status: 'created' | 'updated' | 'unchanged' | 'failed';
  /** Totals after the crawl. */
  files: number;
  partitions: number;
  filesAdded: number;
  filesChanged: number;
  filesRemoved: number;
  partitionsAdded: number;
  schemaVersion: number;
  /** What the new schema version changed (empty when none was added, and for a new table). */
  schemaChanges: ExternalSchemaChange[];
  /** Why a failed table was left as it was. */
  error?: string;
}

export interface TableTarget {
  namespace: string;
  name: string;
  /** The dataset's folder in the store (its files' keys are `key/path`). */
  key: string;
  /** Where DuckDB reads the folder, recorded for queries. */
  location: string;
  format: ExternalFormat;
  files: readonly FoundFile[];
  previous: ExternalTableInfo | undefined;
}

export async function crawlTable(catalog: Catalog, engine: Engine, store: ObjectStore, t: TableTarget, sampleFiles: number, nowMs: number): Promise<CrawledTable> {
  const oldFiles = t.previous ? await catalog.externalTables.files(t.namespace, t.name) : [];
  const oldByPath = new Map(oldFiles.map((f) => [f.path, f]));
  const newPaths = new Set(t.files.map((f) => f.path));
  const added = t.files.filter((f) => !oldByPath.has(f.path));
  const changed = t.files.filter((f) => {
    const old = oldByPath.get(f.path);
    return old !== undefined && (old.size !== f.size || old.modifiedMs !== f.modifiedMs);
  });
  const removed = oldFiles.filter((f) => !newPaths.has(f.path)).map((f) => f.path);
  const oldPartitions = distinctPartitions(oldFiles.map((f) => f.partition));
  const partitions = distinctPartitions(t.files.map((f) => partitionText(f.partition)));
  const report: CrawledTable = {
    namespace: t.namespace,
    name: t.name,
    location: t.location,
    format: t.format,
    status: t.previous ? 'unchanged' : 'created',
    files: t.files.length,
    partitions: partitions.size,
    filesAdded: added.length,
    filesChanged: changed.length,
    filesRemoved: removed.length,
    partitionsAdded: [...partitions].filter((p) => !oldPartitions.has(p)).length,
    schemaVersion: t.previous?.schemaVersion ?? 0,
    schemaChanges: [],
  };
  if (t.previous && added.length + changed.length + removed.length === 0) return report;

  try {
    // Queries read the table at its location: a store DuckDB cannot reach copies every file there, not only the sample.
    // (With no earlier crawl every file is new, so the sample is drawn from all of them.)
    const fresh = [...added, ...changed];
    const located = await store.engineFiles(fresh.map((f) => joinKey(t.key, f.path)));
    const at = new Map(fresh.map((f, i) => [f, located[i]!]));
    const sample = pickSample(fresh, sampleFiles).map((f) => at.get(f)!);
    if (!t.previous && sample.length === 0) {
      throw new InvalidInput(`crawl: ${t.location}: every ${t.format} file is empty; nothing to infer a schema from`);
    }
    const options = t.previous?.options ?? (await readerOptions(engine, t.format, sample[0]!));
    const partitionCols = partitionColumns(t.files);
    const keys = new Set(partitionCols.map((c) => c.name.toLowerCase()));
    const dataCols = sample.length ? await inferColumns(engine, t.format, options, sample) : [];
    const found: ExternalColumn[] = [...dataCols.filter((c) => !keys.has(c.name.toLowerCase())), ...partitionCols];
    const merged = mergeSchema(t.previous?.columns, found);
    const newVersion = !t.previous || merged.changes.length > 0;
    const upsert: ExternalFileEntry[] = [...added, ...changed].map((f) => ({
      path: f.path,
      size: f.size,
      modifiedMs: f.modifiedMs,
      partition: partitionText(f.partition),
      addedMs: nowMs,
    }));
    const saved = await catalog.externalTables.save({
      namespace: t.namespace,
      name: t.name,
      location: t.location,
      format: t.format,
      options,
      ...(newVersion ? { schema: merged } : {}),
      upsertFiles: upsert,
      removeFiles: removed,
      nowMs,
    });
    return { ...report, status: t.previous ? 'updated' : 'created', schemaVersion: saved.schemaVersion, schemaChanges: merged.changes };
  } catch (e) {
    if (!isUserError(e)) throw e;
    const kept = t.previous ? { files: oldFiles.length, partitions: oldPartitions.size } : { files: 0, partitions: 0 };
    return { ...report, ...kept, filesAdded: 0, filesChanged: 0, filesRemoved: 0, partitionsAdded: 0, status: 'failed', error: e.message };
  }
}

function distinctPartitions(texts: readonly string[]): Set<string> {
  return new Set(texts.filter((p) => p !== ''));
}
