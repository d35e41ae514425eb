import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, withApi } from '../../testing/index.js';
import { ordersYaml } from '../../testing/orders-yaml.js';

const setup = {
  yaml: `${ordersYaml()}gold:\n  models: models\n`,
  models: {
    'big_orders.sql': 'SELECT id, amount * 2 AS doubled FROM silver.orders WHERE amount > 10\n',
    'top.sql': 'SELECT * EXCLUDE (id) FROM gold.big_orders ORDER BY doubled DESC LIMIT 3\n',
  },
};

test('GET /v1/lineage names a gold column’s silver and bronze inputs, up and down', async () => {
  await withApi(setup, async (app) => {
    const up = await call(app, 'GET', '/v1/lineage/gold/big_orders?column=doubled&direction=up');
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.downstream, undefined);
    const first = up.body.upstream[0];
    assert.deepEqual([first.table, first.column, first.kind], ['silver.orders', 'amount', 'transformation']);
    assert.deepEqual([first.children[0].table, first.children[0].column, first.children[0].how], ['bronze.orders', 'amount', ['cast to double']]);
    const down = await call(app, 'GET', '/v1/lineage/bronze/orders?column=amount&direction=down');
    assert.equal(down.status, 200);
    assert.deepEqual(down.body.downstream.map((n: { table: string; column: string }) => `${n.table}.${n.column}`), ['silver.orders.amount', 'silver.orders_quarantine.original']);
    assert.deepEqual(down.body.downstream[0].children.map((n: { table: string; column: string }) => `${n.table}.${n.column}`), ['gold.big_orders.doubled']);
    const chained = await call(app, 'GET', '/v1/lineage/gold/top?column=doubled&direction=up');
    assert.equal(chained.status, 200, JSON.stringify(chained.body));
    const path: string[] = [];
    for (let n = chained.body.upstream[0]; n; n = n.children[0]) path.push(`${n.table}.${n.column} ${n.kind}`);
    assert.deepEqual(path, ['gold.big_orders.doubled direct', 'silver.orders.amount transformation', 'bronze.orders.amount transformation', 'landing/orders/.amount direct']);
    const both = await call(app, 'GET', '/v1/lineage/silver/orders');
    assert.deepEqual(both.body.upstream.map((n: { table: string }) => n.table), ['bronze.orders']);
    assert.deepEqual(both.body.downstream.map((n: { table: string }) => n.table), ['gold.big_orders']);
  });
});

test('GET /v1/lineage: an unknown table or column is a 404 naming it, a bad direction a 400, in the error model', async () => {
  await withApi(setup, async (app) => {
    const table = await call(app, 'GET', '/v1/lineage/gold/no_such');
    assert.equal(table.status, 404);
    assert.equal(table.body.error.code, 'table_not_found');
    assert.match(table.body.error.message, /no table gold\.no_such/);
    const column = await call(app, 'GET', '/v1/lineage/silver/orders?column=amout');
    assert.equal(column.status, 404);
    assert.equal(column.body.error.code, 'column_not_found');
    assert.match(column.body.error.message, /did you mean amount/);
    const direction = await call(app, 'GET', '/v1/lineage/silver/orders?direction=sideways');
    assert.equal(direction.status, 400);
    assert.match(direction.body.error.message, /direction/);
    const doc = await call(app, 'GET', '/openapi.json');
    assert.ok(doc.body.paths['/v1/lineage/{ns}/{table}']?.get);
    assert.ok(doc.body.components.schemas.LineageNode);
  });
});
