import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SqlSession } from '../engine/index.js';
import { isEncrypted, keyring } from '../keys/index.js';
import { openProject } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { addLanding, removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';
import { runPipeline } from './run.js';

test('a pipeline run ingests into encrypted bronze, reads it for silver and merges into encrypted silver, rejects and quarantine included', async () => {
  const root = await tempDir('encrypted-pipeline');
  const before = process.env['SILT_MASTER_KEY'];
  process.env['SILT_MASTER_KEY'] = randomBytes(32).toString('base64');
  keyring.clear();
  try {
    const yaml = ordersYaml("    expectations:\n      - { rule: sql, name: positive, predicate: 'amount > 0', policy: drop }\n") + '\nencryption:\n  namespaces: [bronze, silver]\n';
    const dir = await smallProject(path.join(root, 'p'), yaml, { 'orders/a.csv': 'id,amount\n1,2\n2,-3\n3,4,9\n' });
    const project = await openProject({ projectDir: dir });
    try {
      await runPipeline(project);
      await addLanding(dir, { 'orders/b.csv': 'id,amount\n1,5\n4,6\n' });
      await runPipeline(project);
      for (const t of ['orders', 'orders_rejects']) assert.ok(isEncrypted((await project.catalog.loadTable('bronze', t)).metadata.properties), `bronze.${t}`);
      for (const t of ['orders', 'orders_quarantine']) assert.ok(isEncrypted((await project.catalog.loadTable('silver', t)).metadata.properties), `silver.${t}`);
      const engine = await project.openEngine();
      try {
        const q = async (sql: string) => (await new SqlSession(engine, project.catalog).execute(sql)).rows;
        assert.deepEqual(await q('SELECT id, amount FROM silver.orders ORDER BY id'), [['1', 5], ['4', 6]]);
        assert.deepEqual(await q('SELECT count(*) FROM silver.orders_quarantine'), [['1']]);
        assert.deepEqual(await q('SELECT count(*) FROM bronze.orders_rejects'), [['1']]);
      } finally {
        engine.close();
      }
    } finally {
      await project.close();
    }
    const files = await fs.readdir(path.join(dir, 'lake', 'warehouse', 'silver', 'orders', 'data'), { recursive: true });
    assert.ok(files.some((f) => f.endsWith('.parquet')));
  } finally {
    if (before === undefined) delete process.env['SILT_MASTER_KEY'];
    else process.env['SILT_MASTER_KEY'] = before;
    keyring.clear();
    await removeDir(root);
  }
});
