/** `silt run --full-refresh STEP…`: a changed contract or model, then a full refresh, gives the tables a fresh project would. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InvalidInput, NotFound } from '../errors.js';
import { quoteIdent } from '../engine/index.js';
import { currentSchema } from '../table/index.js';
import { withProject, type Project } from '../project/index.js';
import { runPipeline } from './run.js';
import {
  addLanding, assertReconciled, cliOk, query, removeDir, rewritePipelineYaml, smallProject, snapshotOf, step, tempDir, VOLATILE_COLUMNS, withSession,
} from '../testing/pipeline-project.js';

const contract = (columns: string, rules = '') => `
sources:
  sales: { path: sales/, format: csv }
silver:
  sales:
    source: bronze.sales
    key: sale_id
    order_by: sold_at
    columns:
${columns}${rules}`;

const V1 = contract(`      sale_id: { type: long }
      region: { type: string }
      qty: { type: int }
      price: { type: string }
      note: { type: string }
      sold_at: { type: timestamp }
`);

/** v2: price typed, note gone, region standardized, a derived column and a drop rule. */
const V2 = contract(`      sale_id: { type: long }
      region: { type: string, trim: true, case: upper }
      qty: { type: int }
      price: { type: "decimal(10,2)" }
      sold_at: { type: timestamp }
      total: { expr: "qty * price", type: "decimal(12,2)" }
`, `    expectations:
      - { rule: range, column: qty, min: 1, policy: drop }
`);

const MODEL = '-- silt: materialized = incremental, unique_key = region\nSELECT region, sum(qty) AS qty FROM silver.sales GROUP BY region\n';
const MODEL_V2 = '-- silt: materialized = incremental, unique_key = region\nSELECT region, sum(qty) AS qty, count(*) AS sales FROM silver.sales GROUP BY region\n';

const A = ['sale_id,region,qty,price,note,sold_at', '1, eu ,2,12.50,first,2026-11-03 10:00:00', '2,us,0,10.00,,2026-11-03 11:00:00', '3,eu,1,5.00,x,2026-11-04 09:00:00', ''].join('\n');
const B = ['sale_id,region,qty,price,note,sold_at', '1,eu,3,12.50,again,2026-11-05 10:00:00', '4, us,4,2.25,,2026-11-05 12:00:00', ''].join('\n');

/** Rows with the columns in name order (a rebuilt table may hold them in another order), volatile columns left out. */
async function rowsByName(p: Project, table: string): Promise<{ columns: string[]; rows: string[] }> {
  const [ns, name] = table.split('.') as [string, string];
  const columns = currentSchema((await p.catalog.loadTable(ns, name)).metadata).fields.map((f) => f.name).filter((c) => !VOLATILE_COLUMNS.includes(c)).sort();
  const text = (c: string) => (c === 'original' ? `regexp_replace(${quoteIdent(c)}, ',?"_batch_id":"[^"]*"', '')` : `CAST(${quoteIdent(c)} AS VARCHAR)`);
  const rows = await withSession(p, (sql) => query(sql, `SELECT ${columns.map(text).join(', ')} FROM ${table}`));
  return { columns, rows: rows.map((r) => JSON.stringify(r)).sort() };
}

describe('a full refresh after a changed contract and model', () => {
  let root: string;
  let dir: string;
  let fresh: string;

  before(async () => {
    root = await tempDir('full-refresh');
    dir = await smallProject(path.join(root, 'p'), V1, { 'sales/a.csv': A }, { 'by_region.sql': MODEL });
    await withProject({ projectDir: dir }, async (p) => assertReconciled((await runPipeline(p)).steps));
    await addLanding(dir, { 'sales/b.csv': B });
    await withProject({ projectDir: dir }, async (p) => assertReconciled((await runPipeline(p)).steps));
    fresh = await smallProject(path.join(root, 'fresh'), V2, { 'sales/a.csv': A, 'sales/b.csv': B }, { 'by_region.sql': MODEL_V2 });
    await withProject({ projectDir: fresh }, async (p) => assertReconciled((await runPipeline(p)).steps));
  });
  after(async () => removeDir(root));

  test('without it a run is incremental: the changed contract applies to nothing already read', async () => {
    await rewritePipelineYaml(dir, V2);
    await withProject({ projectDir: dir }, async (p) => {
      const run = await runPipeline(p, { select: ['silver.sales'] });
      assert.equal(step(run.steps, 'silver.sales').rowsIn, 0);
      assert.notDeepEqual(await rowsByName(p, 'silver.sales'), await withProject({ projectDir: fresh }, (f) => rowsByName(f, 'silver.sales')));
    });
  });

  test('silt run --full-refresh rebuilds silver, its quarantine and gold from all upstream rows in one commit each, as a fresh project has them', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'models', 'by_region.sql'), MODEL_V2);
    const before = await withProject({ projectDir: dir }, (p) => snapshotOf(p, 'silver.sales'));
    const out = await cliOk(dir, 'run', '--full-refresh', 'silver.sales', 'gold.by_region');
    assert.match(out, /succeeded in/);
    await withProject({ projectDir: dir }, async (p) => {
      const runs = await p.catalog.runLog.runs(1);
      const stored = (await p.catalog.runLog.run(runs[0]!.runId))!.steps;
      const silverStep = stored.find((s) => s.step === 'silver.sales')!;
      assert.equal(silverStep.rowsIn, 5, 'every bronze row is read again');
      assert.match(silverStep.details ?? '', /"build":"full refresh"/);
      assert.match(stored.find((s) => s.step === 'gold.by_region')!.details ?? '', /"build":"full refresh"/);
      const silver = await p.catalog.loadTable('silver', 'sales');
      const after = silver.metadata.snapshots.filter((s) => s['sequence-number'] > silver.metadata.snapshots.find((x) => x['snapshot-id'].toString() === before)!['sequence-number']);
      assert.deepEqual(after.map((s) => s.summary.operation), ['overwrite'], 'one overwrite commit');
      assert.ok(silver.metadata.snapshots.some((s) => s['snapshot-id'].toString() === before), 'earlier snapshots stay');
      await withProject({ projectDir: fresh }, async (f) => {
        for (const t of ['silver.sales', 'silver.sales_quarantine', 'gold.by_region']) {
          assert.deepEqual(await rowsByName(p, t), await rowsByName(f, t), t);
        }
      });
      const again = await runPipeline(p);
      assertReconciled(again.steps);
      assert.equal(step(again.steps, 'silver.sales').rowsIn, 0, 'the next run is incremental again');
    });
  });

  test('a full refresh naming an ingest step, an unknown table or a step outside --select is refused, naming it', async () => {
    await withProject({ projectDir: dir }, async (p) => {
      await assert.rejects(runPipeline(p, { fullRefresh: ['ingest.sales'] }), (e: Error) => e instanceof NotFound && /--full-refresh ingest\.sales is no silver or gold step; steps: silver\.sales, gold\.by_region/.test(e.message));
      await assert.rejects(runPipeline(p, { fullRefresh: ['silver.nope'] }), (e: Error) => e instanceof NotFound && /silver\.nope/.test(e.message));
      await assert.rejects(
        runPipeline(p, { select: ['ingest.sales'], fullRefresh: ['silver.sales'] }),
        (e: Error) => e instanceof InvalidInput && /--full-refresh silver\.sales: not among the steps --select picks/.test(e.message),
      );
    });
  });
});
