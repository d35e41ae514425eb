import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Engine } from '../engine/index.js';
import { runPipeline } from '../pipeline/index.js';
import { openProject, type Project } from '../project/index.js';
import { demoProject, removeDir, tempDir, withSession } from '../testing/pipeline-project.js';
import { lakehouseLineage, type LakehouseLineage } from './build-lineage.js';
import { traceLineage, type LineageNode } from './trace.js';

let root: string;
let project: Project;
let engine: Engine;
let declared: LakehouseLineage;
let ran: LakehouseLineage;

before(async () => {
  root = await tempDir('lineage');
  const { dir } = await demoProject(path.join(root, 'demo'), { rows: 100, seed: 7 });
  project = await openProject({ projectDir: dir });
  engine = await project.openEngine();
  declared = await lakehouseLineage(project, engine);
  const run = await runPipeline(project);
  assert.equal(run.status, 'succeeded');
  ran = await lakehouseLineage(project, engine);
});
after(async () => {
  engine.close();
  await project.close();
  await removeDir(root);
});

const column = (l: LakehouseLineage, table: string, name: string) => {
  const c = l.tables.find((t) => t.table === table)?.columns?.find((x) => x.name === name);
  assert.ok(c, `no ${table}.${name}`);
  return { inputs: c.inputs.map((i) => `${i.table}.${i.column}`).sort(), kind: c.kind, how: c.how ?? [], masked: c.masked ?? false };
};

/** Every `table.column` in a tree, depth first. */
const names = (nodes: LineageNode[] | undefined): string[] => (nodes ?? []).flatMap((n) => [`${n.table}.${n.column ?? ''}`, ...names(n.children)]);

for (const [label, get] of [['declared, before any run', () => declared], ['after a run', () => ran]] as const) {
  describe(`lineage of the demo lakehouse, ${label}`, () => {
    it('gold revenue is an aggregation of silver orders amount, a cast of bronze orders amount, from the landed files', () => {
      const l = get();
      assert.deepEqual(column(l, 'gold.daily_sales', 'revenue'), { inputs: ['silver.orders.amount'], kind: 'aggregation', how: [], masked: false });
      assert.deepEqual(column(l, 'silver.orders', 'amount'), { inputs: ['bronze.orders.amount'], kind: 'transformation', how: ['cast to decimal(12, 2)'], masked: false });
      assert.deepEqual(column(l, 'bronze.orders', 'amount').inputs, ['landing/orders/.amount']);
      const up = traceLineage(l, 'gold.daily_sales', 'revenue', 'up');
      assert.deepEqual(names(up.upstream), ['silver.orders.amount', 'bronze.orders.amount', 'landing/orders/.amount']);
    });

    it('names the right silver and bronze columns for the customer lifetime value model (CTEs, joins)', () => {
      const l = get();
      assert.deepEqual(column(l, 'gold.customer_lifetime_value', 'lifetime_value').inputs, ['silver.payments.amount']);
      assert.equal(column(l, 'gold.customer_lifetime_value', 'lifetime_value').kind, 'aggregation');
      assert.deepEqual(column(l, 'gold.customer_lifetime_value', 'name'), { inputs: ['silver.customers.name'], kind: 'direct', how: [], masked: false });
      assert.deepEqual(column(l, 'gold.customer_lifetime_value', 'first_order_date').inputs, ['silver.orders.order_ts']);
      assert.deepEqual(column(l, 'gold.customer_lifetime_value', 'avg_order_value').inputs, ['silver.orders.status', 'silver.payments.amount']);
      assert.deepEqual(column(l, 'silver.customers', 'name'), { inputs: ['bronze.customers.name'], kind: 'transformation', how: ['trim', 'mask partial'], masked: true });
      const up = traceLineage(l, 'gold.customer_lifetime_value', 'name', 'up');
      assert.deepEqual(names(up.upstream), ['silver.customers.name', 'bronze.customers.name', 'landing/customers/.name']);
      assert.deepEqual(l.tables.flatMap((t) => t.warnings), l === declared ? l.tables.filter((t) => t.layer === 'bronze').map((t) => `${t.table} has not been ingested yet: its columns are those its silver contracts read`) : []);
    });

    it('downstream of a bronze column reaches silver, its quarantine and gold', () => {
      const down = traceLineage(get(), 'bronze.orders', 'amount', 'down');
      const reached = names(down.downstream);
      for (const c of ['silver.orders.amount', 'silver.orders_quarantine.original', 'silver.orders_quarantine.reason', 'gold.daily_sales.revenue', 'gold.orders_by_status.amount', 'gold.daily_sales.avg_order_value']) {
        assert.ok(reached.includes(c), `${c} not in ${reached.join(', ')}`);
      }
    });

    it('a sensor reading silver column reads a field of the bronze struct column', () => {
      const l = get();
      const lat = column(l, 'silver.sensor_readings', 'location_lat').inputs;
      assert.deepEqual(lat, [l === ran ? 'bronze.sensors.location.lat' : 'bronze.sensors.location_lat']);
    });
  });
}

describe('lineage lookups', () => {
  it('an unknown table is NotFound naming the tables there are', () => {
    assert.throws(() => traceLineage(ran, 'gold.daily_sale', undefined, 'both'), /lineage: no table gold\.daily_sale in the declared lakehouse \(did you mean gold\.daily_sales\?\)/);
  });
  it('an unknown column is NotFound naming the columns', () => {
    assert.throws(() => traceLineage(ran, 'silver.orders', 'amout', 'up'), /lineage: silver\.orders has no column amout \(did you mean amount\?\); columns: order_id/);
  });
  it('table-level lineage lists the tables up and down', () => {
    const t = traceLineage(ran, 'silver.orders', undefined, 'both');
    assert.deepEqual(t.upstream?.map((n) => n.table).sort(), ['bronze.orders', 'silver.customers']);
    assert.deepEqual(t.downstream?.map((n) => n.table).sort(), ['gold.customer_lifetime_value', 'gold.daily_sales', 'gold.orders_by_status', 'silver.payments', 'silver.payments_quarantine']);
  });
});

describe('lineage through a view', () => {
  it("a view's columns come from the tables its SQL reads, and tracing up from it reaches the landed files", async () => {
    await withSession(project, async (sql) => {
      await sql.execute('CREATE VIEW gold.big_days AS SELECT order_date, revenue * 100 AS cents FROM gold.daily_sales WHERE revenue > 10');
    });
    const l = await lakehouseLineage(project, engine);
    const view = l.tables.find((t) => t.table === 'gold.big_days');
    assert.equal(view?.layer, 'view');
    assert.deepEqual(view?.inputs, ['gold.daily_sales']);
    assert.deepEqual(column(l, 'gold.big_days', 'cents'), { inputs: ['gold.daily_sales.revenue'], kind: 'transformation', how: [], masked: false });
    assert.deepEqual(names(traceLineage(l, 'gold.big_days', 'cents', 'up').upstream), ['gold.daily_sales.revenue', 'silver.orders.amount', 'bronze.orders.amount', 'landing/orders/.amount']);
    assert.ok(traceLineage(l, 'gold.daily_sales', undefined, 'down').downstream?.some((n) => n.table === 'gold.big_days'), 'downstream of its table');
  });
});
