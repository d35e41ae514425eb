import { pathToFileURL } from 'node:url';
import { InvalidInput } from '../errors.js';
import { joinKey, type ObjectStore } from '../storage/index.js';
import { currentSchema, partitionPath, type DataFile, type ManifestEntry, type TableMetadata } from '../table/index.js';
import { dayText, fileAger, type Ager, type FileSpan } from './retention-age.js';
import type { RetentionPolicy } from './retention-config.js';

/**
 * What retention makes of a live data file: `hot` stays, `archived` already lives under the
 * archive location, `delete` is due to go (in column mode: holds rows due to go), `archive` is
 * due to move, `held` is due to move but carries position deletes, which name its path (compact
 * the table first).
 */
export type FileState = 'hot' | 'archived' | 'delete' | 'archive' | 'held';

export interface FilePlan {
  file: DataFile;
  state: FileState;
  span: FileSpan | undefined;
  /** The partition as a path (`_ingested_at_day=2026-01-31`), or `-` for an unpartitioned file. */
  partition: string;
}

export interface TablePlan {
  table: string;
  policy: RetentionPolicy;
  ager: Ager;
  /** The archive location as a key prefix of the store (no trailing '/'). */
  archivePrefix: string | undefined;
  files: FilePlan[];
}

/** The cutoffs of a policy at `nowMs`: data ending at or before them is due. */
export function cutoffs(policy: RetentionPolicy, nowMs: number): { deleteMs?: number; archiveMs?: number } {
  return {
    ...(policy.deleteAfterMs !== undefined && { deleteMs: nowMs - policy.deleteAfterMs }),
    ...(policy.archiveAfterMs !== undefined && { archiveMs: nowMs - policy.archiveAfterMs }),
  };
}

/** Sorts each live file of a table by what its policy makes of it at `nowMs`. */
export function planTable(store: ObjectStore, table: string, m: TableMetadata, live: readonly ManifestEntry[], policy: RetentionPolicy, nowMs: number): TablePlan {
  const ager = fileAger(m, table, policy);
  const archivePrefix = policy.archive === undefined ? undefined : archiveKeyPrefix(store, policy.archive, `${policy.declaredAt}.archive`);
  const { deleteMs, archiveMs } = cutoffs(policy, nowMs);
  const schema = currentSchema(m);
  const specs = new Map(m['partition-specs'].map((s) => [s['spec-id'], s]));
  const files = live.map(({ dataFile: file }): FilePlan => {
    const span = ager.span(file);
    const spec = specs.get(file.specId)!;
    const partition = spec.fields.length === 0 ? '-' : partitionPath(spec, schema, file.partition);
    const archived = archivePrefix !== undefined && store.keyOf(file.filePath).startsWith(archivePrefix + '/');
    const state = ((): FileState => {
      if (span && deleteMs !== undefined && ager.due(span, deleteMs)) return 'delete';
      if (span && archiveMs !== undefined && !archived && span.endMs <= archiveMs) {
        return file.deletes?.files.some((d) => d.file.content === 1) ? 'held' : 'archive';
      }
      return archived ? 'archived' : 'hot';
    })();
    return { file, state, span, partition };
  });
  return { table, policy, ager, archivePrefix, files };
}

/**
 * The archive location as a key prefix of the lake's store: a prefix (`archive`, `cold/2026`), or
 * a URI or absolute folder inside the store. Tables reference files only in their store, so a
 * location outside it is refused.
 */
export function archiveKeyPrefix(store: ObjectStore, location: string, where: string): string {
  const text = location.trim();
  const uri = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : text.startsWith('/') ? pathToFileURL(text).href : undefined;
  let key: string;
  if (uri !== undefined) {
    try {
      key = store.keyOf(uri.endsWith('/') ? uri : uri + '/');
    } catch {
      throw new InvalidInput(
        `retention: ${where}: ${location} is outside the lake's store (${store.rootUri}), and a table can reference only files in it; ` +
          `give a prefix inside it, such as archive, or a location under ${store.rootUri}`,
      );
    }
  } else {
    key = text;
  }
  const parts = key.split('/').filter((p) => p.length > 0);
  if (parts.length === 0 || parts.some((p) => p === '.' || p === '..')) {
    throw new InvalidInput(`retention: ${where}: ${JSON.stringify(location)} is not a folder inside the lake; give a prefix such as archive`);
  }
  return joinKey(...parts);
}

/** Where an archived copy of `key` lives. */
export function archivedKey(prefix: string, key: string): string {
  return joinKey(prefix, key);
}

export interface PartitionStatus {
  partition: string;
  state: FileState;
  files: number;
  bytes: number;
  rows: number;
  /** The first day of the oldest data, when known. */
  oldest: string | undefined;
}

/** A table plan grouped by partition and state, oldest partitions first. */
export function partitionStatus(plan: TablePlan): PartitionStatus[] {
  const groups = new Map<string, PartitionStatus & { startMs: number }>();
  for (const f of plan.files) {
    const key = `${f.partition}\0${f.state}`;
    const g = groups.get(key) ?? { partition: f.partition, state: f.state, files: 0, bytes: 0, rows: 0, oldest: undefined, startMs: Infinity };
    g.files++;
    g.bytes += f.file.fileSizeInBytes;
    g.rows += f.file.recordCount;
    if (f.span && f.span.startMs < g.startMs) {
      g.startMs = f.span.startMs;
      g.oldest = dayText(f.span.startMs);
    }
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => a.startMs - b.startMs || a.partition.localeCompare(b.partition) || a.state.localeCompare(b.state))
    .map(({ startMs: _s, ...g }) => g);
}
