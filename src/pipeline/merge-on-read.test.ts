/**
 * Merge-on-read tables as pipeline inputs: silver reads bronze with its delete files applied, and
 * gold (a full and an incremental model) reads silver with its delete files applied, so rows
 * deleted upstream by position deletes leave the tables built from them.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openProject, type Project } from '../project/index.js';
import { runPipeline } from './run.js';
import { query, removeDir, smallProject, tempDir, withSession } from '../testing/pipeline-project.js';

const YAML = `
sources:
  sales: { path: sales/, format: csv }
silver:
  sales:
    source: bronze.sales
    key: sale_id
    columns:
      sale_id: { type: long }
      region: { type: string }
      amount: { type: double }
`;
const MODELS = {
  'region_totals.sql': 'SELECT region, count(*) AS sales, sum(amount) AS amount FROM silver.sales GROUP BY region',
  'region_incremental.sql': '-- silt: materialized = incremental, unique_key = region\nSELECT region, count(*) AS sales FROM silver.sales GROUP BY region',
};
const MOR = `SET TBLPROPERTIES ('write.delete.mode' = 'merge-on-read')`;

let root: string;
let project: Project;

before(async () => {
  root = await tempDir('mor-pipeline');
  const dir = await smallProject(path.join(root, 'p'), YAML, { 'sales/a.csv': 'sale_id,region,amount\n1,eu,10\n2,eu,20\n3,us,30\n4,us,40\n5,apac,50\n' }, MODELS);
  project = await openProject({ projectDir: dir });
});
after(async () => {
  await project?.close();
  await removeDir(root);
});

test('silver reads bronze, and gold reads silver, with merge-on-read deletes applied', async () => {
  await runPipeline(project, { select: ['ingest.sales'] });
  await withSession(project, async (sql) => {
    await sql.execute(`ALTER TABLE bronze.sales ${MOR}`);
    assert.equal((await sql.execute(`DELETE FROM bronze.sales WHERE sale_id = '5'`)).message, 'deleted 1 row from bronze.sales');
  });
  await runPipeline(project);
  await withSession(project, async (sql) => {
    assert.deepEqual(await query(sql, 'SELECT sale_id FROM silver.sales ORDER BY sale_id'), [['1'], ['2'], ['3'], ['4']]);
    assert.deepEqual(await query(sql, 'SELECT region, sales, amount FROM gold.region_totals ORDER BY region'), [['eu', '2', '30'], ['us', '2', '70']]);
    await sql.execute(`ALTER TABLE silver.sales ${MOR}`);
    assert.equal((await sql.execute(`DELETE FROM silver.sales WHERE sale_id = 3`)).message, 'deleted 1 row from silver.sales');
  });
  await runPipeline(project);
  await withSession(project, async (sql) => {
    assert.deepEqual(await query(sql, 'SELECT region, sales, amount FROM gold.region_totals ORDER BY region'), [['eu', '2', '30'], ['us', '1', '40']]);
    assert.deepEqual(await query(sql, 'SELECT region, sales FROM gold.region_incremental ORDER BY region'), [['eu', '2'], ['us', '1']]);
  });
});
