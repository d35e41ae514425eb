/**
 * Freshness: how long a small file takes from complete in the landing zone of an idle `silt serve`
 * to committed in gold, with nobody asking. Each round writes a file under a temporary name and
 * renames it into place (so "complete" has one instant), then watches the gold table's metadata
 * pointer in the catalog until it moves. Goal (issue 14): under 2 s on this machine; Glue's floor
 * is a minute. The figure is a wall time from outside the server, as a user would see it.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { BenchOptions } from './lib/options.js';
import { PROJECTS_DIR, SILT_MAIN } from './lib/paths.js';
import { startServe } from './lib/serve.js';
import { log, printTable, printVerdicts, writeResults, type Verdict } from './lib/report.js';
import { timedRun } from './lib/child.js';
import { median, ms } from './lib/stats.js';

const PIPELINE = `
sources:
  events: { path: events/, format: csv }
silver:
  events:
    source: bronze.events
    key: id
    columns:
      id: { type: long }
      kind: { type: string }
      amount: { type: double }
`;
const MODEL = `-- silt: materialized = table
SELECT kind, count(*) AS events, sum(amount) AS amount FROM silver.events GROUP BY kind
`;
const GOAL_MS = 2000;

export async function freshnessBench(opts: BenchOptions): Promise<Verdict[]> {
  const rounds = opts.runs ?? 10;
  const dir = path.join(PROJECTS_DIR, 'freshness');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(PROJECTS_DIR, { recursive: true });
  await timedRun(process.execPath, [SILT_MAIN, 'init', dir]);
  writeFileSync(path.join(dir, 'silt.yaml'), readFileSync(path.join(dir, 'silt.yaml'), 'utf8') + PIPELINE);
  writeFileSync(path.join(dir, 'models', 'events_by_kind.sql'), MODEL);
  const landing = path.join(dir, 'lake', 'landing', 'events');
  mkdirSync(landing, { recursive: true });

  const server = await startServe(dir);
  const latencies: number[] = [];
  try {
    const catalog = new Database(path.join(dir, '.silt', 'catalog.db'), { readonly: true, fileMustExist: false });
    const pointer = () =>
      (catalog.prepare("SELECT metadata_location AS m FROM iceberg_tables WHERE table_namespace = 'gold' AND table_name = 'events_by_kind'").get() as { m?: string } | undefined)?.m;
    for (let round = 0; round < rounds; round++) {
      await sleep(1500); // an idle server between rounds
      const before = pointer();
      const rows = Array.from({ length: 100 }, (_, i) => `${round * 100 + i},${['view', 'click', 'buy'][i % 3]},${(i % 17) + 0.5}`);
      const tmp = path.join(landing, `.part-${round}.csv.tmp`);
      writeFileSync(tmp, `id,kind,amount\n${rows.join('\n')}\n`);
      renameSync(tmp, path.join(landing, `events-${String(round).padStart(4, '0')}.csv`));
      const complete = performance.now();
      while (pointer() === before) {
        if (performance.now() - complete > 60_000) throw new Error(`bench: round ${round}: gold.events_by_kind did not change within 60 s of the file landing; serve output:\n${server.output()}`);
        await sleep(10);
      }
      latencies.push(performance.now() - complete);
      log(`round ${round + 1}/${rounds}: ${ms(latencies.at(-1)!)}`);
    }
    catalog.close();
  } finally {
    await server.stop();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)]!;
  printTable('freshness: file complete in landing → gold committed (idle silt serve)', ['rounds', 'min', 'median', 'p90', 'max'], [
    [String(rounds), ms(sorted[0]!), ms(median(sorted)), ms(p90), ms(sorted.at(-1)!)],
  ]);
  writeResults('freshness', { rounds, latenciesMs: latencies });
  const verdicts = [{ target: `freshness median ≤ ${GOAL_MS} ms`, pass: median(sorted) <= GOAL_MS, detail: `median ${ms(median(sorted))}, p90 ${ms(p90)}` }];
  printVerdicts(verdicts);
  return verdicts;
}

const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
