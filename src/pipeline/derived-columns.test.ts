/** Derived and default columns through the pipeline: plan binds the expressions, run computes them, lineage names their inputs. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertNoStack, cli, cliOk, removeDir, rewritePipelineYaml, smallProject, tempDir } from '../testing/pipeline-project.js';

const yaml = (total = 'qty * price') => `
sources:
  sales: { path: sales/, format: csv }
silver:
  sales:
    source: bronze.sales
    key: sale_id
    columns:
      sale_id: { type: long }
      first_name: { type: string, trim: true }
      last_name: { type: string, trim: true }
      qty: { type: int }
      price: { type: "decimal(10,2)" }
      sold_at: { type: timestamp }
      channel: { type: string, default: web }
      full_name: { expr: "first_name || ' ' || last_name" }
      total_amount: { expr: "${total}", type: "decimal(12,2)" }
      sold_day: { expr: "CAST(sold_at AS DATE)" }
      big: { expr: "CASE WHEN qty * price >= 100 THEN 'big' ELSE 'small' END" }
    expectations:
      - { rule: range, column: total_amount, min: 0, policy: drop }
`;

const CSV = [
  'sale_id,first_name,last_name,qty,price,sold_at,channel',
  '1, Ada ,Lovelace,2,12.50,2026-11-03 10:00:00,shop',
  '2,Alan,Turing,12,10.00,2025-01-31 23:59:59,',
  '3,Grace,Hopper,-1,5.00,2026-02-01 00:00:00,shop',
  '',
].join('\n');

describe('derived columns in a pipeline', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('derived');
    dir = await smallProject(path.join(root, 'p'), yaml(), { 'sales/a.csv': CSV });
  });
  after(async () => removeDir(root));

  test('apply then run store the derived columns computed from the landed rows; defaults fill the nulls', async () => {
    await cliOk(dir, 'apply');
    await cliOk(dir, 'run');
    const out = await cliOk(dir, 'query', 'SELECT sale_id, full_name, total_amount, sold_day, big, channel FROM silver.sales ORDER BY sale_id', '--format', 'csv');
    assert.deepEqual(out.trim().split('\n'), [
      'sale_id,full_name,total_amount,sold_day,big,channel',
      '1,Ada Lovelace,25.00,2026-11-03,small,shop',
      '2,Alan Turing,120.00,2025-01-31,big,web',
    ]);
    const q = await cliOk(dir, 'query', 'SELECT "column", reason FROM silver.sales_quarantine', '--format', 'csv');
    assert.match(q, /total_amount,total_amount: -5\.00 is below min 0/);
  });

  test("lineage names a derived column's input columns", async () => {
    const out = await cliOk(dir, 'lineage', 'silver.sales.total_amount', '--direction', 'up', '--json');
    assert.match(out, /"column":\s*"qty"/);
    assert.match(out, /"column":\s*"price"/);
    assert.doesNotMatch(out, /"column":\s*"first_name"/);
  });

  test('plan refuses an expression naming a missing column, naming the table and column, and apply changes nothing', async () => {
    await rewritePipelineYaml(dir, yaml('qty * prize'));
    for (const command of ['plan', 'apply']) {
      const r = await cli(dir, command);
      assertNoStack(r, command);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /silt\.yaml silver\.sales\.columns\.total_amount\.expr: .*prize/, r.stderr);
    }
  });

  test('plan checks the read columns against the source table once it exists', async () => {
    await rewritePipelineYaml(dir, yaml().replace('qty: { type: int }', 'qty: { type: int, from: quantity }'));
    const r = await cli(dir, 'plan');
    assertNoStack(r, 'plan');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /!\s+silver\.sales\s+silver\.sales: column qty reads quantity, which the source does not have/, r.stdout);
  });

  test('plan refuses an expression that does not type', async () => {
    await rewritePipelineYaml(dir, yaml("qty + sold_at"));
    const r = await cli(dir, 'plan');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /silt\.yaml silver\.sales\.columns\.total_amount\.expr: .*Binder Error/, r.stderr);
  });
});
