/**
 * Finding datasets under a folder of an object store, by listing its keys. A dataset is a folder whose data files (directly, or under
 * partition folders `k=v/` and date layouts `2024/01/`) share a format; a folder holding several
 * formats gives one dataset per format. Files directly in the crawled folder form a dataset named
 * after that folder.
 */
import path from 'node:path';
import type { ExternalFormat } from '../engine/index.js';
import { joinKey, type ObjectStore } from '../storage/index.js';
import { formatOf, isIgnored } from './formats.js';
import { hiveSegment, isPartitionFolder, type PartitionValues } from './partitions.js';

export interface FoundFile {
  /** Relative to the dataset's folder, with '/' separators. */
  path: string;
  size: number;
  modifiedMs: number;
  partition: PartitionValues;
}

export interface Dataset {
  /** Where DuckDB reads the dataset's folder (the store's engine path of `key`). */
  location: string;
  /** The dataset's folder in the store. */
  key: string;
  /** Folder names from the crawled folder down to the dataset's (the crawled folder's own name first). */
  folders: string[];
  format: ExternalFormat;
  /** Another format shares the folder, so the table name carries the format. */
  mixed: boolean;
  files: FoundFile[];
}

export interface SkippedPath {
  /** Relative to the crawled folder. */
  path: string;
  reason: string;
}

export interface Discovery {
  datasets: Dataset[];
  skipped: SkippedPath[];
  /** Objects found under the folder, data or not (none: there is no such folder). */
  listed: number;
}

/** The datasets under `base` (a folder key without a trailing '/', '' for the store's root), from one listing. */
export async function discover(store: ObjectStore, base: string): Promise<Discovery> {
  const rootName = base ? base.split('/').at(-1)! : path.basename(store.enginePath(''));
  const objects = await store.list(base ? `${base}/` : '');
  // Relative names, in the order a walk of the folders visits them (a folder's entries by name).
  const files = objects
    .map((o) => ({ rel: (base ? o.key.slice(base.length + 1) : o.key).split('/'), size: o.size, modifiedMs: o.modifiedMs }))
    .sort((a, b) => compareNames(a.rel, b.rel));

  const byKey = new Map<string, Dataset>();
  const skipped: SkippedPath[] = [];
  const icebergTables = icebergFolders(files.map((f) => f.rel)).sort((a, b) => a.length - b.length);
  const reported = new Set<string>();
  for (const file of files) {
    const rel = file.rel.slice(0, -1);
    const name = file.rel.at(-1)!;
    if (file.rel.some(isIgnored)) continue;
    const table = icebergTables.find((t) => t.every((n, i) => rel[i] === n));
    if (table) {
      const at = table.join('/') || '.';
      if (!reported.has(at)) skipped.push({ path: at, reason: 'an Iceberg table (register it instead of crawling its files)' });
      reported.add(at);
      continue;
    }
    const relPath = file.rel.join('/');
    const format = formatOf(name);
    if (!format) {
      skipped.push({ path: relPath, reason: 'not a data file (.csv, .tsv, .json, .ndjson/.jsonl, .parquet, optionally .gz/.zst)' });
      continue;
    }
    const split = rel.findIndex(isPartitionFolder);
    const own = split < 0 ? rel : rel.slice(0, split);
    const below = split < 0 ? [] : rel.slice(split);
    const datasetKey = `${own.join('/')}\n${format}`;
    const dataset = byKey.get(datasetKey) ?? {
      location: store.enginePath(joinKey(base, ...own)),
      key: joinKey(base, ...own),
      folders: [rootName, ...own],
      format,
      mixed: false,
      files: [],
    };
    dataset.files.push({
      path: [...below, name].join('/'),
      size: file.size,
      modifiedMs: Math.floor(file.modifiedMs),
      partition: below.map(hiveSegment).filter((p): p is [string, string] => p !== undefined),
    });
    byKey.set(datasetKey, dataset);
  }

  const datasets = [...byKey.values()];
  const formatsAt = new Map<string, number>();
  for (const d of datasets) formatsAt.set(d.location, (formatsAt.get(d.location) ?? 0) + 1);
  for (const d of datasets) d.mixed = (formatsAt.get(d.location) ?? 0) > 1;
  return { datasets, skipped, listed: objects.length };
}

/** Iceberg tables keep `metadata/*.metadata.json` beside their data; their Parquet files are not a dataset. */
function icebergFolders(files: readonly string[][]): string[][] {
  return files.filter((f) => f.length >= 2 && f.at(-2) === 'metadata' && f.at(-1)!.endsWith('.metadata.json')).map((f) => f.slice(0, -2));
}

/** Orders paths as a walk does: folder by folder, each folder's entries by name. */
function compareNames(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}
