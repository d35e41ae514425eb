/**
 * Where a statement's time goes in a long-running server: the TPC-H queries through a `SqlSession`
 * made as `silt serve`'s query service makes it (user-SQL engine, access policy, governance), in
 * this process, each run `RUNS` times after a warm-up; every DuckDB statement Silt issues is timed
 * and attributed (lib/call-timer.ts), and the bound query alone is timed on a connection of the
 * same engine, so what is left is Silt's own overhead.
 *   node bench/out/probe/serve-profile.js PROJECT QUERIES_JSON [RUNS] [QUERY_NR…]
 */
import { readFileSync } from 'node:fs';
import { DuckDBConnection } from '@duckdb/node-api';
import { CallTimer } from '../lib/call-timer.js';
import { distModule } from '../lib/paths.js';
import { median } from '../lib/stats.js';
import { qualified } from '../tpch.js';

interface Session {
  stream(sql: string, o: { principal: unknown; onScan?: (s: unknown) => void }): AsyncGenerator<unknown[][]>;
}
interface EngineModule {
  SqlSession: new (engine: unknown, resolver: unknown, opts: unknown) => Session;
  OWNER: unknown;
}
interface Project {
  catalog: unknown;
  accessPolicy: unknown;
  governance: unknown;
  openUserSqlEngine(): Promise<{ connection: DuckDBConnection; fork(): Promise<{ connection: DuckDBConnection; close(): void }> }>;
}

const [projectDir, queriesFile, runsArg, ...only] = process.argv.slice(2);
const runs = Number(runsArg ?? 3);
const { withProject } = (await import(distModule('project/index.js'))) as { withProject<T>(o: { projectDir: string }, fn: (p: Project) => Promise<T>): Promise<T> };
const engineModule = (await import(distModule('engine/index.js'))) as EngineModule;
const raw = (JSON.parse(readFileSync(queriesFile!, 'utf8')) as { nr: number; sql: string }[]).filter((q) => only.length === 0 || only.includes(String(q.nr)));
const named = await qualified(raw);
const queries = raw.map((q) => ({ nr: q.nr, sql: named.get(q.nr)! }));

await withProject({ projectDir: projectDir! }, async (p) => {
  const engine = await p.openUserSqlEngine();
  const session = new engineModule.SqlSession(engine, p.catalog, { policy: p.accessPolicy, governor: p.governance, trinoForms: true });
  const timer = new CallTimer();
  timer.wrap('duckdb', DuckDBConnection.prototype, ['run', 'runAndReadAll', 'streamAndReadUntil', 'stream', 'prepare'], /engine\/core\/duckdb\.[jt]s$|sql-errors\.[jt]s$/);
  let totalSilt = 0;
  let totalBare = 0;
  for (const q of queries) {
    let bound = '';
    const whole: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r <= runs; r++) {
      timer.calls.length = 0;
      const t0 = performance.now();
      for await (const _ of session.stream(q.sql, { principal: engineModule.OWNER })) void _;
      const t = performance.now() - t0;
      // The main statement is the one that ran longest; everything else is Silt's.
      const main = [...timer.calls].sort((a, b) => b.ms - a.ms)[0]!;
      if (r === 0) {
        const others = timer.calls.filter((c) => c !== main);
        process.stdout.write(`Q${q.nr}: ${timer.calls.length} DuckDB calls; beside the query ${others.reduce((n, c) => n + c.ms, 0).toFixed(1)} ms:\n`);
        for (const c of others.sort((a, b) => b.ms - a.ms).slice(0, 6)) process.stdout.write(`   ${c.ms.toFixed(1).padStart(7)} ms ${c.method} ${c.caller} ${c.what}\n`);
        bound = main.what;
        continue;
      }
      whole.push(t);
      void bound;
    }
    // The bound SQL again, bare, on a fork (its private views are gone once the statement ends: bind once more).
    for (let r = 0; r < runs; r++) {
      const fork = await engine.fork();
      try {
        const binderModule = (await import(distModule('engine/sql/query-binder.js'))) as { QueryBinder: new (e: unknown, res: unknown) => { bind(sql: string): Promise<{ sql: string }>; release(): Promise<void> } };
        const binder = new binderModule.QueryBinder(fork, p.catalog);
        const b = await binder.bind(q.sql);
        const t0 = performance.now();
        const reader = await fork.connection.runAndReadAll(b.sql);
        reader.getRowsJson();
        bare.push(performance.now() - t0);
        await binder.release();
      } finally {
        fork.close();
      }
    }
    totalSilt += median(whole);
    totalBare += median(bare);
    process.stdout.write(`Q${q.nr}: session.stream ${median(whole).toFixed(1)} ms, the bound query alone ${median(bare).toFixed(1)} ms\n`);
  }
  process.stdout.write(`sum of medians: session.stream ${totalSilt.toFixed(0)} ms, bound queries alone ${totalBare.toFixed(0)} ms\n`);
  timer.restore();
});
