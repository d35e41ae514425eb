/** An explode's child table in lineage, quarantine replay and validate, as its parent is. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lineageTreeText, projectLineage } from '../lineage/index.js';
import { withProject } from '../project/index.js';
import { cli, cliOk, contentDigests, projectQuery, removeDir, rewritePipelineYaml, smallProject, tempDir } from '../testing/pipeline-project.js';
import { validateTable } from './validate.js';

const yaml = (parentRule = '', minQty = 1) => `
sources:
  orders: { path: orders/, format: ndjson }
silver:
  orders:
    source: bronze.orders
    key: order_id
    order_by: updated_at
    columns:
      order_id: { type: long, from: id }
      updated_at: { type: timestamp }
    expectations: [${parentRule}]
    explode:
      column: items
      into: order_lines
      position: line_no
      columns:
        sku: { type: string }
        qty: { type: int }
      expectations:
        - { rule: range, column: qty, min: ${minQty}, policy: drop }
`;
const BIG = '{ rule: range, column: order_id, max: 3, policy: drop }';

const line = (o: Record<string, unknown>) => JSON.stringify(o);
const ORDERS = [
  line({ id: 1, updated_at: '2026-11-01 10:00:00', items: [{ sku: 'a', qty: '2' }, { sku: 'b', qty: '1' }] }),
  line({ id: 4, updated_at: '2026-11-01 10:00:00', items: [{ sku: 'd', qty: '0' }, { sku: 'e', qty: '3' }, { sku: 'f', qty: 'lots' }] }),
].join('\n');

const LINES = 'SELECT order_id, line_no, sku, qty FROM silver.order_lines ORDER BY order_id, line_no';

describe('an explode child table in lineage, replay and validate', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('explode-children');
    dir = await smallProject(path.join(root, 'p'), yaml(BIG), { 'orders/a.ndjson': ORDERS });
    await cliOk(dir, 'run');
  });
  after(async () => removeDir(root));

  test("lineage: the child table is fed by the parent's source, its key from the parent's key column, written by the parent's step", async () => {
    const up = await withProject({ projectDir: dir }, (p) => projectLineage(p, 'silver.order_lines', undefined, 'up'));
    assert.deepEqual(up.upstream?.map((n) => n.table), ['bronze.orders']);
    const key = await withProject({ projectDir: dir }, (p) => projectLineage(p, 'silver.order_lines', 'order_id', 'up'));
    const text = lineageTreeText(key);
    assert.match(text, /bronze\.orders\.id {2}\[transformation; key of the parent silver\.orders row\]/);
    assert.match(text, /landing\/orders\/\.id/);
    const position = await withProject({ projectDir: dir }, (p) => projectLineage(p, 'silver.order_lines', 'line_no', 'up'));
    assert.match(lineageTreeText(position), /bronze\.orders\.items {2}\[transformation; position of the element in items \(from 1\)\]/);
    const sku = await withProject({ projectDir: dir }, (p) => projectLineage(p, 'silver.order_lines', 'sku', 'up'));
    assert.match(lineageTreeText(sku), /bronze\.orders\.items\.sku/);
    const down = await withProject({ projectDir: dir }, (p) => projectLineage(p, 'bronze.orders', undefined, 'down'));
    assert.ok(down.downstream?.some((n) => n.table === 'silver.order_lines'), lineageTreeText(down));
    assert.ok(down.downstream?.some((n) => n.table === 'silver.order_lines_quarantine'), lineageTreeText(down));
    const r = await cli(dir, 'lineage', 'silver.order_lines.order_id', '--direction', 'up');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bronze\.orders\.id/);
  });

  test('replay of a quarantined parent row brings its children, bad elements quarantined; a rerun changes nothing', async () => {
    assert.deepEqual(await projectQuery(dir, LINES), [['1', '1', 'a', '2'], ['1', '2', 'b', '1']]);
    assert.deepEqual(await projectQuery(dir, 'SELECT rule, "column" FROM silver.orders_quarantine'), [['range', 'order_id']]);
    await rewritePipelineYaml(dir, yaml());
    assert.match(await cliOk(dir, 'quarantine', 'replay', 'orders'), /replayed 1 rows of silver\.orders: 1 now pass/);
    assert.deepEqual(await projectQuery(dir, LINES), [['1', '1', 'a', '2'], ['1', '2', 'b', '1'], ['4', '2', 'e', '3']]);
    assert.deepEqual(await projectQuery(dir, 'SELECT count(*) FROM silver.orders_quarantine'), [['0']]);
    assert.deepEqual(await projectQuery(dir, 'SELECT rule, "column", reason FROM silver.order_lines_quarantine ORDER BY reason'), [
      ['range', 'qty', 'qty: 0 is below min 1'],
      ['type', 'qty', 'qty: cannot read "lots" as int'],
    ]);
    const digests = () => withProject({ projectDir: dir }, (p) => contentDigests(p, ['silver'], ['run_id', 'quarantined_at', '_batch_key']));
    const before = await digests();
    await cliOk(dir, 'run');
    assert.deepEqual(await digests(), before);
  });

  test("the child's quarantine is listed; its replay names the full refresh of the parent, which brings the fixed elements", async () => {
    assert.match(await cliOk(dir, 'quarantine', 'list'), /silver\.order_lines +range\(qty\) +1/);
    await rewritePipelineYaml(dir, yaml('', 0));
    const r = await cli(dir, 'quarantine', 'replay', 'order_lines');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /quarantine: silver\.order_lines holds list elements exploded by silver\.orders, which are read again only with their parent row; fix silt\.yaml and run `silt run --full-refresh silver\.orders`/);
    await cliOk(dir, 'run', '--full-refresh', 'silver.orders');
    assert.deepEqual(await projectQuery(dir, LINES), [['1', '1', 'a', '2'], ['1', '2', 'b', '1'], ['4', '1', 'd', '0'], ['4', '2', 'e', '3']]);
    assert.deepEqual(await projectQuery(dir, 'SELECT rule FROM silver.order_lines_quarantine'), [['type']]);
  });

  test("validate checks a child table's rows against its explode's expectations", async () => {
    const ok = await withProject({ projectDir: dir }, (p) => validateTable(p, 'silver.order_lines'));
    assert.equal(ok.declaredIn, 'silt.yaml silver.orders explode order_lines');
    assert.deepEqual(ok.rules.map((r) => [r.label, r.result, r.failing_rows]), [['range(qty)', 'pass', 0]]);
    await rewritePipelineYaml(dir, yaml('', 2).replace('min: 2, policy: drop', 'min: 2, policy: fail'));
    const bad = await withProject({ projectDir: dir }, (p) => validateTable(p, 'silver.order_lines'));
    assert.deepEqual(bad.rules.map((r) => [r.label, r.result, r.failing_rows, r.sample]), [['range(qty)', 'fail', 2, ['0', '1']]]);
    const r = await cli(dir, 'validate', 'silver.order_lines');
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.match(r.stderr, /validate: silver\.order_lines: range\(qty\) failed on 2 rows \(policy fail\); fix the rows or the rule in silt\.yaml silver\.orders explode order_lines/);
  });
});
