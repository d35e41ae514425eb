import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Engine } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { demoModelsDir } from './demo-models.js';
import { readModel } from './discover.js';
import { planIncremental } from './incremental.js';
import type { Model } from './model.js';
import { withSilver } from './test-silver.js';

const ORDER = (id: number, customer: number, ts: string | null, status: string, amount: number) =>
  `(${id}, ${customer}, ${ts === null ? 'NULL' : `TIMESTAMP '${ts}'`}, '${status}', ${amount}, 'EUR', NULL, NULL, TIMESTAMP '2026-04-10 00:00:00')`;

/** Runs one incremental step the way a pipeline would, then checks gold equals a full rebuild. */
async function step(engine: Engine, model: Model, changed: Map<string, string>): Promise<string[]> {
  const plan = await planIncremental(engine, model, changed);
  await engine.run(`CREATE OR REPLACE TEMP TABLE touched AS ${plan.touchedSql}`);
  await engine.run(`DELETE FROM gold.${model.name} WHERE ${plan.replacedPredicate('touched')}`);
  await engine.run(`INSERT INTO gold.${model.name} ${plan.rebuildSql('touched')}`);
  const diff = await engine.all(`(FROM gold.${model.name} EXCEPT ALL (${model.sql})) UNION ALL ((${model.sql}) EXCEPT ALL FROM gold.${model.name})`);
  assert.deepEqual(diff, [], 'incremental result equals a full rebuild');
  const keys = await engine.allJson<{ k: string | null }>(`SELECT CAST(${plan.keys[0]} AS VARCHAR) AS k FROM touched ORDER BY k NULLS FIRST`);
  return keys.map((r) => r.k ?? 'NULL');
}

