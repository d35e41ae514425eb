import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runPipeline } from '../../pipeline/index.js';
import { addLanding, rewritePipelineYaml } from '../../testing/pipeline-project.js';
import { ordersYaml } from '../../testing/orders-yaml.js';
import { call, ownerApp, withApi } from '../../testing/index.js';
import { OWNER } from '../../engine/index.js';
import { openProject } from '../../project/index.js';

const YAML = ordersYaml('    expectations:\n      - { rule: range, column: amount, min: 0, policy: drop }\n');
const LANDING = { 'orders/a.csv': 'id,amount\n1,2\n2,-1\n3,x\n4,-5\n5,1,extra\n' };

test('expectation results per run over time, and quarantine browsing with reasons, by rule, by reason and paged', async () => {
  await withApi({ yaml: YAML, landing: LANDING }, async (app, project, dir) => {
    await runPipeline(project, { trigger: 'manual' });
    await addLanding(dir, { 'orders/b.csv': 'id,amount\n6,-2\n7,3\n' });
    await runPipeline(project, { trigger: 'manual' });

    const all = await call(app, 'GET', '/v1/quality/expectations?table=silver.orders');
    assert.equal(all.status, 200);
    const range = all.body.results.filter((r: any) => r.rule === 'range');
    assert.deepEqual(range.map((r: any) => r.failing_rows), [1, 2], 'newest run first: one bad amount, then two');
    assert.equal(range[0].column, 'amount');
    assert.equal(range[0].policy, 'drop');
    assert.equal(range[0].table, 'silver.orders');
    assert.ok(range[0].run_started_at >= range[1].run_started_at);
    assert.deepEqual((await call(app, 'GET', '/v1/quality/expectations?table=silver.nope')).body.results, []);

    const q = await call(app, 'GET', '/v1/quarantine/silver/orders?limit=10');
    assert.equal(q.status, 200, JSON.stringify(q.body));
    assert.equal(q.body.table, 'silver.orders');
    assert.equal(q.body.total, 4, 'three below the range, one not a number');
    const col = (name: string) => q.body.columns.findIndex((c: any) => c.name === name);
    assert.deepEqual(q.body.rows.map((r: any) => [r[col('_source_line')], r[col('rule')]]).map(String).sort(), ['3,range', '4,type', '5,range', '2,range'].sort());
    assert.ok(q.body.rows.every((r: any) => typeof r[col('reason')] === 'string' && r[col('reason')].length > 0), 'each row says why');
    const typeOnly = await call(app, 'GET', '/v1/quarantine/silver/orders?rule=type(amount)');
    assert.equal(typeOnly.body.total, 1);
    const byReason = await call(app, 'GET', `/v1/quarantine/silver/orders?reason=${encodeURIComponent(q.body.rows[0][col('reason')].slice(0, 8).toUpperCase())}`);
    assert.ok(byReason.body.total >= 1 && byReason.body.total <= 4);
    const paged = await call(app, 'GET', '/v1/quarantine/silver/orders?limit=2&offset=2');
    assert.deepEqual(paged.body.rows, q.body.rows.slice(2, 4));

    const rejects = await call(app, 'GET', '/v1/quarantine/bronze/orders');
    assert.equal(rejects.body.kind, 'bronze');
    assert.equal(rejects.body.total, 1);
    assert.match(String(rejects.body.rows[0][3]), /expected 2 columns, found 3/);

  });
});

test('replay runs held rows through the fixed contract; unknown tables are 404s and bad requests 400s', async () => {
  await withApi({ yaml: YAML, landing: LANDING }, async (app, project, dir) => {
    await runPipeline(project, { trigger: 'manual' });
    for (const url of ['/v1/quarantine/silver/nope', '/v1/quarantine/gold/orders']) {
      const r = await call(app, 'GET', url);
      assert.equal(r.status, 404, url);
      assert.match(r.body.error.message, /no table .* sets rows aside; name one of: silver\.orders, bronze\.orders/);
    }
    assert.equal((await call(app, 'POST', '/v1/quarantine/silver/nope/replay')).status, 404);
    const bronze = await call(app, 'POST', '/v1/quarantine/bronze/orders/replay');
    assert.equal(bronze.status, 400);
    assert.match(bronze.body.error.message, /no contract can replay/);
    const badBody = await call(app, 'POST', '/v1/quarantine/silver/orders/replay', { rule: 5 });
    assert.equal(badBody.status, 400);
    assert.equal(badBody.body.error.details.field, 'rule');
    const badLimit = await call(app, 'GET', '/v1/quarantine/silver/orders?limit=-1');
    assert.equal(badLimit.status, 400);
    assert.equal(badLimit.body.error.details.field, 'limit');

    // The contract is fixed in silt.yaml; a server that opens the project again replays with it.
    await rewritePipelineYaml(dir, ordersYaml('    expectations:\n      - { rule: range, column: amount, min: -10, policy: drop }\n'));
    const fixed = await openProject({ projectDir: dir });
    try {
      const app2 = ownerApp({ project: fixed, principalOf: () => OWNER });
      const r = await call(app2, 'POST', '/v1/quarantine/silver/orders/replay', { rule: 'range(amount)' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.rows_in, r.body.rows_written, r.body.rows_quarantined], [2, 2, 0]);
      const left = await call(app2, 'GET', '/v1/quarantine/silver/orders');
      assert.equal(left.body.total, 1, 'only the row whose amount is not a number is still held');
      const sample = await call(app2, 'POST', '/v1/queries', { sql: 'SELECT id FROM silver.orders ORDER BY id', wait_ms: 30_000 });
      const rows = await call(app2, 'GET', `/v1/queries/${sample.body.id}/results`);
      assert.deepEqual(rows.body.rows.map((r: any) => String(r[0])), ['1', '2', '4']);
    } finally {
      await fixed.close();
    }
  });
});

test('the landing zone: each file with its source, status and what became of it', async () => {
  await withApi({ yaml: YAML, landing: LANDING }, async (app, project, dir) => {
    const before = await call(app, 'GET', '/v1/landing');
    assert.equal(before.status, 200);
    assert.deepEqual(before.body.files.map((f: any) => [f.source, f.path, f.status]), [['orders', 'landing/orders/a.csv', 'pending']]);
    await runPipeline(project, { trigger: 'manual' });
    await addLanding(dir, { 'stray/x.csv': 'a\n1\n' });
    const after = await call(app, 'GET', '/v1/landing');
    assert.deepEqual(after.body.counts, { pending: 0, requested: 0, done: 1, archived: 0, incomplete: 0, unclaimed: 1, skipped: 0, ignored: 0 });
    const done = after.body.files.find((f: any) => f.status === 'done');
    assert.match(done.detail, /rows/);
    const unclaimed = await call(app, 'GET', '/v1/landing?status=unclaimed');
    assert.deepEqual(unclaimed.body.files.map((f: any) => [f.source, f.path]), [[null, 'landing/stray/x.csv']]);
    const bad = await call(app, 'GET', '/v1/landing?status=gone');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.field, 'status');
  });
});
