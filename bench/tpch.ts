/**
 * TPC-H through Silt against plain DuckDB over the same data files (`bench/run.sh tpch [--sf 1]`).
 *
 * Data and the 22 queries come from DuckDB's tpch extension (peer/tpch_gen.py, in a venv of its
 * own), are loaded with `silt load` into two projects — plain, and with lineitem and orders
 * partitioned by month of their date — and each query runs as `silt query --format json` and as a
 * DuckDB process over the Parquet files of the Silt table (views named as the queries name them),
 * alternating, `--runs` times (default 3). Results are compared row for row; per-query ratios of
 * the medians and their geometric mean are printed, with the files each Silt query scanned.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';
import { timedRun } from './lib/child.js';
import type { BenchOptions } from './lib/options.js';
import { DATA_DIR, OUT, PEER_SCRIPT, PROJECTS_DIR, ROOT } from './lib/paths.js';
import { isLoaded, markLoaded, removeDir } from './lib/projects.js';
import { log, printTable, type Verdict, writeResults } from './lib/report.js';
import { initBenchProject, parseStats, silt, tableDataFiles } from './lib/silt.js';
import { median, ms } from './lib/stats.js';

export const TABLES = ['customer', 'lineitem', 'nation', 'orders', 'part', 'partsupp', 'region', 'supplier'];
/** The partitioned copy: the two fact tables by month of their date, as Athena users lay them out. */
const PARTITIONS: Record<string, string> = { lineitem: 'month(l_shipdate)', orders: 'month(o_orderdate)' };

export interface Query {
  nr: number;
  sql: string;
}

interface QueryFigures {
  nr: number;
  siltMs: number;
  duckdbMs: number;
  ratio: number;
  filesScanned: number;
  filesTotal: number;
  same: boolean;
}

export async function tpchBench(opts: BenchOptions): Promise<Verdict[]> {
  const data = generate(opts.sf);
  const queries = JSON.parse(readFileSync(path.join(data, 'queries.json'), 'utf8')) as Query[];
  const runs = opts.runs ?? 3;
  const results: Record<string, QueryFigures[]> = {};
  const verdicts: Verdict[] = [];
  for (const layout of ['plain', 'partitioned'] as const) {
    const project = await loadProject(opts, data, layout);
    const siltSql = await qualified(queries);
    const figures: QueryFigures[] = [];
    for (const q of queries) {
      const peerFile = peerSql(project, q);
      const siltTimes: number[] = [];
      const peerTimes: number[] = [];
      let siltOut = '';
      let peerOut = '';
      for (let r = 0; r < runs; r++) {
        // Alternate who goes first, so that a burst of others' load hits both sides alike.
        const sides = [
          async () => {
            const run = await silt(project, ['query', '--local', '--format', 'json', siltSql.get(q.nr)!]);
            siltTimes.push(run.wallMs);
            siltOut = run.stdout;
          },
          async () => {
            const run = await timedRun(process.execPath, [PEER_SCRIPT, 'query-file', '--threads', String(opts.threads), '--memory', opts.memoryLimit, peerFile]);
            peerTimes.push(run.wallMs);
            peerOut = run.stdout;
          },
        ];
        for (const side of r % 2 ? sides.reverse() : sides) await side();
      }
      const stats = parseStats((await silt(project, ['query', '--local', '--stats', '--format', 'csv', siltSql.get(q.nr)!])).stderr);
      const diff = diffResults(siltOut, peerOut);
      if (diff) log(`${layout} Q${q.nr}: results differ: ${diff}`);
      const f: QueryFigures = {
        nr: q.nr,
        siltMs: median(siltTimes),
        duckdbMs: median(peerTimes),
        ratio: median(siltTimes) / median(peerTimes),
        filesScanned: stats['files_scanned'] ?? 0,
        filesTotal: stats['files_total'] ?? 0,
        same: diff === '',
      };
      figures.push(f);
      log(`${layout} Q${q.nr}: silt ${ms(f.siltMs)}, duckdb ${ms(f.duckdbMs)} (${f.ratio.toFixed(2)}x), files ${f.filesScanned}/${f.filesTotal}${f.same ? '' : ', RESULTS DIFFER'}`);
    }
    results[layout] = figures;
    const geo = geomean(figures.map((f) => f.ratio));
    printTable(
      `TPC-H SF ${opts.sf}, ${layout}: whole-process time, median of ${runs} (silt query vs a DuckDB process over the same files)`,
      ['query', 'silt', 'duckdb', 'ratio', 'files scanned', 'same rows'],
      figures.map((f) => [`Q${f.nr}`, ms(f.siltMs), ms(f.duckdbMs), `${f.ratio.toFixed(2)}x`, `${f.filesScanned}/${f.filesTotal}`, f.same ? 'yes' : 'NO']),
    );
    process.stdout.write(`geometric mean ratio (${layout}): ${geo.toFixed(3)}x\n`);
    verdicts.push({ target: `TPC-H ${layout}: every answer equals DuckDB's`, pass: figures.every((f) => f.same), detail: `${figures.filter((f) => f.same).length} of ${figures.length}` });
    verdicts.push({ target: `TPC-H ${layout}: geometric mean <= 1.10x`, pass: geo <= 1.1, detail: `${geo.toFixed(3)}x` });
  }
  writeResults('tpch', { sf: opts.sf, runs, results });
  return verdicts;
}