describe('planIncremental', () => {
  it('recomputes only the days touched by new, updated and cancelled orders (demo daily_sales)', async () => {
    await withSilver(async (engine) => {
      const text = await fs.readFile(path.join(demoModelsDir(), 'daily_sales.sql'), 'utf8');
      const model = await readModel(engine, 'models/daily_sales.sql', text);
      await engine.run(`INSERT INTO silver.orders VALUES ${[
        ORDER(1, 1, '2026-04-01 10:00:00', 'placed', 10),
        ORDER(2, 2, '2026-04-01 11:00:00', 'placed', 20),
        ORDER(3, 1, '2026-04-02 09:00:00', 'placed', 30),
        ORDER(4, 3, '2026-04-03 09:00:00', 'placed', 40),
        ORDER(5, 3, null, 'placed', 5),
      ].join(', ')}`);
      await engine.run(`CREATE TABLE gold.daily_sales AS ${model.sql}`);

      // Order 4 is cancelled (its day loses its only order), order 2 changes amount, order 6 is new;
      // the changed rows are the added versions plus the old versions of updated rows.
      await engine.run(`CREATE TABLE changed_orders AS SELECT * FROM silver.orders WHERE order_id IN (2, 4)`);
      await engine.run(`DELETE FROM silver.orders WHERE order_id IN (2, 4)`);
      const added = [ORDER(2, 2, '2026-04-01 11:00:00', 'placed', 25), ORDER(4, 3, '2026-04-03 09:00:00', 'cancelled', 40), ORDER(6, 4, '2026-04-05 08:00:00', 'placed', 60)];
      await engine.run(`INSERT INTO silver.orders VALUES ${added.join(', ')}`);
      await engine.run(`INSERT INTO changed_orders VALUES ${added.join(', ')}`);

      assert.deepEqual(await step(engine, model, new Map([['silver.orders', 'changed_orders']])), ['2026-04-01', '2026-04-03', '2026-04-05']);
      const days = await engine.allJson(`SELECT CAST(order_date AS VARCHAR) AS d, orders, CAST(revenue AS VARCHAR) AS revenue FROM gold.daily_sales ORDER BY d NULLS FIRST`);
      assert.deepEqual(days, [
        { d: null, orders: '1', revenue: '5.00' },
        { d: '2026-04-01', orders: '2', revenue: '35.00' },
        { d: '2026-04-02', orders: '1', revenue: '30.00' },
        { d: '2026-04-05', orders: '1', revenue: '60.00' },
      ]);

      // A NULL key is a key like any other: a new undated order replaces the NULL row, not duplicates it.
      await engine.run(`TRUNCATE changed_orders`);
      await engine.run(`INSERT INTO changed_orders VALUES ${ORDER(7, 1, null, 'placed', 7)}`);
      await engine.run(`INSERT INTO silver.orders FROM changed_orders`);
      assert.deepEqual(await step(engine, model, new Map([['silver.orders', 'changed_orders']])), ['NULL']);
    });
  });

  it('follows changes in any upstream table of a join (unique_key model)', async () => {
    await withSilver(async (engine) => {
      const model = await readModel(engine, 'models/order_countries.sql', `-- silt: materialized = incremental, unique_key = order_id
SELECT o.order_id, c.country, o.amount
FROM silver.orders AS o JOIN silver.customers AS c ON c.customer_id = o.customer_id`);
      await engine.run(`INSERT INTO silver.customers VALUES (1, 'A', NULL, NULL, 'DE', NULL, NULL, NULL), (2, 'B', NULL, NULL, 'FR', NULL, NULL, NULL)`);
      await engine.run(`INSERT INTO silver.orders VALUES ${[ORDER(1, 1, '2026-04-01 10:00:00', 'placed', 10), ORDER(2, 2, '2026-04-01 10:00:00', 'placed', 20), ORDER(3, 1, '2026-04-02 10:00:00', 'placed', 30)].join(', ')}`);
      await engine.run(`CREATE TABLE gold.order_countries AS ${model.sql}`);

      await engine.run(`CREATE TABLE changed_customers AS SELECT * FROM silver.customers WHERE customer_id = 1`);
      await engine.run(`UPDATE silver.customers SET country = 'AT' WHERE customer_id = 1`);
      await engine.run(`INSERT INTO changed_customers SELECT * FROM silver.customers WHERE customer_id = 1`);
      await engine.run(`CREATE TABLE changed_orders AS SELECT * FROM silver.orders LIMIT 0`);
      await engine.run(`INSERT INTO changed_orders VALUES ${ORDER(4, 2, '2026-04-03 10:00:00', 'placed', 40)}`);
      await engine.run(`INSERT INTO silver.orders FROM changed_orders`);

      const changed = new Map([['silver.customers', 'changed_customers'], ['silver.orders', 'changed_orders']]);
      assert.deepEqual(await step(engine, model, changed), ['1', '3', '4']);
    });
  });

  it('reads the changed rows of a table whose columns the model names as namespace.table.column', async () => {
    await withSilver(async (engine) => {
      const model = await readModel(engine, 'models/spend.sql', `-- silt: materialized = incremental, unique_key = customer_id
SELECT silver.orders.customer_id, sum(silver.orders.amount) AS spent FROM silver.orders GROUP BY silver.orders.customer_id`);
      await engine.run(`INSERT INTO silver.orders VALUES ${[ORDER(1, 1, '2026-04-01 10:00:00', 'placed', 10), ORDER(2, 2, '2026-04-01 10:00:00', 'placed', 20)].join(', ')}`);
      await engine.run(`CREATE TABLE gold.spend AS ${model.sql}`);
      await engine.run(`CREATE TABLE changed_orders AS SELECT * FROM silver.orders LIMIT 0`);
      await engine.run(`INSERT INTO changed_orders VALUES ${ORDER(3, 2, '2026-04-02 10:00:00', 'placed', 5)}`);
      await engine.run(`INSERT INTO silver.orders FROM changed_orders`);
      assert.deepEqual(await step(engine, model, new Map([['silver.orders', 'changed_orders']])), ['2']);
    });
  });

  it('refuses a model that is not incremental', async () => {
    await withSilver(async (engine) => {
      const model = await readModel(engine, 'models/t.sql', 'SELECT order_id FROM silver.orders');
      await assert.rejects(planIncremental(engine, model, new Map()), (e: unknown) => e instanceof InvalidInput && /^models: gold\.t is not incremental/.test(e.message));
    });
  });
});
