import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Engine } from '../engine/index.js';
import type { ColumnLineage } from './lineage-types.js';
import { selectLineage } from './select-lineage.js';

const SCHEMAS: Record<string, string[]> = {
  'silver.orders': ['order_id', 'customer_id', 'order_ts', 'status', 'amount'],
  'silver.customers': ['customer_id', 'name', 'country'],
};
const schemaOf = (t: string) => SCHEMAS[t];

let engine: Engine;
before(async () => {
  engine = await Engine.open();
});
after(() => engine.close());

const lineage = (sql: string) => selectLineage(engine, sql, schemaOf, 'model gold.m');
const col = (cols: ColumnLineage[] | undefined, name: string) => {
  const c = cols?.find((x) => x.name === name);
  assert.ok(c, `no column ${name} in ${cols?.map((x) => x.name).join(', ')}`);
  return { inputs: c.inputs.map((i) => `${i.table}.${i.column}`).sort(), kind: c.kind };
};

describe('column lineage of a SELECT', () => {
  it('follows a column through a CTE, a join and an aggregate', async () => {
    const l = await lineage(`
      WITH t AS (SELECT customer_id, sum(amount) AS total, count(*) AS n FROM silver.orders WHERE status <> 'x' GROUP BY customer_id)
      SELECT c.name AS customer, t.total, coalesce(t.n, 0) AS orders, upper(c.country) AS country
      FROM silver.customers AS c LEFT JOIN t ON t.customer_id = c.customer_id`);
    assert.deepEqual(l.warnings, []);
    assert.deepEqual(col(l.columns, 'customer'), { inputs: ['silver.customers.name'], kind: 'direct' });
    assert.deepEqual(col(l.columns, 'total'), { inputs: ['silver.orders.amount'], kind: 'aggregation' });
    assert.deepEqual(col(l.columns, 'orders'), { inputs: [], kind: 'aggregation' });
    assert.deepEqual(col(l.columns, 'country'), { inputs: ['silver.customers.country'], kind: 'transformation' });
    assert.deepEqual(l.tables.sort(), ['silver.customers', 'silver.orders']);
    const rows = l.rowInputs.map((i) => `${i.table}.${i.column}`).sort();
    assert.deepEqual(rows, ['silver.customers.customer_id', 'silver.orders.customer_id', 'silver.orders.status']);
  });

  it('expands * against the upstream table, EXCLUDE and REPLACE included', async () => {
    const l = await lineage(`SELECT * EXCLUDE (order_ts) REPLACE (amount * 2 AS amount) FROM (SELECT o.* FROM silver.orders o) AS s`);
    assert.deepEqual(l.columns?.map((c) => c.name), ['order_id', 'customer_id', 'status', 'amount']);
    assert.deepEqual(col(l.columns, 'order_id'), { inputs: ['silver.orders.order_id'], kind: 'direct' });
    assert.deepEqual(col(l.columns, 'amount'), { inputs: ['silver.orders.amount'], kind: 'transformation' });
  });

  it('names an unaliased expression as DuckDB does, and sees a window function as an aggregation', async () => {
    const l = await lineage(`SELECT CAST(order_ts AS DATE), row_number() OVER (PARTITION BY customer_id ORDER BY amount) AS rn,
      CASE WHEN status = 'x' THEN amount ELSE 0 END AS amt FROM silver.orders`);
    assert.equal(l.columns?.[0]?.name, 'CAST(order_ts AS DATE)');
    assert.deepEqual(col(l.columns, 'rn'), { inputs: ['silver.orders.amount', 'silver.orders.customer_id'], kind: 'aggregation' });
    assert.deepEqual(col(l.columns, 'amt'), { inputs: ['silver.orders.amount', 'silver.orders.status'], kind: 'transformation' });
  });

  it('unions by position and follows a scalar subquery', async () => {
    const l = await lineage(`SELECT customer_id AS id, (SELECT max(amount) FROM silver.orders o WHERE o.customer_id = c.customer_id) AS top
      FROM silver.customers c UNION ALL SELECT order_id, amount FROM silver.orders`);
    assert.deepEqual(col(l.columns, 'id'), { inputs: ['silver.customers.customer_id', 'silver.orders.order_id'], kind: 'direct' });
    assert.deepEqual(col(l.columns, 'top'), { inputs: ['silver.customers.customer_id', 'silver.orders.amount', 'silver.orders.customer_id'], kind: 'aggregation' });
  });

  it('a lambda parameter is not a column', async () => {
    const l = await lineage(`SELECT list_transform([order_id], x -> x + amount) AS l FROM silver.orders`);
    assert.deepEqual(l.warnings, []);
    assert.deepEqual(col(l.columns, 'l'), { inputs: ['silver.orders.amount', 'silver.orders.order_id'], kind: 'transformation' });
  });

  it('a column no upstream table has is a warning naming it, and that column is table-level', async () => {
    const l = await lineage(`SELECT order_id, amount_usd FROM silver.orders`);
    assert.deepEqual(col(l.columns, 'order_id'), { inputs: ['silver.orders.order_id'], kind: 'direct' });
    assert.equal(l.columns?.find((c) => c.name === 'amount_usd')?.unresolved, true);
    assert.match(l.warnings.join('\n'), /model gold\.m: column amount_usd is not in orders; its lineage is table-level/);
  });

  it('* over a table whose columns are unknown degrades to table level with a warning', async () => {
    const l = await lineage(`SELECT * FROM raw.events`);
    assert.equal(l.columns, undefined);
    assert.deepEqual(l.tables, ['raw.events']);
    assert.match(l.warnings.join('\n'), /cannot expand \*: the columns of raw\.events are unknown/);
  });

  it('SQL DuckDB cannot parse gives a warning, not an error', async () => {
    const l = await lineage(`SELEC amount FROM silver.orders`);
    assert.equal(l.columns, undefined);
    assert.match(l.warnings[0]!, /model gold\.m: .*syntax error/i);
  });
});
