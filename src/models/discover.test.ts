import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Engine } from '../engine/index.js';
import { InvalidInput } from '../errors.js';
import { discoverModels } from './discover.js';

async function withModels<T>(files: Record<string, string>, fn: (engine: Engine, dir: string) => Promise<T>): Promise<T> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'silt-models-'));
  const dir = path.join(root, 'models');
  const engine = await Engine.open({ threads: 1 });
  try {
    for (const [name, text] of Object.entries(files)) {
      await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await fs.writeFile(path.join(dir, name), text);
    }
    return await fn(engine, dir);
  } finally {
    engine.close();
    await fs.rm(root, { recursive: true, force: true });
  }
}

const rejects = (files: Record<string, string>, message: RegExp) =>
  withModels(files, (engine, dir) =>
    assert.rejects(discoverModels(engine, dir), (e: unknown) => e instanceof InvalidInput && message.test(e.message)),
  );

describe('discoverModels', () => {
  it('reads dependencies from the SQL: joins, subqueries, CTEs (not tables), other models', async () => {
    await withModels(
      {
        'daily_sales.sql': `-- silt: materialized = table
WITH kept AS (SELECT * FROM silver.orders WHERE status <> 'cancelled')
SELECT CAST(order_ts AS DATE) AS d, count(*) AS n FROM kept
WHERE customer_id IN (SELECT customer_id FROM Silver.Customers WHERE country = 'DE')
GROUP BY 1;`,
        'marts/finance/revenue_by_method.sql': `SELECT p.method, sum(p.amount) AS amount
FROM silver.payments p JOIN silver.orders o ON o.order_id = p.order_id
JOIN (SELECT d FROM gold.daily_sales) ds ON ds.d = CAST(o.order_ts AS DATE)
GROUP BY 1`,
        'weekly.sql': 'SELECT date_trunc(\'week\', d) AS week, sum(n) AS n FROM gold.daily_sales GROUP BY 1 -- weekly',
        '.hidden.sql': 'not sql at all',
        'notes.md': 'ignored',
      },
      async (engine, dir) => {
        const models = await discoverModels(engine, dir);
        assert.deepEqual(
          models.map((m) => [m.name, m.file, m.dependsOn]),
          [
            ['daily_sales', 'models/daily_sales.sql', ['silver.customers', 'silver.orders']],
            ['revenue_by_method', 'models/marts/finance/revenue_by_method.sql', ['gold.daily_sales', 'silver.orders', 'silver.payments']],
            ['weekly', 'models/weekly.sql', ['gold.daily_sales']],
          ],
        );
        assert.ok(models[0]!.sql.startsWith('WITH kept AS'));
        assert.ok(models[0]!.sql.endsWith('GROUP BY 1'), 'trailing semicolon removed');
      },
    );
  });

  it('returns no models when the folder does not exist', async () => {
    await withModels({}, async (engine, dir) => assert.deepEqual(await discoverModels(engine, path.join(dir, 'nope')), []));
  });

  it("reports a syntax error with the file and DuckDB's message", async () => {
    await rejects({ 'daily_sales.sql': 'SELEC 1 FROM silver.orders' }, /^models: models\/daily_sales\.sql: Parser Error: syntax error at or near "SELEC"/);
  });

  it('refuses what is not one SELECT over catalog tables', async () => {
    await rejects({ 'a.sql': 'CREATE TABLE x AS SELECT 1' }, /^models: models\/a\.sql: a model is one SELECT statement/);
    await rejects({ 'a.sql': 'SELECT * FROM orders' }, /^models: models\/a\.sql: table orders needs its namespace: write namespace\.orders/);
    await rejects({ 'a.sql': "SELECT * FROM read_csv('x.csv')" }, /^models: models\/a\.sql: table function read_csv\(\) is not allowed/);
    await rejects({ 'a.sql': 'SELECT 1; SELECT 2' }, /^models: models\/a\.sql: run one statement at a time/);
  });

  it('needs valid lower-case names, each defined once', async () => {
    await rejects({ 'Daily-Sales.sql': 'SELECT 1' }, /^models: models\/Daily-Sales\.sql: "Daily-Sales" is not a valid model name: .* \(e\.g\. daily_sales\.sql\)/);
    await rejects({ 'a/x.sql': 'SELECT 1', 'b/x.sql': 'SELECT 2' }, /^models: models\/b\/x\.sql and models\/a\/x\.sql both define gold\.x: rename one/);
  });

  it('names the file in header errors', async () => {
    await rejects({ 'x.sql': '-- silt: materialized = tabel\nSELECT 1' }, /^models: models\/x\.sql line 1: materialized = tabel/);
  });
});

describe('a model of only a block comment', () => {
  it('is refused as empty, not as several statements', () =>
    rejects({ 'empty.sql': '/* nothing here yet */\n' }, /^models: models\/empty\.sql: empty statement \(only comments\)$/));
});
