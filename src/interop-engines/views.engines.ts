import assert from 'node:assert/strict';
import { test } from 'node:test';
import { siltRows, useEngines } from './test-fixture.js';
import { trinoStepTests } from './test-trino-steps.js';
import { assertSameRows } from './test-rows.js';

// Iceberg views through the REST catalog: a view one engine makes is listed and read by the others.

const engines = useEngines('views');

test('a view Spark makes over a demo table is read by Trino and Silt with the rows Spark reads; a view Trino makes is read by Spark', async () => {
  const e = engines();
  await e.spark.sql('CREATE NAMESPACE IF NOT EXISTS silt.views_ns');
  await e.spark.sql("CREATE VIEW silt.views_ns.big_orders AS SELECT order_id, amount FROM silt.silver.orders WHERE amount > 100");
  const want = (await e.spark.sql('SELECT * FROM silt.views_ns.big_orders')).rows;
  assert.ok(want.length > 0, 'the view selects some orders');
  const listed = (await e.spark.sql('SHOW VIEWS IN silt.views_ns')).rows.map((r) => r['viewName']);
  assert.deepEqual(listed, ['big_orders']);
  assertSameRows((await e.trino.sql('SELECT * FROM silt.views_ns.big_orders')).rows, want, "Trino reads Spark's view");
  assertSameRows(await siltRows(e.dir, 'SELECT * FROM views_ns.big_orders'), want, "Silt reads Spark's view");

  await e.trino.sql('CREATE VIEW silt.views_ns.order_count AS SELECT count(*) AS n FROM silt.silver.orders');
  const n = (await e.trino.sql('SELECT n FROM silt.views_ns.order_count')).rows;
  assertSameRows((await e.spark.sql('SELECT n FROM silt.views_ns.order_count')).rows, n, "Spark reads Trino's view");
  assertSameRows(await siltRows(e.dir, 'SELECT n FROM views_ns.order_count'), n, "Silt reads Trino's view");
});

// Last: they rebuild every silver and gold table on this file's Trino.
trinoStepTests(engines);
