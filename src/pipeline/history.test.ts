/**
 * Type-2 history in silver: versions by key and order_by with valid_from, valid_to, is_current;
 * late and out-of-order versions land between the right ones; reruns change nothing; PyIceberg
 * reads the table.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EnvironmentFault } from '../errors.js';
import { lakehouseLineage } from '../lineage/index.js';
import { withProject, type Project } from '../project/index.js';
import { parseContract } from '../transform/contract-parse.js';
import { planLakehouse } from './plan.js';
import { runPipeline } from './run.js';
import { diffParquet } from '../testing/parquet-diff.js';
import { pyicebergRead } from '../testing/pyiceberg.js';
import {
  addLanding, assertReconciled, cliOk, query, removeDir, rewritePipelineYaml, smallProject, snapshotOf, step, tempDir, withSession,
} from '../testing/pipeline-project.js';

const yaml = (history: string) => `
sources:
  customers: { path: customers/, format: csv }
silver:
  customers:
    source: bronze.customers
    key: customer_id
    order_by: updated_at
    ${history}
    columns:
      customer_id: { type: long }
      name: { type: string, trim: true }
      updated_at: { type: timestamp }
`;

const HEADER = 'customer_id,name,updated_at';
const csv = (rows: string[]): string => [HEADER, ...rows, ''].join('\n');
/** First batch: two versions of 1 (out of order in the file), a version of 2 twice, a row without its order_by. */
const FIRST = csv(['1,Cy,2026-03-01 00:00:00', '1,Ann,2026-01-01 00:00:00', '2,Xu,2026-01-05 00:00:00', '2,Xu,2026-01-05 00:00:00', '3,Zed,']);
/** Second batch: a late version of 1 between the two it has, its March version corrected, an older version of 2, a bad timestamp. */
const SECOND = csv(['1,Bo,2026-02-01 00:00:00', '1,Cyd,2026-03-01 00:00:00', '2,Wu,2025-12-01 00:00:00', '4,Q,not a time']);

const HISTORY_SQL =
  'SELECT customer_id, name, CAST(valid_from AS VARCHAR), CAST(valid_to AS VARCHAR), is_current FROM silver.customers ORDER BY customer_id, valid_from';

/** The expected history computed from the raw rows: per key, the last row landed for each order_by value, intervals between them. */
function historyOf(batches: string[][]): string[][] {
  const versions = new Map<string, Map<string, string>>();
  for (const rows of batches) {
    for (const r of rows) {
      const [id, name, at] = r.split(',') as [string, string, string];
      if (!/^\d{4}-/.test(at ?? '')) continue;
      if (!versions.has(id)) versions.set(id, new Map());
      versions.get(id)!.set(at, name);
    }
  }
  const out: string[][] = [];
  for (const id of [...versions.keys()].sort()) {
    const byTime = [...versions.get(id)!.entries()].sort(([a], [b]) => a.localeCompare(b));
    byTime.forEach(([at, name], i) => {
      const next = byTime[i + 1]?.[0];
      out.push([id, name, at, next ?? 'null', String(next === undefined)]);
    });
  }
  return out;
}

const rowsOf = async (p: Project): Promise<string[][]> =>
  (await withSession(p, (sql) => query(sql, HISTORY_SQL))).map((r) => r.map((v) => v ?? 'null'));

