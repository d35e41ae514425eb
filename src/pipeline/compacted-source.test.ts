/**
 * Compaction adds files without adding rows: silver, which reads the bronze files added since its
 * last run, reads only the rows landed since, not the compacted files again.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { compactTables } from '../lifecycle/index.js';
import { openProject, type Project } from '../project/index.js';
import { runPipeline } from './run.js';
import { addLanding, query, removeDir, smallProject, tempDir, withSession } from '../testing/pipeline-project.js';

const YAML = `
sources:
  sales: { path: sales/, format: csv }
silver:
  sales:
    source: bronze.sales
    key: sale_id
    columns:
      sale_id: { type: long }
      amount: { type: double }
`;

let root: string;
let dir: string;
let project: Project;

before(async () => {
  root = await tempDir('compacted-source');
  dir = await smallProject(path.join(root, 'p'), YAML, { 'sales/a.csv': 'sale_id,amount\n1,10\n2,20\n' });
  project = await openProject({ projectDir: dir });
});
after(async () => {
  await project?.close();
  await removeDir(root);
});

test('after bronze is compacted, silver reads only the rows landed since its last run', async () => {
  await runPipeline(project);
  await addLanding(dir, { 'sales/b.csv': 'sale_id,amount\n3,30\n4,40\n' });
  await runPipeline(project);
  const engine = await project.openEngine();
  try {
    const done = await compactTables({ catalog: project.catalog, engine }, { tables: [{ namespace: 'bronze', name: 'sales' }] });
    assert.equal(done.tables[0]!.dataFilesAdded, 1, 'the two bronze files became one');
  } finally {
    engine.close();
  }
  await addLanding(dir, { 'sales/c.csv': 'sale_id,amount\n5,50\n' });
  const run = await runPipeline(project);
  const silver = run.steps.find((s) => s.id === 'silver.sales')!;
  assert.equal(silver.rowsIn, 1, 'only the new row is read');
  await withSession(project, async (sql) => {
    assert.deepEqual(await query(sql, 'SELECT sale_id FROM silver.sales ORDER BY sale_id'), [['1'], ['2'], ['3'], ['4'], ['5']]);
  });
});
