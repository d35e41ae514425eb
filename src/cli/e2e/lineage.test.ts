import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { silt } from '../../testing/index.js';
import { ordersYaml } from '../../testing/orders-yaml.js';
import { removeDir, smallProject, tempDir } from '../../testing/pipeline-project.js';

test('silt lineage prints a tree (or JSON) of a column’s inputs; a model column no table has is a warning; an unknown table exits 3', async () => {
  const root = await tempDir('lineage-cli');
  try {
    const dir = await smallProject(path.join(root, 'p'), `${ordersYaml()}gold:\n  models: models\n`, {}, {
      'totals.sql': 'SELECT sum(amount) AS total, max(amount_usd) AS top FROM silver.orders\n',
    });
    const tree = await silt(dir, 'lineage', 'gold.totals.total', '--direction', 'up');
    assert.equal(tree.code, 0, tree.stderr);
    assert.equal(
      tree.stdout.trim(),
      ['gold.totals.total', 'upstream:', '  └─ silver.orders.amount  [aggregation]', '     └─ bronze.orders.amount  [transformation; cast to double]', '        └─ landing/orders/.amount  [direct]'].join('\n'),
    );
    assert.match(tree.stderr, /silt: warning: model gold\.totals \(models\/totals\.sql\): column amount_usd is not in orders; its lineage is table-level/);
    const json = await silt(dir, 'lineage', 'gold.totals.top', '--json');
    assert.equal(json.code, 0, json.stderr);
    const landing = { table: 'landing/orders/', children: [] };
    assert.deepEqual(JSON.parse(json.stdout), {
      table: 'gold.totals',
      column: 'top',
      upstream: [{ table: 'silver.orders', children: [{ table: 'bronze.orders', children: [landing] }] }],
      downstream: [],
      warnings: ['model gold.totals (models/totals.sql): column amount_usd is not in orders; its lineage is table-level'],
    });
    const missing = await silt(dir, 'lineage', 'gold.total');
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /lineage: no table gold\.total in the declared lakehouse \(did you mean gold\.totals\?\)/);
  } finally {
    await removeDir(root);
  }
});
