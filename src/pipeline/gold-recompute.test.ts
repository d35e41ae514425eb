/**
 * The gold figures of the demo, recomputed from the raw landing files with plain DuckDB SQL written
 * here (not with Silt's contracts or models), must equal Silt's gold tables row for row.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEMO_RULES, type DemoTruth } from '../demo/index.js';
import { Engine, quoteLiteral } from '../engine/index.js';
import { openProject, type Project } from '../project/index.js';
import { runPipeline } from './run.js';
import { demoProject, query, removeDir, tempDir, withSession } from '../testing/pipeline-project.js';

const list = (xs: readonly (string | number)[]) => xs.map((x) => (typeof x === 'string' ? quoteLiteral(x) : String(x))).join(', ');
const NULL_TOKENS = list(['', 'N/A', 'null', 'NULL', 'none', '-']);
/** A cell after trim, with null tokens as NULL. */
const nt = (col: string) => `CASE WHEN trim(${col}) IN (${NULL_TOKENS}) THEN NULL ELSE trim(${col}) END`;

/** Clean orders, payments, customers and sensor readings, from the raw files, by the demo's rules. */
function cleanSql(files: Record<string, string>): string[] {
  const csv = (source: string) =>
    `read_csv(${files[source]}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"', strict_mode = true, ignore_errors = true)`;
  // NDJSON read as text lines: a line that is no JSON object is malformed and left out.
  const lines = (source: string) =>
    `(SELECT DISTINCT line FROM read_csv(${files[source]}, columns = {'line': 'VARCHAR'}, header = false, delim = chr(1), quote = '', escape = '', auto_detect = false) WHERE json_valid(line) AND starts_with(trim(line), '{'))`;
  const o = DEMO_RULES.orders;
  return [
    `CREATE TEMP TABLE raw_orders AS SELECT * FROM ${csv('orders')}`,
    `CREATE TEMP TABLE r_customers AS
       SELECT DISTINCT CAST(customer_id AS BIGINT) AS customer_id, upper(${nt('country')}) AS country,
              lower(${nt('segment')}) AS segment, CAST(${nt('signup_date')} AS DATE) AS signup_date
       FROM ${csv('customers')}`,
    `CREATE TEMP TABLE r_orders AS
       WITH typed AS (
         SELECT DISTINCT
           CAST(order_id AS BIGINT) AS order_id,
           TRY_CAST(${nt('customer_id')} AS BIGINT) AS customer_id,
           coalesce(try_strptime(${nt('order_ts')}, '%Y-%m-%d %H:%M:%S'), try_strptime(${nt('order_ts')}, '%m/%d/%Y %H:%M')) AS order_ts,
           lower(${nt('status')}) AS status,
           TRY_CAST(${nt('amount')} AS DECIMAL(12, 2)) AS amount,
           TRY_CAST(${nt('updated_at')} AS TIMESTAMP) AS updated_at
         FROM raw_orders
       ),
       latest AS (SELECT * FROM typed QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY updated_at DESC) = 1)
       SELECT * FROM latest
       WHERE order_ts IS NOT NULL
         AND status IN (${list(o.statuses)})
         AND amount > ${o.amount.min} AND amount < ${o.amount.max}
         AND customer_id IN (SELECT customer_id FROM r_customers)`,
    `CREATE TEMP TABLE r_payments AS
       SELECT DISTINCT CAST(payment_id AS BIGINT) AS payment_id, TRY_CAST(${nt('order_id')} AS BIGINT) AS order_id,
              lower(${nt('method')}) AS method, TRY_CAST(${nt('amount')} AS DECIMAL(12, 2)) AS amount
       FROM ${csv('payments')}`,
    `DELETE FROM r_payments WHERE method IS NULL OR method NOT IN (${list(DEMO_RULES.payments.methods)})
       OR amount IS NULL OR order_id NOT IN (SELECT order_id FROM r_orders)`,
    `CREATE TEMP TABLE r_sensors AS
       SELECT line->>'device_id' AS device_id, CAST(line->>'ts' AS TIMESTAMPTZ) AS ts,
              CAST(line->>'temperature' AS DOUBLE) AS temperature, CAST(line->>'humidity' AS DOUBLE) AS humidity,
              CAST(line->>'battery' AS DOUBLE) AS battery
       FROM ${lines('sensors')}`,
    `DELETE FROM r_sensors WHERE temperature < ${DEMO_RULES.sensors.temperature.min} OR temperature > ${DEMO_RULES.sensors.temperature.max}`,
  ];
}

