/**
 * TPC-H through the API of a running `silt serve` against one long-lived DuckDB over the same
 * data files (`bench/run.sh tpch-api [--sf 1]`): no process starts per query on either side.
 *
 * The projects and data are tpch.ts's. Silt: `POST /v1/queries` (waiting for the end), then the
 * result pages (`GET /v1/queries/{id}/results`, 10,000 rows a page) as the owner. The peer: a
 * DuckDB instance in this process, with the server's `threads` and `memory_limit`, a view per
 * table over that Silt table's Parquet files, each query's rows read out as JSON values (what
 * the server hands its client). Each query runs once on each side unmeasured (both warm their
 * caches; the answers are compared row for row), then `--runs` (5) times alternating. Beside wall
 * times, CPU time (user + system: the server's from /proc, the peer's from this process), the
 * steadier figure on shared cores.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { BenchOptions } from './lib/options.js';
import { log, printTable, writeResults, type Verdict } from './lib/report.js';
import { startServe } from './lib/serve.js';
import { tableDataFiles } from './lib/silt.js';
import { median, ms } from './lib/stats.js';
import { diffRows, generate, geomean, literal, loadProject, qualified, type Query, TABLES } from './tpch.js';

interface ApiFigures {
  nr: number;
  siltMs: number;
  /** The server's own `elapsed_ms` of the statement (median): the rest is HTTP and paging. */
  serverMs: number;
  duckdbMs: number;
  ratio: number;
  siltCpuMs: number;
  duckdbCpuMs: number;
  rows: number;
  same: boolean;
}

type Rows = unknown[][];

export async function tpchApiBench(opts: BenchOptions): Promise<Verdict[]> {
  const data = generate(opts.sf);
  const queries = JSON.parse(readFileSync(path.join(data, 'queries.json'), 'utf8')) as Query[];
  const runs = opts.runs ?? 5;
  const siltSql = await qualified(queries);
  const results: Record<string, ApiFigures[]> = {};
  const verdicts: Verdict[] = [];
  for (const layout of ['plain', 'partitioned'] as const) {
    const project = await loadProject(opts, data, layout);
    const server = await startServe(project);
    const api = client(server.url, project);
    const peer = await openPeer(project, opts);
    const loadBefore = os.loadavg()[0]!;
    try {
      const figures: ApiFigures[] = [];
      for (const q of queries) {
        const sql = siltSql.get(q.nr)!;
        const siltRows = await api.run(sql);
        const peerRows = await peer.run(q.sql);
        const diff = diffRows(siltRows.rows, peerRows);
        if (diff) log(`${layout} Q${q.nr}: results differ: ${diff}`);
        const siltTimes: number[] = [];
        const serverTimes: number[] = [];
        const peerTimes: number[] = [];
        const siltCpu: number[] = [];
        const peerCpu: number[] = [];
        for (let r = 0; r < runs; r++) {
          const sides = [
            async () => {
              const t0 = performance.now();
              const c0 = server.cpuMs();
              const a = await api.run(sql);
              siltTimes.push(performance.now() - t0);
              siltCpu.push(server.cpuMs() - c0);
              serverTimes.push(a.elapsedMs);
            },
            async () => {
              const t0 = performance.now();
              const c0 = process.cpuUsage();
              await peer.run(q.sql);
              peerTimes.push(performance.now() - t0);
              const c = process.cpuUsage(c0);
              peerCpu.push((c.user + c.system) / 1000);
            },
          ];
          for (const side of r % 2 ? sides.reverse() : sides) await side();
        }
        const f: ApiFigures = {
          nr: q.nr,
          siltMs: median(siltTimes),
          serverMs: median(serverTimes),
          duckdbMs: median(peerTimes),
          ratio: median(siltTimes) / median(peerTimes),
          siltCpuMs: median(siltCpu),
          duckdbCpuMs: median(peerCpu),
          rows: peerRows.length,
          same: diff === '',
        };
        figures.push(f);
        log(`${layout} Q${q.nr}: silt ${ms(f.siltMs)} (server ${ms(f.serverMs)}), duckdb ${ms(f.duckdbMs)} (${f.ratio.toFixed(3)}x); cpu ${ms(f.siltCpuMs)} vs ${ms(f.duckdbCpuMs)}${f.same ? '' : ', RESULTS DIFFER'}`);
      }
      results[layout] = figures;
      const geo = geomean(figures.map((f) => f.ratio));
      const cpuGeo = geomean(figures.map((f) => f.siltCpuMs / f.duckdbCpuMs));
      const load = `load average ${loadBefore.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)}`;
      printTable(
        `TPC-H SF ${opts.sf}, ${layout}, through silt serve's API: median of ${runs} (POST + result pages vs one DuckDB over the same files; ${load})`,
        ['query', 'silt', 'server elapsed', 'duckdb', 'ratio', 'silt cpu', 'duckdb cpu', 'cpu ratio', 'rows', 'same rows'],
        figures.map((f) => [
          `Q${f.nr}`, ms(f.siltMs), ms(f.serverMs), ms(f.duckdbMs), `${f.ratio.toFixed(3)}x`,
          ms(f.siltCpuMs), ms(f.duckdbCpuMs), `${(f.siltCpuMs / f.duckdbCpuMs).toFixed(3)}x`, String(f.rows), f.same ? 'yes' : 'NO',
        ]),
      );
      process.stdout.write(`geometric mean ratio (${layout}, API): wall ${geo.toFixed(3)}x, cpu ${cpuGeo.toFixed(3)}x\n`);
      verdicts.push({ target: `TPC-H API ${layout}: every answer equals DuckDB's`, pass: figures.every((f) => f.same), detail: `${figures.filter((f) => f.same).length} of ${figures.length}` });
      verdicts.push({ target: `TPC-H API ${layout}: geometric mean <= 1.03x`, pass: geo <= 1.03, detail: `${geo.toFixed(3)}x wall, ${cpuGeo.toFixed(3)}x cpu (${load})` });
    } finally {
      peer.close();
      await server.stop();
    }
  }
  writeResults('tpch-api', { sf: opts.sf, runs, results });
  return verdicts;
}

