import path from 'node:path';
import { AlreadyExists, InvalidInput } from '../errors.js';
import { LocalStore } from '../storage/index.js';
import { WINDOW_END, WINDOW_START } from './calendar.js';
import type { GeneratedFile, Progress } from './file-series.js';
import { runTasks } from './run-tasks.js';
import { demoSizes } from './sizes.js';
import type { DemoTruth } from './truth.js';

export const DEMO_SOURCES = ['customers', 'orders', 'payments', 'sensors', 'web_events'] as const;
const TRUTH_KEYS = ['customers', 'orders', 'payments', 'sensors', 'webEvents'] as const;
/** Below this many orders, worker threads cost more to start than they save. */
const PARALLEL_FROM_ROWS = 50_000;
/** Where the truth goes: beside the project's state, outside the landing zone. */
export const TRUTH_PATH = '.silt/demo-truth.json';

/** The truth file's text. */
export function truthText(truth: DemoTruth): string {
  return `${JSON.stringify(truth, null, 2)}\n`;
}

export interface DemoOptions {
  /** Number of orders; every other source scales from it (see `demoSizes`). */
  rows: number;
  /** Same seed, same rows → byte-identical files. Any safe integer. */
  seed: number;
  /** Called after each chunk written, with the source's running totals. */
  onProgress?: Progress;
  /** Generate the sources in worker threads at once; same bytes either way. Default: from 50k rows. */
  parallel?: boolean;
  /** Write the truth beside the data, at `dir/.silt/demo-truth.json` (default); a demo project keeps it with its own state instead. */
  writeTruth?: boolean;
}

/**
 * Writes messy, realistic raw data under `dir/landing/<source>/` and returns the files and the
 * truth about what was injected (also written to `dir/.silt/demo-truth.json` unless `writeTruth` is false). Refuses to write
 * into a landing folder that already holds files, so a rerun cannot mix two data sets.
 */
export async function generateDemoData(
  dir: string,
  opts: DemoOptions,
): Promise<{ files: GeneratedFile[]; truth: DemoTruth }> {
  demoSizes(opts.rows);
  if (!Number.isSafeInteger(opts.seed)) {
    throw new InvalidInput(`demo: seed must be an integer, got ${opts.seed}`);
  }
  const root = path.resolve(dir);
  // The demo's --dir, a folder the user names: its data goes through a store rooted there.
  const store = new LocalStore(root);
  for (const source of DEMO_SOURCES) {
    if ((await store.list(`landing/${source}/`)).length > 0) {
      throw new AlreadyExists(`demo: landing/${source} in ${root} already holds files; use an empty --dir`);
    }
  }
  const parallel = opts.parallel ?? opts.rows >= PARALLEL_FROM_ROWS;
  const results = await runTasks({ root, seed: opts.seed, rows: opts.rows }, parallel, opts.onProgress);
  const parts = Object.assign({}, ...results.map((r) => r.truth)) as Pick<DemoTruth, (typeof TRUTH_KEYS)[number]>;
  const missing = TRUTH_KEYS.filter((k) => !parts[k]);
  if (missing.length > 0) throw new Error(`demo: no result for ${missing.join(', ')}`);
  const truth: DemoTruth = {
    version: 1,
    seed: opts.seed,
    rows: opts.rows,
    window: { start: new Date(WINDOW_START * 1000).toISOString(), end: new Date(WINDOW_END * 1000).toISOString() },
    customers: parts.customers, orders: parts.orders, payments: parts.payments,
    sensors: parts.sensors, webEvents: parts.webEvents,
  };
  if (opts.writeTruth ?? true) await store.put(TRUTH_PATH, truthText(truth));
  return { files: results.flatMap((r) => r.files), truth };
}
