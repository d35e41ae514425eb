import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInput } from '../errors.js';
import { bindModel } from './bind.js';
import { DEMO_MODELS, demoModelsDir } from './demo-models.js';
import { discoverModels, readModel } from './discover.js';
import { modelOrder } from './order.js';
import { withSilver } from './test-silver.js';

describe('demo models', () => {
  it('are discovered, depend on silver tables, and bind against the silver schemas', async () => {
    await withSilver(async (engine) => {
      const models = await discoverModels(engine, demoModelsDir());
      assert.deepEqual(models.map((m) => m.name), [...DEMO_MODELS]);
      assert.deepEqual(Object.fromEntries(models.map((m) => [m.name, m.dependsOn])), {
        customer_lifetime_value: ['silver.customers', 'silver.orders', 'silver.payments'],
        daily_sales: ['silver.orders'],
        orders_by_status: ['silver.orders'],
        sensor_hourly_summary: ['silver.sensor_readings'],
      });
      assert.equal(modelOrder(models).length, 1);
      const bound = new Map<string, Awaited<ReturnType<typeof bindModel>>>();
      for (const m of models) bound.set(m.name, await bindModel(engine, m));
      const daily = bound.get('daily_sales')!;
      assert.deepEqual(daily.schema.fields.map((f) => [f.name, f.type]), [
        ['order_date', 'date'], ['orders', 'long'], ['customers', 'long'], ['revenue', 'decimal(38, 2)'], ['avg_order_value', 'decimal(12, 2)'],
      ]);
      assert.deepEqual(daily.partitionFields, [{ 'source-id': 1, 'field-id': 1000, name: 'order_date_month', transform: 'month' }]);
      const hourly = bound.get('sensor_hourly_summary')!;
      assert.deepEqual(hourly.schema.fields.find((f) => f.name === 'hour')?.type, 'timestamp');
      assert.deepEqual(hourly.partitionFields.map((p) => p.name), ['hour_day']);
    });
  });
});

describe('bindModel', () => {
  const bindFails = (text: string, message: RegExp) =>
    withSilver(async (engine) => {
      const model = await readModel(engine, 'models/m.sql', text);
      await assert.rejects(bindModel(engine, model), (e: unknown) => e instanceof InvalidInput && message.test(e.message));
    });

  it('names the model when the SQL does not bind', async () => {
    await bindFails('SELECT order_idd FROM silver.orders', /^models: models\/m\.sql: Binder Error: .*order_idd/);
    await bindFails('SELECT * FROM silver.nope', /^models: models\/m\.sql: Catalog Error: .*nope/);
  });

  it('checks header columns against the output, with a hint', async () => {
    await bindFails('-- silt: materialized = incremental, unique_key = order_dat\nSELECT CAST(order_ts AS DATE) AS order_date FROM silver.orders',
      /^models: models\/m\.sql: unique_key: the model has no column order_dat \(did you mean order_date\?\); columns: order_date$/);
    await bindFails('-- silt: expect not_null(stat)\nSELECT status FROM silver.orders', /expect not_null\(stat\): the model has no column stat \(did you mean status\?\)/);
    await bindFails("-- silt: expect sql('amount + ')\nSELECT amount FROM silver.orders", /^models: models\/m\.sql: expect sql\('amount \+ '\): expected one SQL expression, found "amount \+": syntax error/);
    await bindFails("-- silt: expect regex(status, '(')\nSELECT status FROM silver.orders", /^models: models\/m\.sql: expect regex\(status, '\('\): /);
  });

  it('checks partition_by and the output types', async () => {
    await bindFails('-- silt: partition_by = "day(status)"\nSELECT status FROM silver.orders', /^models: models\/m\.sql: partition_by: day\(status\): day cannot be applied to column status of type string/);
    await bindFails('-- silt: partition_by = "month(d)"\nSELECT status FROM silver.orders', /^models: models\/m\.sql: partition_by: month\(d\): no column d/);
    await bindFails('SELECT order_id, order_id FROM silver.orders', /^models: models\/m\.sql: column order_id appears twice/);
    await bindFails('SELECT INTERVAL 1 DAY AS gap', /^models: models\/m\.sql: column gap has type INTERVAL, which Iceberg cannot store/);
  });
});
