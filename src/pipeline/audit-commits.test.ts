import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { openProject } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';
import { runPipeline } from './run.js';

test("each table a pipeline run commits is in the audit log, as the pipeline's commit naming the run and snapshot", async () => {
  const root = await tempDir('audit-commits');
  try {
    const dir = await smallProject(path.join(root, 'p'), ordersYaml(''), { 'orders/a.csv': 'id,amount\n1,2\n2,3\n' });
    const project = await openProject({ projectDir: dir });
    try {
      const run = await runPipeline(project);
      const events = (await project.catalog.governance.unpublished(100)).filter((e) => e.principal === 'service:pipeline');
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
