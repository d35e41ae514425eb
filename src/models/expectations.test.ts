import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Engine } from '../engine/index.js';
import { InvalidInput, RunFailed } from '../errors.js';
import { checkModel, expectationFailure } from './expectations.js';
import { parseModelFile } from './header.js';
import type { Model } from './model.js';

function modelWith(header: string): Model {
  const file = 'models/daily_sales.sql';
  const { config, sql } = parseModelFile(file, `${header}\nSELECT 1`);
  return { name: 'daily_sales', file, sql, config, dependsOn: [] };
}

async function withRows<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await Engine.open({ threads: 1 });
  try {
    await engine.run(`CREATE TABLE new_rows AS SELECT * FROM (VALUES
      (DATE '2026-04-01', 'placed', 10.50, 'a@x.io'),
      (DATE '2026-04-02', 'shipped', 0.00, 'b@x.io'),
      (DATE '2026-04-02', 'lost', -3.00, 'not-an-email'),
      (NULL, 'placed', 99999.99, NULL)
    ) v(order_date, status, revenue, email)`);
    return await fn(engine);
  } finally {
    engine.close();
  }
}

describe('checkModel', () => {
  it('counts failing rows with sorted samples for every rule', async () => {
    await withRows(async (engine) => {
      const model = modelWith(`-- silt: expect not_null(order_date), expect unique(order_date) policy=warn
-- silt: expect range(revenue, 0, 1000), expect allowed_values(status, placed, shipped) policy=warn
-- silt: expect regex(email, '^[^@]+@[^@]+$'), expect sql('revenue > 0 OR status = ''shipped''')`);
      const results = await checkModel(engine, model, 'new_rows');
      assert.deepEqual(results, [
        { rule: 'not_null', column: 'order_date', label: 'not_null(order_date)', policy: 'fail', failing_rows: 1,
          sample: ['{"order_date":null,"status":"placed","revenue":99999.99,"email":null}'] },
        { rule: 'unique', column: 'order_date', label: 'unique(order_date)', policy: 'warn', failing_rows: 2, sample: ['2026-04-02'] },
        { rule: 'range', column: 'revenue', label: 'range(revenue, 0, 1000)', policy: 'fail', failing_rows: 2, sample: ['-3.00', '99999.99'] },
        { rule: 'allowed_values', column: 'status', label: 'allowed_values(status, placed, shipped)', policy: 'warn', failing_rows: 1, sample: ['lost'] },
        { rule: 'regex', column: 'email', label: "regex(email, '^[^@]+@[^@]+$')", policy: 'fail', failing_rows: 1, sample: ['not-an-email'] },
        { rule: 'sql', label: "sql('revenue > 0 OR status = ''shipped''')", policy: 'fail', failing_rows: 1,
          sample: ['{"order_date":"2026-04-02","status":"lost","revenue":-3.0,"email":"not-an-email"}'] },
      ]);
      const failure = expectationFailure(model, results);
      assert.ok(failure instanceof RunFailed);
      assert.match(failure.message, /^models: gold\.daily_sales \(models\/daily_sales\.sql\): expectation not_null\(order_date\) failed on 1 row /);
      assert.match(failure.message, /range\(revenue, 0, 1000\) failed on 2 rows \(e\.g\. -3\.00, 99999\.99\)/);
      assert.doesNotMatch(failure.message, /unique|allowed_values/, 'warn expectations do not fail the run');
    });
  });

  it('passes clean rows: zero failing rows, no samples, no failure', async () => {
    await withRows(async (engine) => {
      const model = modelWith(`-- silt: expect not_null(status), expect range(order_date, '2026-01-01', null)
-- silt: expect allowed_values(status, placed, shipped, lost), expect sql('length(status) > 2')`);
      const results = await checkModel(engine, model, 'new_rows');
      assert.deepEqual(results.map((r) => [r.failing_rows, r.sample]), [[0, []], [0, []], [0, []], [0, []]]);
      assert.equal(expectationFailure(model, results), undefined);
    });
  });

  it('names the model and expectation when the rule does not fit the rows', async () => {
    await withRows(async (engine) => {
      await assert.rejects(
        checkModel(engine, modelWith('-- silt: expect not_null(order_dt)'), 'new_rows'),
        (e: unknown) => e instanceof InvalidInput && /^models: models\/daily_sales\.sql: expect not_null\(order_dt\): Binder Error: .*order_dt/.test(e.message),
      );
    });
  });

  it('refuses an sql expectation that leaves its parentheses or reaches files or settings, naming it', async () => {
    await withRows(async (engine) => {
      for (const predicate of [
        'revenue > 0) OR (true',
        'x /* */ ) , (',
        "(SELECT content FROM read_text(''/etc/hostname'')) <> ''''",
        "revenue > (SELECT count(*) FROM ''/etc/hostname'')",
        "current_setting(''home_directory'') <> ''''",
        "getenv(''HOME'') IS NULL",
        'revenue > 0 UNION SELECT true',
        "status = ''unclosed",
      ]) {
        const model = modelWith(`-- silt: expect sql('${predicate}')`);
        const label = model.config.expectations[0]!.label;
        await assert.rejects(checkModel(engine, model, 'new_rows'), (e: unknown) => {
          assert.ok(e instanceof InvalidInput, `${predicate}: ${String(e)}`);
          assert.ok(e.message.startsWith(`models: models/daily_sales.sql: expect ${label}: expected one SQL expression, found `), e.message);
          return true;
        });
      }
    });
  });
});
