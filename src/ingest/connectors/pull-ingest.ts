import type { Catalog } from '../../catalog/index.js';
import type { Engine } from '../../engine/index.js';
import { InvalidInput } from '../../errors.js';
import { ingestSource, type IngestOptions, type IngestResult } from '../bronze-ingest.js';
import { bronzeTables, landingPrefix, type SourceConfig } from '../source-config.js';
import { openConnector } from './open-connector.js';
import { PULL_CHUNK_ROWS } from './pull-config.js';
import { comparesKeys, liveKeys } from './pull-deletes.js';
import { landPull, landRows, type LandPullOptions } from './pull-driver.js';
import { isPullFile } from './pull-file.js';

export interface PullIngestOptions extends IngestOptions {
  signal?: AbortSignal;
  /** Progress lines of the pull. */
  log?: (line: string) => void;
  /** For crash tests (see LandPullOptions). */
  pullInterrupt?: LandPullOptions['interrupt'];
}

export interface PullReport {
  /** Landing files this run put: its chunks, then its tombstones. */
  files: string[];
  rows: number;
  tombstones: number;
}

/**
 * A pulled source's part of a run: its new rows pulled and landed chunk by chunk (landPull), the
 * landing ingested as any source's is (so the ledger, rejects and provenance are the file path's),
 * then, with `deletes: compare`, the keys bronze holds live that the source no longer has landed
 * as tombstones and ingested too.
 */
export async function ingestPulled(catalog: Catalog, engine: Engine, name: string, source: SourceConfig, opts: PullIngestOptions): Promise<IngestResult & { pulled: PullReport }> {
  const pull = source.pull;
  if (pull === undefined) throw new InvalidInput(`source ${name} has no pull: section`, { details: { key: name } });
  const log = opts.log ?? (() => undefined);
  const prefix = landingPrefix(name, source);
  const connector = await openConnector(name, pull);
  try {
    const landed = await landPull(catalog, name, prefix, connector, {
      signal: opts.signal ?? new AbortController().signal,
      chunkRows: pull.chunk_rows ?? PULL_CHUNK_ROWS,
      log,
      interrupt: opts.pullInterrupt,
    });
    const pulled: PullReport = { files: landed.files, rows: landed.rows, tombstones: 0 };
    // Every pull file, this run's and a killed run's, was put whole: none is waited for.
    const pullFiles = async (): Promise<string[]> => (await catalog.store.list(prefix)).map((o) => o.key).filter(isPullFile);
    const first = await ingestSource(catalog, engine, name, source, { ...opts, landed: await pullFiles() });
    if (pull.kind !== 'postgres' || pull.deletes !== 'compare' || !comparesKeys(connector)) return { ...first, pulled };
    const t = bronzeTables(name, source);
    const live = await liveKeys(catalog, engine, { namespace: t.namespace, name: t.table }, connector.keyColumns);
    const gone = await connector.goneKeys(live);
    log(`pull ${name}: ${live.length.toLocaleString('en-US')} keys live in bronze, ${gone.length.toLocaleString('en-US')} gone from the source`);
    if (gone.length === 0) return { ...first, pulled };
    const file = await landRows(catalog, name, prefix, gone);
    pulled.files.push(file);
    pulled.tombstones = gone.length;
    // The second ingest counts the first's files as this run's too (the ledger has them under its run id).
    const second = await ingestSource(catalog, engine, name, source, { ...opts, landed: await pullFiles() });
    return {
      ...second,
      bytesWritten: first.bytesWritten + second.bytesWritten,
      newColumns: [...new Set([...first.newColumns, ...second.newColumns])],
      typeConflicts: [...first.typeConflicts, ...second.typeConflicts],
      warnings: [...first.warnings, ...second.warnings],
      elapsedMs: first.elapsedMs + second.elapsedMs,
      pulled,
    };
  } finally {
    await connector.close?.();
  }
}