describe('silver keeping type-2 history', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('history');
    dir = await smallProject(path.join(root, 'p'), yaml('history: true'), { 'customers/a.csv': FIRST });
  });
  after(async () => removeDir(root));

  test('a first batch keeps one row per version, duplicates collapsed, a row without its order_by held', async () => {
    await withProject({ projectDir: dir }, async (p) => {
      const run = await runPipeline(p);
      assertReconciled(run.steps);
      const s = step(run.steps, 'silver.customers');
      assert.equal(s.status, 'succeeded', s.error);
      assert.deepEqual([s.rowsIn, s.rowsWritten, s.rowsQuarantined, s.rowsDeduplicated], [5, 3, 1, 1]);
      assert.deepEqual(await rowsOf(p), historyOf([FIRST.split('\n').slice(1, -1)]));
      const held = await withSession(p, (sql) => query(sql, 'SELECT "column", reason FROM silver.customers_quarantine'));
      assert.deepEqual(held, [['updated_at', 'updated_at: order_by (history) value is missing']]);
    });
  });

  test('a later batch of late and out-of-order versions lands between the right ones, closing the right intervals, in one commit', async () => {
    await addLanding(dir, { 'customers/b.csv': SECOND });
    await withProject({ projectDir: dir }, async (p) => {
      const before = (await p.catalog.loadTable('silver', 'customers')).metadata.snapshots.length;
      const run = await runPipeline(p);
      assertReconciled(run.steps);
      const s = step(run.steps, 'silver.customers');
      assert.equal(s.status, 'succeeded', s.error);
      assert.deepEqual([s.rowsIn, s.rowsWritten, s.rowsQuarantined], [4, 3, 1]);
      assert.equal((await p.catalog.loadTable('silver', 'customers')).metadata.snapshots.length, before + 1, 'one silver commit for the run');
      const expected = historyOf([FIRST.split('\n').slice(1, -1), SECOND.split('\n').slice(1, -1)]);
      assert.deepEqual(await rowsOf(p), expected);
      // The documented outcome, spelled out once: 1 has Ann → Bo → Cyd, 2 has Wu → Xu.
      assert.deepEqual(expected.map((r) => `${r[0]}:${r[1]}:${r[4]}`), ['1:Ann:false', '1:Bo:false', '1:Cyd:true', '2:Wu:false', '2:Xu:true']);
    });
  });

  test('a rerun with nothing new, and a batch read again after a rollback (as after a crash), give the same table', async () => {
    await withProject({ projectDir: dir }, async (p) => {
      const expected = await rowsOf(p);
      const again = await runPipeline(p);
      assert.equal(step(again.steps, 'silver.customers').rowsIn, 0);
      assert.deepEqual(await rowsOf(p), expected);
      const silver = await p.catalog.loadTable('silver', 'customers');
      const first = silver.metadata.snapshots.find((s) => s.summary['silt.source-snapshot'] !== undefined);
      await silver.rollback(first!['snapshot-id']);
      const quarantine = await withSession(p, (sql) => query(sql, 'SELECT count(*) FROM silver.customers_quarantine'));
      const replay = await runPipeline(p);
      assertReconciled(replay.steps);
      assert.equal(step(replay.steps, 'silver.customers').rowsIn, 4, 'the second batch is read again');
      assert.deepEqual(await rowsOf(p), expected);
      assert.deepEqual(await withSession(p, (sql) => query(sql, 'SELECT count(*) FROM silver.customers_quarantine')), quarantine, 'no quarantine copies');
    });
  });

  test('both batches in one run give the same history as two runs', async () => {
    const one = await smallProject(path.join(root, 'one'), yaml('history: true'), { 'customers/a.csv': FIRST, 'customers/b.csv': SECOND });
    const [a, b] = await Promise.all([
      withProject({ projectDir: one }, async (p) => (assertReconciled((await runPipeline(p)).steps), rowsOf(p))),
      withProject({ projectDir: dir }, rowsOf),
    ]);
    assert.deepEqual(a, b);
  });

  test("lineage takes the interval columns from the key's order_by column", async () => {
    await withProject({ projectDir: dir }, async (p) => {
      const engine = await p.openEngine();
      try {
        const l = await lakehouseLineage(p, engine);
        const silver = l.tables.find((t) => t.table === 'silver.customers')!;
        for (const c of ['valid_from', 'valid_to', 'is_current']) {
          assert.deepEqual(silver.columns?.find((x) => x.name === c)?.inputs, [{ table: 'bronze.customers', column: 'updated_at' }], c);
        }
        assert.deepEqual(silver.warnings, []);
      } finally {
        engine.close();
      }
    });
  });

  test('PyIceberg reads the history table row for row', async () => {
    const py = path.join(root, 'py.parquet');
    const ours = path.join(root, 'ours.parquet');
    const info = await pyicebergRead(dir, 'silver.customers', py);
    await cliOk(dir, 'query', 'SELECT * FROM silver.customers', '--format', 'parquet', '--output', ours);
    assert.equal(info.rows, 5);
    assert.ok(['valid_from', 'valid_to', 'is_current'].every((c) => info.columns.includes(c)), info.columns.join(', '));
    const d = await diffParquet(py, ours);
    assert.equal(d.onlyInA + d.onlyInB, 0, d.sample.join('\n'));
  });

  test('a run stopped inside the silver step commits nothing there; the next run lands its batch as if nothing had happened', async () => {
    const third = ['1,Di,2026-01-15 00:00:00', '2,Xu,2026-01-05 00:00:00', '5,Ed,2026-04-01 00:00:00'];
    await addLanding(dir, { 'customers/c.csv': csv(third) });
    await withProject({ projectDir: dir }, async (p) => {
      const before = await snapshotOf(p, 'silver.customers');
      const stop = new AbortController();
      const stopped = await runPipeline(p, {
        signal: stop.signal,
        // The step's first progress line comes from inside it: its engine is halted at its next statement.
        onProgress: (m) => void (m.startsWith('silver.customers') && !stop.signal.aborted && stop.abort(new EnvironmentFault('run: stopped by the test'))),
      });
      assert.equal(step(stopped.steps, 'silver.customers').status, 'failed');
      assert.equal(await snapshotOf(p, 'silver.customers'), before, 'nothing committed to silver');
      assertReconciled((await runPipeline(p)).steps);
      assert.deepEqual(await rowsOf(p), historyOf([FIRST, SECOND, csv(third)].map((f) => f.split('\n').slice(1, -1))));
    });
  });
});