/** Data and queries, generated once per scale factor into bench/out/data/tpch-sf<SF>/. */
export function generate(sf: string): string {
  const dir = path.join(DATA_DIR, `tpch-sf${sf}`);
  if (existsSync(path.join(dir, 'queries.json'))) return dir;
  const python = path.join(OUT, '.venv-tpch', 'bin', 'python');
  if (!existsSync(python)) throw new Error('bench: tpch: no bench/out/.venv-tpch; run the bench through bench/run.sh tpch, which makes it');
  log(`tpch: generating SF ${sf} with DuckDB's tpch extension into ${path.relative(ROOT, dir)}`);
  execFileSync(python, [path.join(ROOT, 'bench', 'peer', 'tpch_gen.py'), sf, dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  return dir;
}

/** A project with the eight tables loaded by `silt load` (cached; `--fresh` reloads). */
export async function loadProject(opts: BenchOptions, data: string, layout: 'plain' | 'partitioned'): Promise<string> {
  const project = path.join(PROJECTS_DIR, `tpch-sf${opts.sf}-${layout}`);
  if (opts.fresh || !TABLES.every((t) => isLoaded(project, t))) {
    removeDir(project);
    mkdirSync(PROJECTS_DIR, { recursive: true });
    await initBenchProject(project, { threads: opts.threads, memoryLimit: opts.memoryLimit });
    for (const t of TABLES) {
      const partition = layout === 'partitioned' && PARTITIONS[t] ? ['--partition-by', PARTITIONS[t]!] : [];
      const run = await silt(project, ['load', path.join(data, `${t}.parquet`), '--into', `tpch.${t}`, ...partition]);
      log(`tpch ${layout}: loaded ${t} in ${ms(run.wallMs)}: ${run.stdout.trim()}`);
      markLoaded(project, t, { ms: run.wallMs });
    }
  }
  return project;
}

/** The queries with each table named `tpch.<table>`, rewritten through DuckDB's own parse tree (CTE names stay). */
export async function qualified(queries: readonly Query[]): Promise<Map<number, string>> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const out = new Map<number, string>();
    for (const q of queries) {
      const [[json]] = (await connection.runAndReadAll(`SELECT json_serialize_sql(${literal(q.sql)})::VARCHAR`)).getRows() as [[string]];
      // Lossless: the tree holds 64-bit numbers (query locations) that a double would round.
      const tree = parseLossless(json) as unknown;
      const ctes = new Set<string>();
      visit(tree, (node) => {
        for (const entry of ((node['cte_map'] as { map?: { key: string }[] } | undefined)?.map ?? [])) ctes.add(entry.key.toLowerCase());
      });
      visit(tree, (node) => {
        if (node['type'] === 'BASE_TABLE' && !node['schema_name'] && !ctes.has(String(node['table_name']).toLowerCase())) node['schema_name'] = 'tpch';
      });
      const [[sql]] = (await connection.runAndReadAll(`SELECT json_deserialize_sql(${literal(stringifyLossless(tree)!)}::JSON)`)).getRows() as [[string]];
      out.set(q.nr, sql);
    }
    return out;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The peer's script for one query: a view per table over that Silt table's Parquet files, then the query. */
function peerSql(project: string, q: Query): string {
  const views = TABLES.map((t) => {
    const files = tableDataFiles(project, 'tpch', t).map((f) => literal(f.path));
    return `CREATE VIEW ${t} AS FROM read_parquet([${files.join(', ')}], hive_partitioning = false);`;
  });
  const file = path.join(project, '.bench', `q${q.nr}.sql`);
  writeFileSync(file, `${views.join('\n')}\n${q.sql}`);
  return file;
}

/** Empty when the two JSON-lines results hold the same rows in the same order (numbers within 1e-6 relative). */
export function diffResults(silt: string, peer: string): string {
  const rows = (text: string) => text.split('\n').filter((l) => l.trim()).map((l) => Object.values(JSON.parse(l) as Record<string, unknown>));
  return diffRows(rows(silt), rows(peer));
}

/** Empty when Silt's rows `a` and DuckDB's `b` are the same, in the same order (numbers within 1e-6 relative). */
export function diffRows(a: readonly unknown[][], b: readonly unknown[][]): string {
  if (a.length !== b.length) return `silt returned ${a.length} rows, duckdb ${b.length}`;
  for (const [i, row] of a.entries()) {
    const other = b[i]!;
    if (row.length !== other.length) return `row ${i + 1}: ${row.length} columns vs ${other.length}`;
    for (const [j, v] of row.entries()) if (!sameValue(v, other[j])) return `row ${i + 1} column ${j + 1}: silt ${JSON.stringify(v)}, duckdb ${JSON.stringify(other[j])}`;
  }
  return '';
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b || String(a) === String(b)) return true;
  const x = Number(a);
  const y = Number(b);
  return a !== null && b !== null && a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x), Math.abs(y));
}

export function geomean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
}

export function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function visit(node: unknown, fn: (n: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const x of node) visit(x, fn);
  else if (node && typeof node === 'object') {
    fn(node as Record<string, unknown>);
    for (const v of Object.values(node)) visit(v, fn);
  }
}
