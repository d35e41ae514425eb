import type { Catalog } from '../../catalog/index.js';
import { EnvironmentFault } from '../../errors.js';
import type { Connector, ConnectorState } from './connector.js';
import { pullFileBytes, pullFileKey } from './pull-file.js';

/** When the rows of a chunk were pulled (ISO 8601, UTC): a column of every pulled row. */
export const PULLED_AT = '_pulled_at';

export interface LandPullOptions {
  signal: AbortSignal;
  chunkRows: number;
  log: (line: string) => void;
  /** For crash tests: throw from these to stop a pull with a chunk's record written, or its file put, but not settled. */
  interrupt?: { afterPending?: () => void; afterPut?: () => void };
}

export interface LandedPull {
  /** The landing files put, in order. */
  files: string[];
  rows: number;
}

/**
 * Pulls a source's new rows and puts each chunk as one landing file under `prefix`. The chunk's
 * file and the state after it are recorded pending before the put, and become the source's state
 * once the file is there; a pending record left by a crash is settled first, by whether its file
 * is in landing (or was ingested and removed). So the state only ever stands for chunks landed,
 * and a killed pull, rerun, lands each row version once.
 */
export async function landPull(catalog: Catalog, source: string, prefix: string, connector: Connector, opts: LandPullOptions): Promise<LandedPull> {
  const states = catalog.pullStates;
  const saved = await states.get(source);
  if (saved.pending) {
    const { file } = saved.pending;
    const there = (await catalog.store.exists(file)) || (await catalog.ingestedFiles.list(source)).some((f) => f.path === file);
    if (there) await states.landed(source);
    else await states.abandon(source);
  }
  const state: ConnectorState | undefined = (await states.get(source)).state;
  const startedMs = Date.now();
  const out: LandedPull = { files: [], rows: 0 };
  for await (const chunk of connector.pull(state, { signal: opts.signal, chunkRows: opts.chunkRows, log: opts.log })) {
    if (chunk.records.length === 0) {
      await states.set(source, chunk.state);
      continue;
    }
    const file = pullFileKey(prefix, startedMs, out.files.length + 1);
    await states.begin(source, file, chunk.state);
    opts.interrupt?.afterPending?.();
    await putChunk(catalog, source, file, stamped(chunk.records));
    opts.interrupt?.afterPut?.();
    await states.landed(source);
    out.files.push(file);
    out.rows += chunk.records.length;
  }
  return out;
}

/** Puts rows that belong to no state (tombstones) as one landing file under `prefix`. */
export async function landRows(catalog: Catalog, source: string, prefix: string, records: readonly Record<string, unknown>[]): Promise<string> {
  const file = pullFileKey(prefix, Date.now(), 1);
  await putChunk(catalog, source, file, stamped(records));
  return file;
}

function stamped(records: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const at = new Date().toISOString();
  return records.map((r) => ({ ...r, [PULLED_AT]: at }));
}

async function putChunk(catalog: Catalog, source: string, file: string, records: readonly Record<string, unknown>[]): Promise<void> {
  let put: boolean;
  try {
    put = await catalog.store.put(file, pullFileBytes(file, records), { ifAbsent: true });
  } catch (e) {
    if (await catalog.store.exists(file).catch(() => false)) return;
    await catalog.pullStates.abandon(source).catch(() => undefined);
    throw new EnvironmentFault(`source ${source}: cannot write ${file} (${e instanceof Error ? e.message : String(e)}); nothing was landed, run again`, { cause: e, details: { key: source, file } });
  }
  if (!put) {
    await catalog.pullStates.abandon(source).catch(() => undefined);
    throw new EnvironmentFault(`source ${source}: ${file} is in landing already (two pulls at once?); nothing was landed, run again`, { details: { key: source, file } });
  }
}
