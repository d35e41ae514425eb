/**
 * `silt crawl`: registers every dataset under a folder as an external table, and on a re-crawl
 * records new, changed and removed files, new partitions and schema changes (as new versions).
 * Each table is saved on its own; one that cannot be read is reported as failed and left as it was.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { checkName, type Catalog, type ExternalTableInfo } from '../catalog/index.js';
import type { Engine } from '../engine/index.js';
import { InvalidInput, NotFound } from '../errors.js';
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

export interface CrawlReport {
  /** The crawled folder, absolute. */
  path: string;
  namespace: string;
  tables: CrawledTable[];
  /** Entries that are not data: unknown formats, unreadable folders, Iceberg tables. */
  skipped: SkippedPath[];
}

export async function crawl(catalog: Catalog, engine: Engine, folder: string, options: CrawlOptions = {}): Promise<CrawlReport> {
  const root = path.resolve(folder);
  await requireFolder(root);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  checkName('namespace', namespace);
  const nowMs = options.nowMs ?? Date.now();
  const sampleFiles = options.sampleFiles ?? SAMPLE_FILES;
  const { datasets, skipped } = await discover(root);

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
    tables.push(await crawlTable(catalog, engine, { namespace, name, location: d.location, format: d.format, files: d.files, previous }, sampleFiles, nowMs));
  }
  // Tables crawled here before whose folder (or format) is gone now: their files are dropped from the list.
  for (const t of existing) {
    if (seen.has(t) || !within(t.location, root)) continue;
    tables.push(await crawlTable(catalog, engine, { namespace, name: t.name, location: t.location, format: t.format, files: [], previous: t }, sampleFiles, nowMs));
  }
  return { path: root, namespace, tables, skipped };
}

async function requireFolder(root: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(root);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new NotFound(`crawl: ${root}: no such folder`);
    throw new InvalidInput(`crawl: ${root}: cannot read it (${code ?? String(e)})`);
  }
  if (!stat.isDirectory()) throw new InvalidInput(`crawl: ${root} is a file; crawl the folder that holds it`);
}

function within(location: string, root: string): boolean {
  return location === root || location.startsWith(root + path.sep);
}
