import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadProject } from '../config/index.js';
import { OWNER, SqlSession } from '../engine/index.js';
import { runPipeline } from '../pipeline/index.js';
import { openProject, type Project } from '../project/index.js';
import { silt } from '../testing/index.js';
import { demoProject, removeDir, tempDir } from '../testing/pipeline-project.js';
import { projectPrices } from './prices.js';
import { costReport, DAYS_PER_MONTH, GIB, MIB, TIB, type CostLine, type CostReport } from './report.js';
import { storageUsage } from './storage-usage.js';
import { tableFacts } from './table-facts.js';

const DAY = 86_400_000;
let root: string;
let dir: string;
let project: Project;
let runId: string;
/** bytes_scanned of each statement this test ran, as the session reported it. */
const scanned: number[] = [];

before(async () => {
  root = await tempDir('cost');
  ({ dir } = await demoProject(path.join(root, 'demo'), { rows: 120, seed: 5 }));
  project = await openProject({ projectDir: dir });
  const run = await runPipeline(project);
  assert.equal(run.status, 'succeeded');
  runId = run.runId;
  const engine = await project.openEngine();
  try {
    const session = new SqlSession(engine, project.catalog, { policy: project.accessPolicy, governor: project.governance, principal: OWNER });
    for (const sql of ["SELECT count(*) FROM silver.orders WHERE status = 'shipped'", 'SELECT * FROM gold.daily_sales', 'SELECT count(*) FROM bronze.orders']) {
      scanned.push((await session.execute(sql)).stats.bytes_scanned);
    }
  } finally {
    engine.close();
  }
});
after(async () => {
  await project.close();
  await removeDir(root);
});

