import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { openProject } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';
import { runPipeline } from './run.js';
import { InvalidInput } from '../errors.js';
import { createPrincipal, Grants } from '../governance/index.js';
import { PIPELINE } from '../engine/index.js';

test("each table a pipeline run commits is in the audit log, as the pipeline's commit naming the run and snapshot", async () => {
  const root = await tempDir('audit-commits');
  try {
    const dir = await smallProject(path.join(root, 'p'), ordersYaml(''), { 'orders/a.csv': 'id,amount\n1,2\n2,3\n' });
    const project = await openProject({ projectDir: dir });
    try {
      const run = await runPipeline(project);
      const events = (await project.catalog.governance.unpublished(100)).filter((e) => e.principal === 'service:pipeline' && e.action === 'commit');
      const committed = run.steps.filter((s) => s.snapshotId);
      assert.ok(committed.length >= 2, JSON.stringify(run.steps));
      assert.deepEqual(
        events.map((e) => [e.action, e.tables, e.outcome, e.detail]).sort(),
        committed.map((s) => ['commit', [s.table], 'ok', `run ${run.runId} step ${s.id}: snapshot ${s.snapshotId}`]).sort(),
      );
    } finally {
      await project.close();
    }
  } finally {
    await removeDir(root);
  }
});

test('a pipeline run reads as the service principal pipeline through the access policy: each table it reads is its audited read, and no one can take its name', async () => {
  const root = await tempDir('audit-reads');
  try {
    const dir = await smallProject(path.join(root, 'p'), ordersYaml(''), { 'orders/a.csv': 'id,amount\n1,2\n2,3\n' });
    const project = await openProject({ projectDir: dir });
    try {
      const run = await runPipeline(project);
      assert.equal(run.status, 'succeeded');
      const reads = (await project.catalog.governance.unpublished(100)).filter((e) => e.action === 'read');
      assert.deepEqual(reads.map((e) => [e.principal, e.tables, e.outcome, e.detail]), [['service:pipeline', ['bronze.orders'], 'ok', `run ${run.runId}`]]);
      const held = await new Grants(project.catalog, () => []).held(PIPELINE);
      assert.deepEqual(held.filter((g) => g.origin === 'implicit').map((g) => `${g.privilege} ${g.securable}`).sort(), ['ALTER catalog', 'CREATE catalog', 'DROP catalog', 'MODIFY catalog', 'SELECT catalog']);
      await assert.rejects(createPrincipal(project.catalog, 'pipeline', 'service'), (e: unknown) => e instanceof InvalidInput && /"pipeline" is the pipeline's built-in name/.test(e.message));
    } finally {
      await project.close();
    }
  } finally {
    await removeDir(root);
  }
});
