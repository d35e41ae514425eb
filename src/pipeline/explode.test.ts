/** `explode:` a list column becomes a child silver table committed with its parent; lists of objects kept as JSON. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openProject, withProject } from '../project/index.js';
import {
  addLanding, assertNoStack, cli, cliOk, contentDigests, projectQuery, removeDir, rewritePipelineYaml, smallProject, snapshotOf, tempDir,
} from '../testing/pipeline-project.js';
import { assertSameRows } from '../testing/pyiceberg-compare.js';
import type { Model } from '../models/index.js';
import { silverSectionSchema } from '../transform/index.js';
import { buildGraph, runPipeline } from './run.js';

const yaml = (extra = '') => `
sources:
  orders: { path: orders/, format: ndjson }
silver:
  orders:
    source: bronze.orders
    key: order_id
    order_by: updated_at
    columns:
      order_id: { type: long }
      updated_at: { type: timestamp }
      items: { type: string }
      notes: { type: 'list<string>' }
    explode:
      - column: items
        into: order_lines
        position: line_no
        columns:
          sku: { type: string, required: true }
          qty: { type: int }
          price: { type: 'decimal(10,2)' }
        expectations:
          - { rule: range, column: qty, min: 1, policy: drop }${extra}
      - { column: codes, into: order_codes, columns: { code: { type: int, from: value } } }
`;

const line = (o: Record<string, unknown>) => JSON.stringify(o);
const FIRST = [
  line({ order_id: 1, updated_at: '2026-11-01 10:00:00', items: [{ sku: 'a', qty: '2', price: 1.5 }, { sku: 'b', qty: 'many', price: 2 }, { sku: 'c', qty: '1', price: 3 }], notes: [{ by: 'ann', text: 'hi' }] }),
  line({ order_id: 2, updated_at: '2026-11-01 10:00:00', items: [], notes: [], codes: ['7', 'x', '9'] }),
  line({ order_id: 'zz', updated_at: '2026-11-01 10:00:00', items: [{ sku: 'q', qty: '1', price: 1 }] }),
  line({ order_id: 4, updated_at: '2026-11-02 10:00:00', items: [{ sku: 'd', qty: '0', price: 1 }, { sku: 'e', qty: '3', price: 1 }] }),
].join('\n');
const SECOND = [
  line({ order_id: 1, updated_at: '2026-11-03 10:00:00', items: [{ sku: 'z', qty: '5', price: 9.99 }] }),
  line({ order_id: 4, updated_at: '2026-11-01 09:00:00', items: [{ sku: 'old', qty: '1', price: 1 }] }),
].join('\n');

const LINES = 'SELECT order_id, line_no, sku, qty, price FROM silver.order_lines ORDER BY order_id, line_no';

describe('explode a list column into a child silver table', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('explode');
    dir = await smallProject(path.join(root, 'p'), yaml(), { 'orders/a.ndjson': FIRST });
  });
  after(async () => removeDir(root));

  test('one child row per element of each kept parent, with key and position; bad elements quarantined with a reason', async () => {
    await cliOk(dir, 'run');
    assert.deepEqual(await projectQuery(dir, LINES), [
      ['1', '1', 'a', '2', '1.50'],
      ['1', '3', 'c', '1', '3.00'],
      ['4', '2', 'e', '3', '1.00'],
    ]);
    const held = await projectQuery(dir, 'SELECT rule, "column", reason, _source_line FROM silver.order_lines_quarantine ORDER BY reason');
    assert.deepEqual(held.map((r) => r.slice(0, 2)), [['range', 'qty'], ['type', 'qty']]);
    assert.match(held[0]![2]!, /qty: 0 is below min 1/);
    assert.match(held[1]![2]!, /qty: cannot read "many" as int/);
    // A list of scalars: each element is read as `value`.
    assert.deepEqual(await projectQuery(dir, 'SELECT order_id, position, code FROM silver.order_codes ORDER BY position'), [['2', '1', '7'], ['2', '3', '9']]);
    const [[original, reason]] = (await projectQuery(dir, 'SELECT original, reason FROM silver.order_codes_quarantine')) as [[string, string]];
    assert.equal(reason, 'code: cannot read "x" as int');
    assert.deepEqual([JSON.parse(original).order_id, JSON.parse(original).position], [2, 2]);
    // The parent whose key does not type is quarantined whole: none of its elements reach the child.
    assert.deepEqual(await projectQuery(dir, 'SELECT "column" FROM silver.orders_quarantine'), [['order_id']]);
  });

  test('a list of objects kept as a column is JSON text, as string or list<string>, never a printed struct', async () => {
    const [[items, notes]] = (await projectQuery(dir, 'SELECT items, notes FROM silver.orders WHERE order_id = 1')) as [[string, string]];
    assert.deepEqual(JSON.parse(items)[0], { sku: 'a', qty: '2', price: 1.5 });
    assert.deepEqual(JSON.parse(notes).map((n: string) => JSON.parse(n)), [{ by: 'ann', text: 'hi' }]);
  });

  test('a rerun changes nothing; a newer parent replaces all its children, an older one none', async () => {
    const before = await withProject({ projectDir: dir }, (p) => contentDigests(p, ['silver']));
    await cliOk(dir, 'run');
    assert.deepEqual(await withProject({ projectDir: dir }, (p) => contentDigests(p, ['silver'])), before);
    await addLanding(dir, { 'orders/b.ndjson': SECOND });
    await cliOk(dir, 'run');
    assert.deepEqual(await projectQuery(dir, LINES), [
      ['1', '1', 'z', '5', '9.99'],
      ['4', '2', 'e', '3', '1.00'],
    ]);
  });

  test('PyIceberg reads the child table row for row', async () => {
    assert.equal(await assertSameRows(dir, 'silver.order_lines'), 2);
  });

  test('plan refuses an explode of a missing or a non-list column, naming it', async () => {
    for (const [column, said] of [['itemz', /explode order_lines: column itemz: the source has no such column \(did you mean items\?\)/], ['updated_at', /explode order_lines: column updated_at: expected a list, found VARCHAR/]] as const) {
      await rewritePipelineYaml(dir, yaml().replace('column: items', `column: ${column}`));
      const r = await cli(dir, 'plan');
      assertNoStack(r, 'plan');
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, said);
    }
    await rewritePipelineYaml(dir, yaml().replace('sku: { type: string, required: true }', 'sku: { type: string, from: skew }'));
    const r = await cli(dir, 'plan');
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /silver\.order_lines: column sku reads items\.skew, which the source does not have/);
    await rewritePipelineYaml(dir, yaml());
    assert.match(await cliOk(dir, 'plan'), /silver\.order_lines\b/);
  });
});

describe('explode commits with its parent or not at all', () => {
  let root: string;

  before(async () => (root = await tempDir('explode-atomic')));
  after(async () => removeDir(root));

  test("a child's threshold exceeded fails the run and commits neither table; fixed, the rerun gives a clean run's tables", async () => {
    const dir = await smallProject(path.join(root, 'p'), yaml('\n        max_invalid_rows: 1'), { 'orders/a.ndjson': FIRST });
    const r = await cli(dir, 'run');
    assert.equal(r.code, 5, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /silver\.order_lines: 2 of 5 rows quarantined \(ratio 0\.4\) is past the table's max_invalid_rows 1; nothing was committed/);
    await withProject({ projectDir: dir }, async (p) => {
      assert.equal(await snapshotOf(p, 'silver.orders'), undefined);
      assert.equal(await snapshotOf(p, 'silver.order_lines'), undefined);
    });

    const clean = await smallProject(path.join(root, 'clean'), yaml(), { 'orders/a.ndjson': FIRST });
    await cliOk(clean, 'run');
    // A crash at the commit (the data files written, no pointer moved) is rerun to the same tables.
    await rewritePipelineYaml(dir, yaml());
    const project = await openProject({ projectDir: dir });
    try {
      const commit = project.catalog.commitTransaction.bind(project.catalog);
      let crashes = 0;
      project.catalog.commitTransaction = async (changes) => {
        if (changes.length === 6 && crashes++ === 0) throw new Error('crash at the commit');
        return commit(changes);
      };
      assert.equal((await runPipeline(project)).status, 'failed');
      assert.equal(await snapshotOf(project, 'silver.order_lines'), undefined);
      assert.equal((await runPipeline(project)).status, 'succeeded');
    } finally {
      await project.close();
    }
    const [ours, theirs] = await Promise.all([dir, clean].map((d) => withProject({ projectDir: d }, (p) => contentDigests(p, ['silver'], ['run_id', 'quarantined_at', '_batch_key', '_ingested_at', '_batch_id']))));
    assert.deepEqual(ours, theirs);
  });
});

test('a gold model reading the child table runs after the silver step that writes it', () => {
  const silver = silverSectionSchema.parse({
    orders: { source: 'bronze.orders', key: 'id', columns: { id: { type: 'long' } }, explode: { column: 'items', into: 'Order_Lines', columns: { sku: { type: 'string' } } } },
  });
  const model = { name: 'per_order', dependsOn: ['silver.order_lines'] } as unknown as Model;
  const nodes = buildGraph({ sources: { orders: {} }, silver, modelsDir: 'models' }, [model]);
  assert.deepEqual(nodes.find((n) => n.id === 'gold.per_order')?.dependsOn, ['silver.orders']);
});

test('explode is refused without a key, into a table another silver table writes, or with a child column named like the key', () => {
  const issues = (orders: Record<string, unknown>) =>
    silverSectionSchema.safeParse({ orders: { source: 'bronze.orders', columns: { id: { type: 'long' } }, ...orders }, order_lines: { source: 'bronze.x', columns: { a: { type: 'long' } } } })
      .error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  const explode = (e: Record<string, unknown>) => ({ column: 'items', into: 'lines', columns: { sku: { type: 'string' } }, ...e });
  assert.match(issues({ explode: explode({}) }).join('\n'), /orders\.explode\.0\.column: a key on the table/);
  assert.match(issues({ key: 'id', explode: explode({ into: 'order_lines' }) }).join('\n'), /orders\.explode\.0\.into: a table name no other silver table uses \(silver\.order_lines writes order_lines/);
  assert.match(issues({ key: 'id', explode: explode({ columns: { id: { type: 'string' } } }) }).join('\n'), /orders\.explode\.0\.columns\.id: a name other than the key column id/);
  assert.match(issues({ key: 'id', explode: explode({ columns: { sku: { type: 'strin' } } }) }).join('\n'), /orders\.explode\.0\.columns\.sku\.type/);
  assert.deepEqual(issues({ key: 'id', explode: explode({}) }), []);
});
