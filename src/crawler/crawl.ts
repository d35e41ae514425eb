/**
 * `silt crawl`: registers every dataset under a folder as an external table, and on a re-crawl
 * records new, changed and removed files, new partitions and schema changes (as new versions).
 * Each table is saved on its own; one that cannot be read is reported as failed and left as it was.
 */
import path from 'node:path';
import { checkName, type Catalog, type ExternalTableInfo } from '../catalog/index.js';
import type { Engine } from '../engine/index.js';
import { InvalidInput, NotFound } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { crawlTable, type CrawledTable } from './crawl-table.js';
import { discover, type SkippedPath } from './discover.js';
import { SAMPLE_FILES } from './infer.js';
import { uniqueTableName } from './naming.js';

export const DEFAULT_NAMESPACE = 'crawled';

export interface CrawlOptions {
  /** Namespace the tables are registered in (default `crawled`). */
  namespace?: string;
  /** Files sampled per table to infer its schema (default 10). */
  sampleFiles?: number;
  nowMs?: number;
}

/** A folder of an object store: the project's store, or a local folder given on the command line. */
export interface CrawlTarget {
  store: ObjectStore;
  /** The folder's key prefix ('' for the store's root). */
  prefix: string;
}

export interface CrawlReport {
  /** Where DuckDB reads the crawled folder (for a local folder, its absolute path). */
  path: string;
  namespace: string;
  tables: CrawledTable[];
  /** Entries that are not data: unknown formats, Iceberg tables. */
  skipped: SkippedPath[];
}

export async function crawl(catalog: Catalog, engine: Engine, target: CrawlTarget, options: CrawlOptions = {}): Promise<CrawlReport> {
  const { store } = target;
  const prefix = target.prefix.replace(/\/+$/, '');
  const root = store.enginePath(prefix);
  if (await store.exists(prefix)) throw new InvalidInput(`crawl: ${root} is a file; crawl the folder that holds it`);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  checkName('namespace', namespace);
  const nowMs = options.nowMs ?? Date.now();
  const sampleFiles = options.sampleFiles ?? SAMPLE_FILES;
  const { datasets, skipped, listed } = await discover(store, prefix);
  // On a store of keys an empty folder is no folder.
  if (listed === 0) throw new NotFound(`crawl: ${root}: no such folder`);

  const existing = await catalog.externalTables.list(namespace);
  const iceberg = (await catalog.namespaceExists(namespace)) ? await catalog.listTables(namespace) : [];
  const taken = new Set([...existing.map((t) => t.name), ...iceberg.map((t) => t.name)]);
  if (datasets.length > 0) await catalog.createNamespace(namespace, {}, { ifNotExists: true });

  const tables: CrawledTable[] = [];
  const seen = new Set<ExternalTableInfo>();
  for (const d of datasets) {
    const previous = existing.find((t) => t.location === d.location && t.format === d.format);
    if (previous) seen.add(previous);
    const name = previous?.name ?? uniqueTableName(d.folders, d.mixed ? d.format : '', taken);
    taken.add(name);
    tables.push(await crawlTable(catalog, engine, store, { namespace, name, key: d.key, location: d.location, format: d.format, files: d.files, previous }, sampleFiles, nowMs));
  }
  // Tables crawled here before whose folder (or format) is gone now: their files are dropped from the list.
  for (const t of existing) {
    if (seen.has(t) || !within(t.location, root)) continue;
    tables.push(await crawlTable(catalog, engine, store, { namespace, name: t.name, key: '', location: t.location, format: t.format, files: [], previous: t }, sampleFiles, nowMs));
  }
  return { path: root, namespace, tables, skipped };
}

function within(location: string, root: string): boolean {
  return location === root || location.startsWith(root + path.sep);
}
