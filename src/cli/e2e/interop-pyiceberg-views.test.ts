import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pyicebergViews, requirePyIceberg } from '../../testing/pyiceberg.js';
import { startServeProcess } from '../../testing/serve-process.js';
import { siltOk } from '../../testing/silt-process.js';
import { withProject } from '../../testing/temp-project.js';

test('PyIceberg\'s RestCatalog lists, loads, checks and drops the views Silt made, and Silt reads the view PyIceberg made; silt query speaks Athena\'s forms alone and through a server', async () => {
  requirePyIceberg();
  await withProject(async (dir) => {
    await siltOk(dir, 'query', 'CREATE TABLE shop.orders AS SELECT range AS id FROM range(5)');
    await siltOk(dir, 'query', 'CREATE VIEW shop.big AS SELECT id FROM shop.orders WHERE id >= 3');
    assert.equal((await siltOk(dir, 'table', 'list', 'shop')).trim(), 'shop.big  (view)\nshop.orders');
    const described = await siltOk(dir, 'table', 'describe', 'shop.big');
    assert.match(described, /^view {7}shop\.big$/m);
    assert.match(described, /^sql \(silt\) {2}SELECT id FROM shop\.orders WHERE id >= 3$/m);
    assert.match(described, /1 +id +long/);
    const trino = ['query', "SELECT date_diff('month', DATE '2020-01-31', DATE '2020-02-01') AS v", '--format', 'csv'];
    assert.equal((await siltOk(dir, ...trino)).trim(), 'v\n0', 'silt query takes Trino\'s meaning (whole months)');
    // PyIceberg signs in as a service principal with OAuth2 client credentials; it may do everything.
    await siltOk(dir, 'principal', 'create', 'pyiceberg', '--service');
    const token = (await siltOk(dir, 'token', 'create', 'pyiceberg')).split('\n')[0]!;
    await siltOk(dir, 'query', 'GRANT ALL PRIVILEGES ON CATALOG TO pyiceberg');
    const server = await startServeProcess(dir);
    try {
      const seen = await pyicebergViews(dir, `${server.url}/iceberg`, `pyiceberg:${token}`);
      assert.deepEqual(seen.listed, ['shop.big']);
      assert.deepEqual(seen.exists, [true, false, false]);
      assert.deepEqual(seen.dialects, ['silt', 'trino', 'spark']);
      assert.deepEqual(seen.columns, ['id']);
      assert.deepEqual(seen.after_create, ['shop.big', 'shop.py_view']);
      assert.deepEqual(seen.after_drop, ['shop.py_view']);
      assert.equal(seen.big_exists_after_drop, false);
      assert.equal((await siltOk(dir, 'query', 'SELECT id FROM shop.py_view ORDER BY id', '--format', 'csv')).trim(), 'id\n3\n4');
      assert.equal((await siltOk(dir, ...trino)).trim(), 'v\n0', 'and so does the query API silt query uses while a server runs');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });
});