interface Answer {
  rows: Rows;
  elapsedMs: number;
}

/** The owner's client of a running server: a statement submitted, waited for, and all its rows paged in. */
function client(url: string, project: string) {
  const { token } = JSON.parse(readFileSync(path.join(project, '.silt', 'server.json'), 'utf8')) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const call = async (method: string, route: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${url}${route}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`bench: ${method} ${route}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
    return json;
  };
  return {
    async run(sql: string): Promise<Answer> {
      const view = await call('POST', '/v1/queries', { sql, wait_ms: 60_000 });
      if (view['status'] !== 'succeeded') throw new Error(`bench: the statement did not end within a minute: ${JSON.stringify(view).slice(0, 500)}`);
      const count = Number(view['row_count']);
      const rows: Rows = [];
      while (rows.length < count) {
        const page = await call('GET', `/v1/queries/${String(view['id'])}/results?limit=10000&offset=${rows.length}`);
        rows.push(...(page['rows'] as Rows));
      }
      return { rows, elapsedMs: Number(view['elapsed_ms']) };
    },
  };
}

/** One DuckDB for the whole bench: the server's settings, a view per table over the Silt table's files. */
async function openPeer(project: string, opts: BenchOptions): Promise<{ run(sql: string): Promise<Rows>; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(opts.threads), memory_limit: opts.memoryLimit });
  const connection: DuckDBConnection = await instance.connect();
  for (const t of TABLES) {
    const files = tableDataFiles(project, 'tpch', t).map((f) => literal(f.path));
    await connection.run(`CREATE VIEW ${t} AS FROM read_parquet([${files.join(', ')}], hive_partitioning = false)`);
  }
  return {
    run: async (sql) => (await connection.runAndReadAll(sql)).getRowsJson() as Rows,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