/** Every file under the lake folder, by its path relative to it, with its size: listed with fs, not the store. */
async function lakeFiles(): Promise<Map<string, number>> {
  const lake = path.join(dir, 'lake');
  const out = new Map<string, number>();
  for (const e of await fs.readdir(lake, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = path.join((e as { parentPath?: string }).parentPath ?? e.path, e.name);
    out.set(path.relative(lake, full).split(path.sep).join('/'), (await fs.stat(full)).size);
  }
  return out;
}

function lineOf(lines: readonly CostLine[], item: string): CostLine {
  const l = lines.find((x) => x.item === item);
  assert.ok(l, `no line ${item} in ${lines.map((x) => x.item).join(', ')}`);
  return l;
}

/** The fields of one CSV line (quoted fields may hold commas and doubled quotes; no line breaks here). */
function csvFields(line: string): string[] {
  return [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!));
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} != ${b}`);

describe('silt cost on the demo', () => {
  let report: CostReport;
  const now = Date.now();
  before(async () => {
    report = await costReport(project, now - 30 * DAY, now);
  });

  it('storage: bytes and objects per layer and table equal the files in the lake, each line priced per GiB-month', async () => {
    const files = await lakeFiles();
    const layerOf = (rel: string) => (rel.startsWith('landing/') ? 'landing' : rel.split('/')[1]!);
    const want = new Map<string, { objects: number; bytes: number }>();
    for (const [rel, size] of files) {
      const w = want.get(layerOf(rel)) ?? { objects: 0, bytes: 0 };
      w.objects += 1;
      w.bytes += size;
      want.set(layerOf(rel), w);
    }
    for (const [layer, w] of want) {
      const groups = report.storage.filter((g) => g.layer === layer);
      assert.equal(groups.reduce((n, g) => n + g.objects, 0), w.objects, `objects of ${layer}`);
      assert.equal(groups.reduce((n, g) => n + g.bytes, 0), w.bytes, `bytes of ${layer}`);
      for (const stack of [report.silt, report.aws]) {
        const l = lineOf(stack.lines, `storage ${layer} hot`);
        close(l.quantity, (w.bytes / GIB) * (30 / DAYS_PER_MONTH), `GiB-months of ${layer}`);
        assert.match(l.source, new RegExp(`listed ${w.objects} objects \\(${w.bytes} bytes\\)`));
      }
    }
    const daily = [...files].filter(([rel]) => rel.startsWith('warehouse/gold/daily_sales/'));
    const g = report.storage.find((x) => x.table === 'gold.daily_sales');
    assert.deepEqual({ objects: g?.objects, bytes: g?.bytes }, { objects: daily.length, bytes: daily.reduce((n, [, s]) => n + s, 0) });
    assert.equal(lineOf(report.aws.lines, 'storage gold hot').product, 'S3 Standard');
    assert.equal(lineOf(report.aws.lines, 'storage gold hot').price, 0.023);
    assert.equal(lineOf(report.silt.lines, 'storage gold hot').product, 'Silt disk');
  });

  it('queries: Athena bills the bytes each statement scanned, at least 10 MiB a statement', () => {
    const l = lineOf(report.aws.lines, 'queries workgroup -');
    close(l.quantity, scanned.reduce((n, b) => n + Math.max(b, 10 * MIB), 0) / TIB, 'TiB billed');
    assert.equal(l.price, 5);
    assert.match(l.source, new RegExp(`of ${scanned.length} statements .*\\(audit log; ${scanned.reduce((n, b) => n + b, 0)} bytes scanned`));
    assert.deepEqual(report.queries.map((q) => [q.workgroup, q.queries]), [['-', scanned.length]]);
  });

  it('steps: Glue bills each step run at least a minute, at 2 DPU; Silt bills the runs on its machine', async () => {
    const recorded = await project.catalog.runLog.run(runId);
    assert.ok(recorded);
    for (const s of recorded.steps.filter((x) => x.startedMs !== null && x.finishedMs !== null)) {
      const seconds = (s.finishedMs! - s.startedMs!) / 1000;
      close(lineOf(report.aws.lines, `step ${s.step}`).quantity, (Math.max(seconds, 60) * 2) / 3600, `DPU-hours of ${s.step}`);
    }
    // What a step read: silver the bronze files it took, gold (built whole) the silver files its model reads.
    const files = await lakeFiles();
    const dataBytes = (folder: string) => [...files].filter(([rel]) => rel.startsWith(`warehouse/${folder}/data/`)).reduce((n, [, b]) => n + b, 0);
    for (const [step, folder] of [['silver.orders', 'bronze/orders'], ['gold.daily_sales', 'silver/orders']] as const) {
      assert.equal(report.steps.find((s) => s.step === step)?.bytesScanned, dataBytes(folder), `bytes ${step} read`);
      assert.match(lineOf(report.aws.lines, `step ${step}`).source, new RegExp(`read ${dataBytes(folder)} bytes`));
    }
    close(lineOf(report.silt.lines, 'compute runs').quantity, (recorded.run.finishedMs! - recorded.run.startedMs) / 3_600_000, 'machine hours');
    close(lineOf(report.aws.lines, 'triggers requests').quantity, 1 / 1e6, 'Lambda requests');
  });

  it('every cost is its quantity times its price, and each total is the sum of its lines', () => {
    for (const s of [report.silt, report.aws, report.savings]) {
      for (const l of s.lines) close(l.cost, Math.round(l.quantity * l.price * 1e6) / 1e6, `cost of ${l.item}`);
      close(s.total, s.lines.reduce((n, l) => n + l.cost, 0), 'total');
    }
    assert.ok(report.aws.total > 0 && report.silt.total > 0);
  });

  it('savings: pruning is the bytes the statements did not read of their tables, compaction the GETs of files a scan would not open', async () => {
    const facts = new Map((await tableFacts(project.catalog)).map((t) => [t.table, t]));
    const tables = ['silver.orders', 'gold.daily_sales', 'bronze.orders'];
    const whole = tables.reduce((n, t) => n + facts.get(t)!.dataBytes, 0);
    const pruned = tables.reduce((n, t, i) => n + Math.max(0, facts.get(t)!.dataBytes - scanned[i]!), 0);
    close(lineOf(report.savings.lines, 'partition pruning').quantity, pruned / TIB, 'TiB not scanned');
    assert.match(lineOf(report.savings.lines, 'partition pruning').source, new RegExp(`of the ${whole} bytes`));
    const gets = tables.reduce((n, t) => n + Math.max(0, facts.get(t)!.dataFiles - Math.max(1, Math.ceil(facts.get(t)!.dataBytes / (128 * MIB)))), 0);
    close(lineOf(report.savings.lines, 'compaction').quantity, gets / 1000, 'thousands of GETs saved');
    assert.equal(lineOf(report.savings.lines, 'tiering').quantity, 0);
  });

  it('a period before every run and statement prices storage only', async () => {
    const old = await costReport(project, now - 30 * DAY, now - 29 * DAY);
    // `since` bounds the records; storage is what the store holds now, for the period's length.
    assert.ok(old.runs.length >= 1);
    const empty = await costReport(project, now + DAY, now + 31 * DAY);
    assert.deepEqual([empty.runs.length, empty.queries.length, empty.steps.length], [0, 0, 0]);
    close(lineOf(empty.aws.lines, 'storage gold hot').quantity, lineOf(report.aws.lines, 'storage gold hot').quantity, 'same storage');
  });

  it('objects under an archive location of retention: are the archive tier, priced as the archive class', async () => {
    await project.store.put('archive/warehouse/bronze/orders/data/old.parquet', new Uint8Array(4096));
    try {
      const config = { ...project.config, raw: { ...project.config.raw, retention: { bronze: { archive_after: '30d', archive: 'archive' } } } };
      const usage = await storageUsage(project.store, await tableFacts(project.catalog), config, now - DAY);
      assert.deepEqual(usage.groups.filter((g) => g.tier === 'archive'), [{ layer: 'bronze', table: 'bronze.orders', tier: 'archive', objects: 1, bytes: 4096, written: 1 }]);
    } finally {
      await project.store.delete('archive/warehouse/bronze/orders/data/old.parquet');
    }
  });
});

describe('prices: in silt.yaml', () => {
  const withPrices = async (yaml: string) => {
    const file = path.join(dir, 'silt.yaml');
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, `${text}\nprices:\n${yaml}\n`);
    try {
      return projectPrices(loadProject(dir));
    } finally {
      await fs.writeFile(file, text);
    }
  };

  it('override the defaults entry by entry', async () => {
    const { prices, declared } = await withPrices('  athena: { per_tb: 6.25 }\n  glue: { dpus: 10 }');
    assert.equal(declared, true);
    assert.deepEqual([prices.athena.per_tb, prices.athena.min_mb_per_query, prices.glue.dpus, prices.glue.per_dpu_hour, prices.s3.standard], [6.25, 10, 10, 0.44, 0.023]);
  });

  it('a bad entry is refused naming its key and line', async () => {
    await assert.rejects(withPrices('  athena: { per_tb: -5 }'), (e: Error) => /silt\.yaml.*prices\.athena\.per_tb/.test(e.message) && /line \d+/.test(e.message));
    await assert.rejects(withPrices('  athenna: { per_tb: 5 }'), (e: Error) => /prices/.test(e.message) && /athenna/.test(e.message));
  });
});

describe('the silt cost command', () => {
  it('prints JSON, CSV whose total rows are the sums of their lines, and a table', async () => {
    const json = await silt(dir, 'cost', '--format', 'json', '--since', '7d');
    assert.equal(json.code, 0, json.stderr);
    const r = JSON.parse(json.stdout) as CostReport & { since: string };
    assert.equal(Math.round(r.days), 7);
    assert.ok(r.aws.lines.every((l) => typeof l.source === 'string' && l.unit !== '' && l.product !== ''));
    const csv = await silt(dir, 'cost', '--format', 'csv');
    assert.equal(csv.code, 0, csv.stderr);
    const rows = csv.stdout.trim().split('\n').slice(1).map(csvFields);
    assert.ok(rows.every((x) => x.length === 8), 'eight fields a row');
    for (const stack of ['silt', 'aws', 'savings']) {
      const mine = rows.filter((x) => x[0] === stack);
      const total = mine.find((x) => x[1] === 'total');
      close(Number(total?.[6]), mine.filter((x) => x[1] !== 'total').reduce((n, x) => n + Number(x[6]), 0), `${stack} csv total`);
    }
    const table = await silt(dir, 'cost');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^AWS: \d/m);
    assert.match(table.stdout, /gold\.daily_sales\s+hot/);
  });

  it('refuses a bad --since and a bad --format with exit 1', async () => {
    const since = await silt(dir, 'cost', '--since', 'last week');
    assert.equal(since.code, 1);
    assert.match(since.stderr, /cost: --since expects a duration such as 30m, 1h or 7d, found "last week"/);
    const zero = await silt(dir, 'cost', '--since', '0d');
    assert.equal(zero.code, 1);
    const format = await silt(dir, 'cost', '--format', 'xml');
    assert.equal(format.code, 1);
    assert.match(format.stderr, /--format must be table, json, csv/);
  });
});
