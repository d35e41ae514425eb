/**
 * Finding datasets under a folder. A dataset is a folder whose data files (directly, or under
 * partition folders `k=v/` and date layouts `2024/01/`) share a format; a folder holding several
 * formats gives one dataset per format. Files directly in the crawled folder form a dataset named
 * after that folder.
 */
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import type { ExternalFormat } from '../engine/index.js';
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
  /** The dataset's folder, absolute. */
  location: string;
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
}

export async function discover(root: string): Promise<Discovery> {
  const base = path.resolve(root);
  const byKey = new Map<string, Dataset>();
  const skipped: SkippedPath[] = [];
  const rootName = path.basename(base);

  const visit = async (rel: string[]): Promise<void> => {
    const dir = path.join(base, ...rel);
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      skipped.push({ path: rel.join('/') || '.', reason: `cannot read the folder (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    if (await isIcebergTable(dir, entries)) {
      skipped.push({ path: rel.join('/') || '.', reason: 'an Iceberg table (register it instead of crawling its files)' });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (isIgnored(entry.name)) continue;
      if (entry.isDirectory()) {
        await visit([...rel, entry.name]);
        continue;
      }
      if (!entry.isFile()) continue;
      const relPath = [...rel, entry.name].join('/');
      const format = formatOf(entry.name);
      if (!format) {
        skipped.push({ path: relPath, reason: 'not a data file (.csv, .tsv, .json, .ndjson/.jsonl, .parquet, optionally .gz/.zst)' });
        continue;
      }
      const split = rel.findIndex(isPartitionFolder);
      const own = split < 0 ? rel : rel.slice(0, split);
      const below = split < 0 ? [] : rel.slice(split);
      let st;
      try {
        st = await fs.stat(path.join(dir, entry.name));
      } catch (e) {
        skipped.push({ path: relPath, reason: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
        continue;
      }
      const key = `${own.join('/')}\n${format}`;
      const dataset = byKey.get(key) ?? {
        location: path.join(base, ...own),
        folders: [rootName, ...own],
        format,
        mixed: false,
        files: [],
      };
      dataset.files.push({
        path: [...below, entry.name].join('/'),
        size: st.size,
        modifiedMs: Math.floor(st.mtimeMs),
        partition: below.map(hiveSegment).filter((p): p is [string, string] => p !== undefined),
      });
      byKey.set(key, dataset);
    }
  };
  await visit([]);

  const datasets = [...byKey.values()];
  const formatsAt = new Map<string, number>();
  for (const d of datasets) formatsAt.set(d.location, (formatsAt.get(d.location) ?? 0) + 1);
  for (const d of datasets) d.mixed = (formatsAt.get(d.location) ?? 0) > 1;
  return { datasets, skipped };
}

/** Iceberg tables keep `metadata/*.metadata.json` beside their data; their Parquet files are not a dataset. */
async function isIcebergTable(dir: string, entries: readonly Dirent[]): Promise<boolean> {
  if (!entries.some((e) => e.isDirectory() && e.name === 'metadata')) return false;
  try {
    return (await fs.readdir(path.join(dir, 'metadata'))).some((n) => n.endsWith('.metadata.json'));
  } catch {
    return false;
  }
}
