/** Test support: a DuckDB engine with empty stand-ins for the silver tables the demo models read. */
import { Engine } from '../engine/index.js';

export const SILVER_TABLES = `
CREATE SCHEMA silver;
CREATE SCHEMA gold;
CREATE TABLE silver.orders (order_id BIGINT, customer_id BIGINT, order_ts TIMESTAMP, status VARCHAR,
  amount DECIMAL(12, 2), currency VARCHAR, email VARCHAR, phone VARCHAR, updated_at TIMESTAMP);
CREATE TABLE silver.customers (customer_id BIGINT, name VARCHAR, email VARCHAR, phone VARCHAR,
  country VARCHAR, city VARCHAR, signup_date DATE, segment VARCHAR);
CREATE TABLE silver.payments (payment_id BIGINT, order_id BIGINT, paid_at TIMESTAMP, method VARCHAR,
  amount DECIMAL(12, 2));
CREATE TABLE silver.sensor_readings (device_id VARCHAR, ts TIMESTAMPTZ, temperature DOUBLE, humidity DOUBLE,
  battery DOUBLE, location_lat DOUBLE, location_lon DOUBLE);
`;

export async function withSilver<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await Engine.open({ threads: 1 });
  try {
    await engine.run(SILVER_TABLES);
    return await fn(engine);
  } finally {
    engine.close();
  }
}