/** Each gold table: the recomputation over the r_* tables, and the same columns read from Silt's table. */
const GOLD: Record<string, { columns: string; recompute: string }> = {
  daily_sales: {
    columns: 'order_date, orders, customers, revenue, avg_order_value',
    recompute: `SELECT CAST(order_ts AS DATE) AS order_date, count(*) AS orders, count(DISTINCT customer_id) AS customers,
                       sum(amount) AS revenue, CAST(sum(amount) / count(*) AS DECIMAL(12, 2)) AS avg_order_value
                FROM r_orders WHERE status <> 'cancelled' GROUP BY order_date`,
  },
  orders_by_status: {
    columns: 'order_date, status, orders, amount',
    recompute: `SELECT CAST(order_ts AS DATE) AS order_date, status, count(*) AS orders, sum(amount) AS amount FROM r_orders GROUP BY ALL`,
  },
  customer_lifetime_value: {
    columns: 'customer_id, country, segment, signup_date, orders, orders_cancelled_or_returned, first_order_date, last_order_date, lifetime_value, avg_order_value',
    recompute: `SELECT c.customer_id, c.country, c.segment, c.signup_date,
                       (SELECT count(*) FROM r_orders o WHERE o.customer_id = c.customer_id) AS orders,
                       (SELECT count(*) FROM r_orders o WHERE o.customer_id = c.customer_id AND o.status IN ('cancelled', 'returned')) AS orders_cancelled_or_returned,
                       (SELECT CAST(min(order_ts) AS DATE) FROM r_orders o WHERE o.customer_id = c.customer_id) AS first_order_date,
                       (SELECT CAST(max(order_ts) AS DATE) FROM r_orders o WHERE o.customer_id = c.customer_id) AS last_order_date,
                       v.paid AS lifetime_value,
                       CAST(v.paid / nullif(v.kept, 0) AS DECIMAL(12, 2)) AS avg_order_value
                FROM r_customers c,
                LATERAL (SELECT coalesce(sum(p.amount), 0) AS paid,
                                (SELECT count(*) FROM r_orders o WHERE o.customer_id = c.customer_id AND o.status NOT IN ('cancelled', 'returned')) AS kept
                         FROM r_payments p JOIN r_orders o ON o.order_id = p.order_id
                         WHERE o.customer_id = c.customer_id AND o.status NOT IN ('cancelled', 'returned')) v`,
  },
  sensor_hourly_summary: {
    columns: 'device_id, hour, readings, round(avg_temperature, 6), min_temperature, max_temperature, round(avg_humidity, 6), min_battery',
    recompute: `SELECT device_id, date_trunc('hour', ts AT TIME ZONE 'UTC') AS hour, count(*) AS readings,
                       avg(temperature) AS avg_temperature, min(temperature) AS min_temperature, max(temperature) AS max_temperature,
                       avg(humidity) AS avg_humidity, min(battery) AS min_battery
                FROM r_sensors GROUP BY ALL`,
  },
};

/** Every column as text, sorted, so the two sides compare whatever their types. */
const asText = (columns: string, from: string) =>
  `SELECT ${columns.split(/,\s*(?![^()]*\))/).map((c) => `CAST(${c} AS VARCHAR)`).join(', ')} FROM ${from} ORDER BY ALL`;

describe('gold tables equal the same figures computed by hand from the raw files', () => {
  let root: string;
  let dir: string;
  let truth: DemoTruth;
  let project: Project;
  let engine: Engine;

  before(async () => {
    root = await tempDir('gold-recompute');
    ({ dir, truth } = await demoProject(path.join(root, 'demo'), { rows: 2500, seed: 314 }));
    project = await openProject({ projectDir: dir });
    const run = await runPipeline(project);
    assert.equal(run.status, 'succeeded', JSON.stringify(run.steps.filter((s) => s.error)));
    engine = await Engine.open({ threads: 1 });
    await engine.run("SET TimeZone = 'UTC'");
    const files: Record<string, string> = {};
    for (const source of ['customers', 'orders', 'payments', 'sensors']) {
      const folder = path.join(dir, 'lake', 'landing', source);
      files[source] = `[${(await fs.readdir(folder)).filter((f) => !f.startsWith('.')).map((f) => quoteLiteral(path.join(folder, f))).join(', ')}]`;
    }
    for (const sql of cleanSql(files)) await engine.run(sql);
  });
  after(async () => {
    engine?.close();
    await project?.close();
    await removeDir(root);
  });

  test('the hand-written cleaning agrees with the generator about what is clean', async () => {
    const n = async (t: string) => Number((await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${t}`))[0]?.n);
    assert.equal(await n('raw_orders'), truth.orders.lines - truth.orders.malformedLines, 'orders read, malformed lines left out');
    assert.equal(await n('r_customers'), truth.customers.cleanRecords);
    assert.equal(await n('r_orders'), truth.orders.cleanRecords);
    assert.equal(await n('r_payments'), truth.payments.cleanRecords);
    assert.equal(await n('r_sensors'), truth.sensors.cleanRecords);
  });

  for (const [name, g] of Object.entries(GOLD)) {
    test(`gold.${name} equals the hand computation`, async () => {
      const expected = (await engine.all(asText(g.columns, `(${g.recompute})`))).map((r) => Object.values(r));
      const actual = await withSession(project, (sql) => query(sql, asText(g.columns, `gold.${name}`)));
      assert.ok(expected.length > 0, `gold.${name} is not empty`);
      assert.equal(actual.length, expected.length, `rows in gold.${name}`);
      assert.deepEqual(actual, expected);
    });
  }

  test('gold.customer_lifetime_value shows names masked, never as written in the landing files', async () => {
    const raw = await engine.all<{ name: string }>(`SELECT DISTINCT name FROM read_csv(${quoteLiteral(path.join(dir, 'lake', 'landing', 'customers', '*.csv'))}, header = true, all_varchar = true)`);
    const shown = new Set((await withSession(project, (sql) => query(sql, 'SELECT name FROM gold.customer_lifetime_value'))).map((r) => r[0]));
    assert.ok(raw.length > 0);
    for (const { name } of raw) assert.ok(!shown.has(name), `raw name ${name} in gold.customer_lifetime_value`);
  });
});
