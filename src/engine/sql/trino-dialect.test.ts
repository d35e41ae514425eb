/** Silt's SQL spelled for Trino: the text Trino is sent for the forms where the two engines differ. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InvalidInput } from '../../errors.js';
import { Engine } from '../core/index.js';
import { toTrinoSql } from './trino-dialect.js';

async function withDuck<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await Engine.open();
  try {
    return await fn(engine);
  } finally {
    engine.close();
  }
}

test('division and avg() are in DOUBLE on Trino, as DuckDB computes them for integers and decimals', async () => {
  await withDuck(async (engine) => {
    const sql = await toTrinoSql(engine, 'SELECT a / b AS r, avg(price) AS m FROM silver.t', 'models/m.sql');
    assert.equal(sql.trim(), 'SELECT (CAST(a AS DOUBLE) / b) AS r, avg(CAST(price AS DOUBLE)) AS m FROM silver.t');
  });
});

test('a quotient or average cast to DECIMAL rounds the double as DuckDB does (81.615 is 81.6149…, so 81.61)', async () => {
  await withDuck(async (engine) => {
    const sql = await toTrinoSql(engine, 'SELECT CAST(a / b AS DECIMAL(12, 2)) AS q, CAST(avg(x) AS DECIMAL(12,3)) AS m, CAST(c AS DECIMAL(5,1)) AS c FROM silver.t', 'models/m.sql');
    assert.equal(sql.trim(), 'SELECT CAST((round(((CAST(a AS DOUBLE) / b)) * 1e2) / 1e2) AS DECIMAL(12,2)) AS q, CAST((round((avg(CAST(x AS DOUBLE))) * 1e3) / 1e3) AS DECIMAL(12,3)) AS m, CAST(c AS DECIMAL(5,1)) AS c FROM silver.t');
  });
});

test("timezone('UTC', ts) and ts AT TIME ZONE 'UTC' are a local timestamp of microseconds on Trino; count(*) and nullif as Trino spells them", async () => {
  await withDuck(async (engine) => {
    const sql = await toTrinoSql(engine, "SELECT date_trunc('hour', timezone('UTC', ts)) AS h, ts AT TIME ZONE 'Europe/Oslo' AS o, count(*) AS n, nullif(x, 0) AS z FROM silver.r GROUP BY 1, 2, 4", 'models/m.sql');
    assert.match(sql, /date_trunc\('hour', CAST\(\(ts\) AT TIME ZONE 'UTC' AS TIMESTAMP\(6\)\)\) AS "hour"|date_trunc\('hour', CAST\(\(ts\) AT TIME ZONE 'UTC' AS TIMESTAMP\(6\)\)\) AS h/);
    assert.match(sql, /CAST\(\(ts\) AT TIME ZONE 'Europe\/Oslo' AS TIMESTAMP\(6\)\) AS o/);
    assert.match(sql, /count\(\*\) AS n/);
    assert.match(sql, / nullif\(x, 0\) AS z/);
    assert.doesNotMatch(sql, /count_star|timezone\(|"nullif"|main\./);
  });
});

test('casts keep microseconds and take Trino type names', async () => {
  await withDuck(async (engine) => {
    const sql = await toTrinoSql(engine, 'SELECT CAST(a AS TIMESTAMP) AS t, b::TIMESTAMPTZ AS z, CAST(c AS HUGEINT) AS h, CAST(d AS FLOAT) AS f FROM bronze.x', 'models/m.sql');
    assert.equal(sql.trim(), 'SELECT CAST(a AS TIMESTAMP(6)) AS t, CAST(b AS TIMESTAMP(6) WITH TIME ZONE) AS z, CAST(c AS DECIMAL(38,0)) AS h, CAST(d AS REAL) AS f FROM bronze.x');
  });
});

test("the demo's models all have a Trino spelling", async () => {
  await withDuck(async (engine) => {
    const dir = fileURLToPath(new URL('../../models/demo/', import.meta.url));
    for (const f of ['customer_lifetime_value.sql', 'daily_sales.sql', 'orders_by_status.sql', 'sensor_hourly_summary.sql']) {
      const text = (await readFile(path.join(dir, f), 'utf8')).split('\n').filter((l) => !l.startsWith('--')).join('\n');
      const sql = await toTrinoSql(engine, text, `models/${f}`);
      assert.match(sql, /^(WITH|SELECT) /, f);
      assert.doesNotMatch(sql, /count_star|"nullif"|timezone\(/, f);
    }
  });
});

test('DuckDB-only SQL is refused naming what Trino lacks and the way out', async () => {
  await withDuck(async (engine) => {
    const cases: [string, RegExp][] = [
      ['SELECT [1, 2] AS l', /list_value\(\)/],
      ['SELECT * EXCLUDE (a) FROM silver.t', /EXCLUDE/],
      ['SELECT a FROM silver.t QUALIFY row_number() OVER () = 1', /QUALIFY/],
      ['SELECT a, count(*) FROM silver.t GROUP BY ALL', /GROUP BY ALL/],
      ['SELECT list_sort(x) FROM silver.t', /list_sort\(\)/],
    ];
    for (const [sql, what] of cases) {
      await assert.rejects(toTrinoSql(engine, sql, 'models/bad.sql'), (e: unknown) => {
        assert.ok(e instanceof InvalidInput, sql);
        assert.match(e.message, /^models\/bad\.sql: /);
        assert.match(e.message, what);
        assert.match(e.message, /-- silt: dialect = trino/);
        return true;
      });
    }
  });
});
