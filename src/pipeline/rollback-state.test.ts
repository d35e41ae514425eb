/**
 * What a silver or gold table has read moves with its snapshot: after `silt table rollback`, the
 * next run reads again what the rolled-back snapshots had read, and the quarantine holds no copies.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openProject, type Project } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { runPipeline } from './run.js';
import { addLanding, assertReconciled, count, query, removeDir, smallProject, snapshotOf, step, tempDir, withSession } from '../testing/pipeline-project.js';

const MODEL = '-- silt: materialized = incremental, unique_key = id\nSELECT id, amount FROM silver.orders\n';

describe('rolling back a silver or gold table', () => {
  let root: string;
  let project: Project;
  let dir: string;
  const first: Record<string, string> = {};

  before(async () => {
    root = await tempDir('rollback-state');
    dir = await smallProject(path.join(root, 'p'), ordersYaml(), { 'orders/a.csv': 'id,amount\n1,2.5\n2,3\n3,lots\n' }, { 'copy.sql': MODEL });
    project = await openProject({ projectDir: dir });
    assertReconciled((await runPipeline(project)).steps);
    for (const t of ['silver.orders', 'gold.copy']) first[t] = (await snapshotOf(project, t))!;
    await addLanding(dir, { 'orders/b.csv': 'id,amount\n4,1\n5,2\n6,lots\n' });
    assertReconciled((await runPipeline(project)).steps);
  });
  after(async () => {
    await project?.close();
    await removeDir(root);
  });

  test('silver reads the rolled-back batch again: every row is back, the quarantine holds each bad row once', async () => {
    const silver = await project.catalog.loadTable('silver', 'orders');
    await silver.rollback(BigInt(first['silver.orders']!));
    assert.equal(await withSession(project, (sql) => count(sql, 'silver.orders')), 2, 'the rollback took silver back to the first batch');
    const run = await runPipeline(project, { select: ['silver.orders'] });
    assertReconciled(run.steps);
    const s = step(run.steps, 'silver.orders');
    assert.deepEqual([s.rowsIn, s.rowsWritten, s.rowsQuarantined], [3, 2, 1], 'the second batch is read again');
    await withSession(project, async (sql) => {
      assert.deepEqual(await query(sql, 'SELECT id FROM silver.orders ORDER BY id'), [['1'], ['2'], ['4'], ['5']]);
      assert.equal(await count(sql, 'silver.orders_quarantine'), 2, 'one quarantine row per bad row, no copies');
    });
    const again = await runPipeline(project, { select: ['silver.orders'] });
    assert.equal(step(again.steps, 'silver.orders').rowsIn, 0, 'and then it is up to date');
  });

  test('a gold model rolled back is built again from what its upstream holds now', async () => {
    const gold = await project.catalog.loadTable('gold', 'copy');
    await gold.rollback(BigInt(first['gold.copy']!));
    const run = await runPipeline(project, { select: ['gold.copy'] });
    assertReconciled(run.steps);
    assert.deepEqual(await withSession(project, (sql) => query(sql, 'SELECT id FROM gold.copy ORDER BY id')), [['1'], ['2'], ['4'], ['5']]);
  });
});
