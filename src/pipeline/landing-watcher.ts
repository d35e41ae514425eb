import { createHash } from 'node:crypto';
import { takes, landingFilesOf, landingPrefix, SETTLE_MS, temporaryName } from '../ingest/index.js';
import type { Project } from '../project/index.js';
import { pipelineConfig } from './config.js';
import type { RunRequester } from './run-request.js';

export interface LandingWatcherOptions {
  /** How often the landing zone is listed (ms). */
  pollMs?: number;
  /** How long a file must stay unchanged (size and modification time) to count as complete (ms). */
  settleMs?: number;
  /** How long complete files wait for the rest of their burst before they are requested anyway (ms). */
  batchWaitMs?: number;
  /** At most this many files a request. */
  batchMax?: number;
  /** A poll or request that failed; the watcher goes on and tries again at the next poll. */
  onError?: (e: unknown) => void;
}

/**
 * Freshness is the point: a small file should reach gold within 2 s of being complete. Seen at one
 * poll and unchanged at the next (250 ms later) is complete, so a file is requested 250–500 ms
 * after its last write; waiting 2 s after its modification (as `silt run` does) would use the
 * whole budget before ingest starts. A writer that pauses longer than the settle window mid-file
 * should write under a temporary name (`.partial`, `.tmp`) and rename, or raise `settleMs`.
 */
export const WATCHER_DEFAULTS = { pollMs: 250, settleMs: 250, batchWaitMs: 1000, batchMax: 1000 } as const;

interface Seen {
  source: string;
  size: number;
  modifiedMs: number;
  /** When this version (size, modification time) was first listed. */
  firstSeenMs: number;
  /** `waiting`: complete, not ingested, not requested yet; `done`: the ledger has it. */
  state: 'settling' | 'waiting' | 'requested' | 'done';
  readyMs?: number;
}

/**
 * Watches each declared source's landing prefix through the object store and asks `requester` for
 * a run of the source and what depends on it once files are complete. Files that arrive together
 * make one request: complete files wait while others are still settling, up to `batchWaitMs`, and
 * at most `batchMax` go in one request. A file the ingest ledger holds, or one requested and not
 * changed since, is not requested again; after a restart every complete file not yet ingested is
 * (the ledger makes each file ingested exactly once, and the batch's dedupe key finds a run already
 * made for the same files). Before each request the files are recorded as vouched for
 * (`catalog.landingRequests`), so the run takes them without waiting for them to settle again.
 */
export function startLandingWatcher(project: Project, requester: RunRequester, opts: LandingWatcherOptions = {}): { stop(): Promise<void> } {
  const o = { ...WATCHER_DEFAULTS, ...opts };
  // A pulled source's files are landed by its run's own pull, which ingests them itself.
  const sources = Object.entries(pipelineConfig(project.config).sources).filter(([, s]) => s.pull === undefined);
  const prefixes = new Map(sources.map(([name, source]) => [name, landingPrefix(name, source)]));
  const { catalog, store } = project;
  const seen = new Map<string, Seen>();
  let first = true;
  let listMs = 0;

  async function poll(): Promise<void> {
    const started = Date.now();
    const listed = await store.list('landing/');
    const now = Date.now();
    listMs = now - started;
    if (first) {
      await catalog.landingRequests.forgetGone(new Set(listed.map((f) => f.key)));
      first = false;
    }
    const present = new Set<string>();
    const completed = new Map<string, string[]>();
    let settling = 0;
    for (const [name, source] of sources) {
      for (const f of landingFilesOf(listed, prefixes.get(name)!, now)) {
        if (temporaryName(f.key) || !takes(name, source, f.key)) continue;
        present.add(f.key);
        let s = seen.get(f.key);
        if (!s || s.size !== f.size || s.modifiedMs !== f.modifiedMs) {
          s = { source: name, size: f.size, modifiedMs: f.modifiedMs, firstSeenMs: now, state: 'settling' };
          seen.set(f.key, s);
        }
        if (s.state !== 'settling') continue;
        // Unchanged through the settle window, or old enough that `silt run` would take it too (after a restart).
        if (now - s.firstSeenMs < o.settleMs && now - f.modifiedMs < SETTLE_MS) {
          settling += 1;
          continue;
        }
        if (!completed.has(name)) completed.set(name, []);
        completed.get(name)!.push(f.key);
      }
    }
    for (const key of seen.keys()) if (!present.has(key)) seen.delete(key);
    for (const [name, keys] of completed) {
      const ledger = new Map((await catalog.ingestedFiles.list(name)).map((f) => [f.path, f]));
      for (const key of keys) {
        const s = seen.get(key)!;
        const done = ledger.get(key);
        // The test ingest applies: same size, not modified since it was ingested.
        if (done && done.size === s.size && s.modifiedMs <= done.ingestedMs) s.state = 'done';
        else Object.assign(s, { state: 'waiting', readyMs: now });
      }
    }
    const waiting = [...seen].filter(([, s]) => s.state === 'waiting');
    if (waiting.length === 0) return;
    const oldest = Math.min(...waiting.map(([, s]) => s.readyMs!));
    if (settling > 0 && waiting.length < o.batchMax && now - oldest < o.batchWaitMs) return;
    for (let i = 0; i < waiting.length; i += o.batchMax) await requestRun(waiting.slice(i, i + o.batchMax));
  }

  async function requestRun(batch: [string, Seen][]): Promise<void> {
    const requestedMs = Date.now();
    const files = batch.map(([path, s]) => ({ source: s.source, path, size: s.size, modifiedMs: s.modifiedMs, requestedMs }));
    await catalog.landingRequests.record(files);
    const bySource = new Map<string, number>();
    for (const f of files) bySource.set(f.source, (bySource.get(f.source) ?? 0) + 1);
    const { jobId } = await requester.request({
      select: [...bySource.keys()].map((s) => `ingest.${s}+`),
      trigger: 'file',
      dedupeKey: batchKey(files),
      // `3 files in landing/orders/, 1 in landing/payments/`
      reason: [...bySource].map(([s, n], i) => `${n}${i === 0 ? ` file${n === 1 ? '' : 's'}` : ''} in ${prefixes.get(s)}`).join(', '),
    });
    for (const [, s] of batch) s.state = 'requested';
    await catalog.landingRequests.answered(files, requestedMs, jobId);
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastError = '';
  const report = opts.onError ?? ((e: unknown) => process.emitWarning(`landing watcher: ${e instanceof Error ? e.message : String(e)}`));
  const loop = async (): Promise<void> => {
    try {
      await poll();
      lastError = '';
    } catch (e) {
      // Said once, not every poll while it lasts.
      const message = e instanceof Error ? e.message : String(e);
      if (message !== lastError) report(e);
      lastError = message;
    }
    // A listing costs time in proportion to the files in landing: listing takes at most a fifth of the time.
    if (!stopped) timer = setTimeout(() => void (running = loop()), Math.max(o.pollMs, 4 * listMs));
  };
  let running = loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** The same files, unchanged, make the same key: a request repeated after a crash finds its run. */
function batchKey(files: readonly { path: string; size: number; modifiedMs: number }[]): string {
  const lines = files.map((f) => `${f.path}\t${f.size}\t${f.modifiedMs}\n`).sort();
  return `landing:${createHash('sha256').update(lines.join('')).digest('hex').slice(0, 32)}`;
}
