/** Expiry keeps what the pipeline reads "what is new since" from: the next run is still incremental. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openProject, type Project } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { addLanding, assertReconciled, query, removeDir, smallProject, snapshotOf, step, tempDir, withSession } from '../testing/pipeline-project.js';
import { expireTables } from './expire-pins.js';
import { runPipeline } from './run.js';

const MODEL = '-- silt: materialized = incremental, unique_key = id\nSELECT id, amount FROM silver.orders\n';

describe('expiring every table between an ingest and the steps after it', () => {
  let root: string;
  let project: Project;
  let dir: string;

  before(async () => {
    root = await tempDir('expire-incremental');
    dir = await smallProject(path.join(root, 'p'), ordersYaml(), { 'orders/a.csv': 'id,amount\n1,2.5\n2,3\n3,lots\n' }, { 'copy.sql': MODEL });
    project = await openProject({ projectDir: dir });
    assertReconciled((await runPipeline(project)).steps);
    await addLanding(dir, { 'orders/a2.csv': 'id,amount\n7,7\n' });
    assertReconciled((await runPipeline(project)).steps);
  });
  after(async () => {
    await project?.close();
    await removeDir(root);
  });

  test('silver reads only the new batch and gold only the changed rows, though expiry kept one snapshot per table otherwise', async () => {
    const silverRead = await snapshotOf(project, 'bronze.orders');
    await addLanding(dir, { 'orders/b.csv': 'id,amount\n4,1\n5,2\n6,lots\n' });
    assertReconciled((await runPipeline(project, { select: ['bronze.orders'] })).steps);
    const result = await expireTables(project.catalog, { olderThanMs: 0, retainLast: 1 });
    assert.ok(result.tables.some((t) => t.snapshotsExpired.length > 0), 'expiry removed snapshots');
    const bronze = await project.catalog.loadTable('bronze', 'orders');
    assert.ok(bronze.metadata.snapshots.some((s) => s['snapshot-id'].toString() === silverRead), 'the bronze snapshot silver read up to stays');

    const run = await runPipeline(project);
    assertReconciled(run.steps);
    const silver = step(run.steps, 'silver.orders');
    assert.deepEqual([silver.rowsIn, silver.rowsWritten, silver.rowsQuarantined], [3, 2, 1], 'silver read the new batch alone');
    assert.equal(step(run.steps, 'gold.copy').rowsIn, 2, 'gold read the changed rows alone');
    await withSession(project, async (sql) => {
      assert.deepEqual(await query(sql, 'SELECT id FROM gold.copy ORDER BY id'), [['1'], ['2'], ['4'], ['5'], ['7']]);
      assert.deepEqual(await query(sql, 'SELECT count(*) FROM silver.orders_quarantine'), [['2']], 'each bad row quarantined once');
    });
  });
});
