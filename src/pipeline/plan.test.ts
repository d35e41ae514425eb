import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openProject } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { removeDir, rewritePipelineYaml, smallProject, tempDir } from '../testing/pipeline-project.js';
import { planLakehouse, runPipeline } from './index.js';

const rules = (values: string, min: number) =>
  ordersYaml(
    '    expectations:\n' +
      `      - { rule: allowed_values, column: amount, values: [${values}], policy: drop }\n` +
      `      - { rule: range, column: amount, min: ${min}, policy: warn }\n`,
  );

test("plan shows a rule whose values or bounds were edited as a change, naming what changed", async () => {
  const dir = await tempDir('plan');
  try {
    await smallProject(dir, rules('5, 7', 0), { 'orders/a.csv': 'id,amount\n1,5\n2,7\n' });
    const first = await openProject({ projectDir: dir });
    try {
      await runPipeline(first);
      assert.deepEqual((await planLakehouse(first)).filter((i) => i.action === '~'), [], 'nothing edited yet');
    } finally {
      await first.close();
    }
    await rewritePipelineYaml(dir, rules('5, 7, 9', 1));
    const edited = await openProject({ projectDir: dir });
    try {
      const changes = (await planLakehouse(edited)).filter((i) => i.action === '~').map((i) => `${i.table}: ${i.detail}`);
      assert.deepEqual(changes, [
        'silver.orders: rule changed: allowed_values(amount) [drop]: values [5,7] → values [5,7,9]',
        'silver.orders: rule changed: range(amount) [warn]: min 0 → min 1',
      ]);
    } finally {
      await edited.close();
    }
  } finally {
    await removeDir(dir);
  }
});
