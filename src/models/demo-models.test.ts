import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quoteIdent } from '../engine/index.js';
import { demoModelsDir } from './demo-models.js';
import { discoverModels } from './discover.js';
import { checkModel, expectationFailure } from './expectations.js';
import { withSilver } from './test-silver.js';

describe('demo models over a few clean silver rows', () => {
  it('build and pass their own expectations', async () => {
    await withSilver(async (engine) => {
      await engine.run(`
        INSERT INTO silver.customers VALUES
          (1, 'Ada', 'a@x.io', NULL, 'DE', 'Berlin', DATE '2026-01-05', 'retail'),
          (2, 'Bo', 'b@x.io', NULL, 'FR', 'Paris', DATE '2026-02-01', 'business'),
          (3, 'Cy', 'c@x.io', NULL, 'US', 'Austin', DATE '2026-03-01', NULL);
        INSERT INTO silver.orders VALUES
          (10, 1, TIMESTAMP '2026-04-02 09:00:00', 'delivered', 20.00, 'EUR', NULL, NULL, TIMESTAMP '2026-04-05 00:00:00'),
          (11, 1, TIMESTAMP '2026-04-02 18:30:00', 'cancelled', 15.00, 'EUR', NULL, NULL, TIMESTAMP '2026-04-02 19:00:00'),
          (12, 2, TIMESTAMP '2026-04-03 08:00:00', 'shipped', 99.90, 'EUR', NULL, NULL, TIMESTAMP '2026-04-04 00:00:00');
        INSERT INTO silver.payments VALUES (100, 10, TIMESTAMP '2026-04-02 09:01:00', 'card', 20.00), (101, 12, TIMESTAMP '2026-04-03 08:01:00', 'paypal', 99.90);
        INSERT INTO silver.sensor_readings VALUES
          ('dev-1', TIMESTAMPTZ '2026-04-02 10:05:00+00', 21.5, 40, 88, 52.5, 13.4),
          ('dev-1', TIMESTAMPTZ '2026-04-02 10:55:00+00', 22.5, 41, 87, 52.5, 13.4),
          ('dev-2', TIMESTAMPTZ '2026-04-02 12:10:00+02', 19.0, NULL, NULL, NULL, NULL);`);
      const models = await discoverModels(engine, demoModelsDir());
      for (const m of models) {
        await engine.run(`CREATE TABLE gold.${quoteIdent(m.name)} AS ${m.sql}`);
        const results = await checkModel(engine, m, `gold.${quoteIdent(m.name)}`);
        assert.equal(expectationFailure(m, results), undefined, m.name);
        assert.ok(results.length >= 3, `${m.name} declares expectations`);
      }
      assert.deepEqual(
        await engine.allJson('SELECT customer_id, orders, CAST(lifetime_value AS VARCHAR) AS ltv FROM gold.customer_lifetime_value ORDER BY 1'),
        [{ customer_id: '1', orders: '2', ltv: '20.00' }, { customer_id: '2', orders: '1', ltv: '99.90' }, { customer_id: '3', orders: '0', ltv: '0.00' }],
      );
      assert.deepEqual(
        await engine.allJson(`SELECT device_id, CAST(hour AS VARCHAR) AS hour, readings FROM gold.sensor_hourly_summary ORDER BY 1, 2`),
        [{ device_id: 'dev-1', hour: '2026-04-02 10:00:00', readings: '2' }, { device_id: 'dev-2', hour: '2026-04-02 10:00:00', readings: '1' }],
      );
    });
  });
});
