/** `layers:` in silt.yaml names the namespaces of bronze, silver and gold; every step, listing and lineage uses them. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { lakehouseLineage } from '../lineage/index.js';
import { findQuarantine, pipelineConfig, planLakehouse, quarantineTables, replayQuarantine, runPipeline, validateTable, type RunResult } from '../pipeline/index.js';
import { openProject, type Project } from '../project/index.js';
import { cli, cliOk, query, removeDir, rewritePipelineYaml, smallProject, tempDir, withSession } from '../testing/pipeline-project.js';

const PIPELINE = `
sources:
  orders: { path: orders/, format: csv }
  customers: { path: customers/, format: csv }
silver:
  customers:
    source: raw.customers
    key: customer_id
    columns:
      customer_id: { type: long }
      email: { type: string, pii: email }
  orders:
    source: raw.orders
    key: id
    columns:
      id: { type: long }
      customer_id: { type: long }
      amount: { type: double }
    expectations:
      - { rule: range, column: amount, min: 0, policy: drop }
      - { rule: references, column: customer_id, table: processed.customers, to: customer_id, policy: drop }
`;
const RENAMED = `layers: { bronze: raw, silver: processed, gold: curated }\n${PIPELINE}`;

const LANDING = {
  'customers/c.csv': 'customer_id,email\n1,a@example.com\n2,b@example.com\n',
  // Line 3 is a reject (a field too many), id 3 breaks the range rule, id 5 names no customer.
  'orders/o.csv': 'id,customer_id,amount\n1,1,10\n2,1,2,extra\n3,2,-4\n4,2,7.5\n5,9,1\n',
};
const MODELS = { 'revenue.sql': 'SELECT customer_id, sum(amount) AS revenue FROM processed.orders GROUP BY customer_id' };

describe('a project whose layers are raw, processed and curated', () => {
  let root: string;
  let dir: string;
  let project: Project;
  let run: RunResult;

  before(async () => {
    root = await tempDir('layers');
    dir = await smallProject(path.join(root, 'p'), RENAMED, LANDING, MODELS);
    project = await openProject({ projectDir: dir });
    run = await runPipeline(project);
  });
  after(async () => {
    await project.close();
    await removeDir(root);
  });

  test('each step writes under the layer it plays, named as silt.yaml says; nothing under bronze, silver or gold', async () => {
    assert.deepEqual(run.steps.map((s) => `${s.id} ${s.status}`).sort(), [
      'curated.revenue succeeded',
      'ingest.customers succeeded',
      'ingest.orders succeeded',
      'processed.customers succeeded',
      'processed.orders succeeded',
    ]);
    const tables = (await project.catalog.listTables()).map((t) => `${t.namespace}.${t.name}`).sort();
    assert.deepEqual(tables, [
      'curated.revenue',
      'processed.customers',
      'processed.customers_quarantine',
      'processed.orders',
      'processed.orders_quarantine',
      'raw.customers',
      'raw.customers_rejects',
      'raw.orders',
      'raw.orders_rejects',
    ]);
    for (const ns of ['bronze', 'silver', 'gold']) assert.equal(await project.catalog.namespaceExists(ns), false, ns);
  });

  test('rows land where the layers say: silver rows, quarantined rows by rule, the reject, the model', async () => {
    await withSession(project, async (sql) => {
      assert.deepEqual(await query(sql, 'SELECT id, amount FROM processed.orders ORDER BY id'), [['1', '10'], ['4', '7.5']]);
      assert.deepEqual(await query(sql, 'SELECT rule, count(*) FROM processed.orders_quarantine GROUP BY 1 ORDER BY 1'), [['range', '1'], ['references', '1']]);
      assert.deepEqual(await query(sql, 'SELECT line FROM raw.orders_rejects'), [['3']]);
      assert.deepEqual(await query(sql, 'SELECT customer_id, revenue FROM curated.revenue ORDER BY 1'), [['1', '10'], ['2', '7.5']]);
    });
  });

  test('quarantines, validate, replay and lineage name the configured namespaces', async () => {
    const config = pipelineConfig(project.config);
    assert.deepEqual(quarantineTables(config).map((q) => `${q.kind} ${q.label} ${q.namespace}.${q.table}`), [
      'silver processed.customers processed.customers_quarantine',
      'silver processed.orders processed.orders_quarantine',
      'bronze raw.orders raw.orders_rejects',
      'bronze raw.customers raw.customers_rejects',
    ]);
    assert.equal(findQuarantine(config, 'orders').label, 'processed.orders');
    const v = await validateTable(project, 'processed.orders');
    assert.equal(v.declaredIn, 'silt.yaml silver.orders');
    assert.deepEqual(v.rules.map((r) => `${r.label} ${r.result}`), ['range(amount) pass', 'references(customer_id) pass']);
    const replayed = await replayQuarantine(project, 'orders');
    assert.equal(replayed.rowsIn, 2, 'both held rows are read back from raw.orders');
    const lineage = await lakehouseLineage(project, await project.openEngine());
    const layerOf = Object.fromEntries(lineage.tables.map((t) => [t.table, `${t.layer} ${t.step ?? ''}`]));
    assert.equal(layerOf['raw.orders'], 'bronze ingest.orders');
    assert.equal(layerOf['processed.orders'], 'silver processed.orders');
    assert.equal(layerOf['curated.revenue'], 'gold curated.revenue');
    assert.deepEqual(lineage.tables.find((t) => t.table === 'curated.revenue')?.inputs, ['processed.orders']);
    assert.deepEqual(lineage.tables.find((t) => t.table === 'processed.orders')?.inputs, ['raw.orders', 'processed.customers']);
  });

  test('silt query reads processed.orders; silt plan has nothing to do', async () => {
    const rows = await cliOk(dir, 'query', 'SELECT count(*) AS n FROM processed.orders', '--format', 'csv');
    assert.equal(rows, 'n\n2\n');
    const plan = await cliOk(dir, 'plan');
    assert.match(plan, /^= processed\.orders\s/m, plan);
    assert.match(plan, /^= curated\.revenue\s/m, plan);
    assert.doesNotMatch(plan, /^[-+!] /m, plan);
  });
});

describe('changing layers on a project that has tables', () => {
  let root: string;
  after(async () => removeDir(root));

  test('plan shows the move, apply and run refuse it and create nothing; a second rename is seen too', async () => {
    root = await tempDir('layers-change');
    const dir = await smallProject(path.join(root, 'p'), PIPELINE.replaceAll('raw.', 'bronze.').replaceAll('processed.', 'silver.'), LANDING, {
      'revenue.sql': MODELS['revenue.sql'].replace('processed.', 'silver.'),
    });
    const first = await openProject({ projectDir: dir });
    try {
      assert.ok((await runPipeline(first)).steps.every((s) => s.status === 'succeeded'));
    } finally {
      await first.close();
    }
    await rewritePipelineYaml(dir, RENAMED);
    const moved = await openProject({ projectDir: dir });
    try {
      const blocked = (await planLakehouse(moved)).filter((i) => i.action === '!');
      assert.deepEqual(blocked.map((i) => i.table), ['raw.*', 'processed.*', 'curated.*']);
      assert.match(blocked[1]!.detail, /^silt\.yaml layers\.silver is processed, but the silver layer's tables are in silver \(silver\.customers, silver\.orders\); renaming a layer's namespace is a migration that neither apply nor run does .*: set layers\.silver back to silver in silt\.yaml/);
      await assert.rejects(planLakehouse(moved, { apply: true }), (e) => e instanceof InvalidInput && /^apply: 3 changes cannot be applied \(marked !\): raw\.\*, processed\.\*, curated\.\*; nothing was changed/.test(e.message));
      await assert.rejects(runPipeline(moved), (e) => e instanceof InvalidInput && e.code === 'layer_renamed' && /^run: silt\.yaml layers\.bronze is raw, but the bronze layer's tables are in bronze \(bronze\.customers, bronze\.orders\)/.test(e.message));
      for (const ns of ['raw', 'processed', 'curated']) assert.equal(await moved.catalog.namespaceExists(ns), false, `${ns} was not created`);
    } finally {
      await moved.close();
    }
    const applied = await cli(dir, 'apply');
    assert.equal(applied.code, 1, applied.stderr);
    assert.match(applied.stderr, /^silt: apply: 3 changes cannot be applied \(marked !\): raw\.\*, processed\.\*, curated\.\*; nothing was changed$/m);
    assert.match(applied.stdout, /^! curated\.\*\s+silt\.yaml layers\.gold is curated, but the gold layer's tables are in gold \(gold\.revenue\)/m, applied.stdout);

    // A project made with custom names, renamed again: the namespace remembers the layer it served.
    const dir2 = await smallProject(path.join(root, 'q'), RENAMED, LANDING, MODELS);
    const made = await openProject({ projectDir: dir2 });
    try {
      await planLakehouse(made, { apply: true });
      await runPipeline(made);
    } finally {
      await made.close();
    }
    await rewritePipelineYaml(dir2, RENAMED.replace('silver: processed', 'silver: refined').replaceAll('processed.', 'refined.'));
    const again = await openProject({ projectDir: dir2 });
    try {
      await assert.rejects(runPipeline(again), (e) => e instanceof InvalidInput && /layers\.silver is refined, but the silver layer's tables are in processed \(processed\.customers, processed\.orders\)/.test(e.message));
    } finally {
      await again.close();
    }
  });
});