describe('switching history on and off', () => {
  let root: string;
  let dir: string;

  before(async () => {
    root = await tempDir('history-switch');
    dir = await smallProject(path.join(root, 'p'), yaml(''), { 'customers/a.csv': FIRST });
    await withProject({ projectDir: dir }, async (p) => assertReconciled((await runPipeline(p)).steps));
  });
  after(async () => removeDir(root));

  test('switched on: plan shows it, a run refuses until apply converts the table in place, then versions accumulate', async () => {
    await rewritePipelineYaml(dir, yaml('history: true'));
    await withProject({ projectDir: dir }, async (p) => {
      const plan = await planLakehouse(p);
      assert.ok(plan.some((i) => i.action === '~' && i.table === 'silver.customers' && /history off → on/.test(i.detail)), JSON.stringify(plan));
      const refused = await runPipeline(p, { select: ['silver.customers'] });
      const s = step(refused.steps, 'silver.customers');
      assert.equal(s.status, 'failed');
      assert.equal(s.errorKind, 'invalid_input');
      assert.match(s.error ?? '', /silver\.customers: silt\.yaml switches history on; `silt apply` converts the table in place/);
      await planLakehouse(p, { apply: true });
      assert.deepEqual(await rowsOf(p), [
        ['1', 'Cy', '2026-03-01 00:00:00', 'null', 'true'],
        ['2', 'Xu', '2026-01-05 00:00:00', 'null', 'true'],
        ['3', 'Zed', 'null', 'null', 'true'], // latest-wins kept it without an updated_at: a version from no time
      ]);
    });
    await addLanding(dir, { 'customers/b.csv': SECOND });
    await withProject({ projectDir: dir }, async (p) => {
      assertReconciled((await runPipeline(p)).steps);
      const rows = await rowsOf(p);
      assert.deepEqual(rows.map((r) => `${r[0]}:${r[1]}:${r[3]}:${r[4]}`), [
        '1:Bo:2026-03-01 00:00:00:false', '1:Cyd:null:true', '2:Wu:2026-01-05 00:00:00:false', '2:Xu:null:true', '3:Zed:null:true',
      ]);
    });
  });

  test('switched off: plan refuses it in place and names the full refresh, which rebuilds the table latest-wins', async () => {
    await rewritePipelineYaml(dir, yaml(''));
    await withProject({ projectDir: dir }, async (p) => {
      const plan = await planLakehouse(p);
      const blocked = plan.find((i) => i.action === '!');
      assert.equal(blocked?.table, 'silver.customers');
      assert.match(blocked!.detail, /history on → off cannot be done in place .*`silt run --full-refresh silver\.customers`/);
      const refused = step((await runPipeline(p)).steps, 'silver.customers');
      assert.equal(refused.status, 'failed');
      const before = await snapshotOf(p, 'silver.customers');
      const run = await runPipeline(p, { fullRefresh: ['silver.customers'] });
      assertReconciled(run.steps);
      assert.equal(step(run.steps, 'silver.customers').status, 'succeeded', step(run.steps, 'silver.customers').error);
      const rows = await withSession(p, (sql) => query(sql, 'SELECT * EXCLUDE (_ingested_at, _source_file, _source_line, _batch_id) FROM silver.customers ORDER BY 1'));
      assert.deepEqual(rows, [['1', 'Cyd', '2026-03-01 00:00:00'], ['2', 'Xu', '2026-01-05 00:00:00'], ['3', 'Zed', null]]);
      const table = await p.catalog.loadTable('silver', 'customers');
      assert.ok(table.metadata.snapshots.some((s) => s['snapshot-id'].toString() === before), 'the snapshots before the refresh stay for time travel');
      assert.deepEqual((await planLakehouse(p)).filter((i) => i.action === '!'), []);
    });
  });
});

test('a contract keeping history needs a key and an order_by, takes no unique rule and no column named like a history column', () => {
  const columns = { id: { type: 'long' }, at: { type: 'timestamp' } };
  const base = { source: 'bronze.c', history: true, key: 'id', order_by: 'at', columns };
  for (const [contract, why] of [
    [{ ...base, key: undefined }, /silver\.c\.history: expected a key to keep history by/],
    [{ ...base, order_by: undefined }, /silver\.c\.history: expected an order_by column/],
    [{ ...base, columns: { ...columns, is_current: { type: 'boolean' } } }, /no column named is_current: a table keeping history adds valid_from, valid_to, is_current itself/],
  ] as const) {
    assert.throws(() => parseContract('c', contract), why);
  }
  assert.throws(
    () => parseContract('c', { ...base, expectations: [{ rule: 'unique', column: 'id' }] }),
    /no unique rule on a table keeping history/,
  );
});
