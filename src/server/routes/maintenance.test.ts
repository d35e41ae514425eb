import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OWNER } from '../../engine/index.js';
import { runPipeline } from '../../pipeline/index.js';
import { ordersYaml } from '../../testing/orders-yaml.js';
import { call, ownerApp, withApi } from '../../testing/index.js';

const SETUP = { yaml: ordersYaml(), landing: { 'orders/a.csv': 'id,amount\n1,10\n2,20\n' } };

test('POST /v1/tables/{ns}/{table}/maintenance does one action (or a dry run) and says what changed; bad input is a 400 or 404 naming it', async () => {
  await withApi(SETUP, async (_plain, project) => {
    await runPipeline(project);
    const silver = await project.catalog.loadTable('silver', 'orders');
    const table = await project.catalog.createTable('shop', 'items', { schema: silver.metadata.schemas[0]!, lastColumnId: silver.metadata['last-column-id'] });
    const files = (await silver.planFiles()).files;
    for (let n = 0; n < 3; n++) await table.append(files);
    const app = ownerApp({ project, principalOf: () => OWNER });

    const dry = await call(app, 'POST', '/v1/tables/shop/items/maintenance', { action: 'rewrite-manifests', dry_run: true });
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.deepEqual(dry.body, { table: 'shop.items', dry_run: true, rewrite_manifests: { replaced: 3, created: 1, kept: 0 } });
    await table.refresh();
    assert.equal(table.metadata.snapshots.length, 3, 'a dry run commits nothing');

    const done = await call(app, 'POST', '/v1/tables/shop/items/maintenance', { action: 'rewrite-manifests' });
    assert.deepEqual([done.status, done.body.rewrite_manifests], [200, { replaced: 3, created: 1, kept: 0 }]);
    const expired = await call(app, 'POST', '/v1/tables/shop/items/maintenance', { action: 'expire' });
    assert.equal(expired.status, 200);
    assert.deepEqual(expired.body.expire.snapshots_expired, 0, 'the defaults keep 5 days of snapshots');

    const unknown = await call(app, 'POST', '/v1/tables/shop/nope/maintenance', { action: 'expire' });
    assert.equal(unknown.status, 404);
    assert.match(JSON.stringify(unknown.body), /shop\.nope/);
    const bad = await call(app, 'POST', '/v1/tables/shop/items/maintenance', { action: 'polish' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /action/);
  });
});
