/** Reruns change nothing; a copied file adds nothing; a new batch is read alone and merged by key. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { landingStatus } from '../ingest/index.js';
import { openProject, type Project } from '../project/index.js';
import { pipelineConfig } from './config.js';
import { runPipeline } from './run.js';
import {
  addLanding, assertReconciled, contentDigests, count, demoProject, query, removeDir, settleLanding, snapshotOf, step, tempDir, withSession,
} from '../testing/pipeline-project.js';

const LAYERS = ['bronze', 'silver', 'gold'];
const ORDERS_HEADER = 'order_id,customer_id,order_ts,status,amount,currency,email,phone,updated_at';

describe('reruns and incremental runs of the demo pipeline', () => {
  let root: string;
  let dir: string;
  let project: Project;

  before(async () => {
    root = await tempDir('rerun');
    ({ dir } = await demoProject(path.join(root, 'demo'), { rows: 1500, seed: 5 }));
    project = await openProject({ projectDir: dir });
    const first = await runPipeline(project);
    assertReconciled(first.steps);
  });
  after(async () => {
    await project?.close();
    await removeDir(root);
  });

  const snapshots = async (layers: readonly string[]) => {
    const out: Record<string, string | undefined> = {};
    for (const t of await project.catalog.listTables()) {
      if (layers.includes(t.namespace)) out[`${t.namespace}.${t.name}`] = await snapshotOf(project, `${t.namespace}.${t.name}`);
    }
    return out;
  };

  test('a second run with nothing new reads nothing, commits nothing to bronze or silver, and leaves every table as it was', async () => {
    const before = await contentDigests(project, LAYERS);
    const snaps = await snapshots(['bronze', 'silver']);
    const again = await runPipeline(project);
    assertReconciled(again.steps);
    for (const s of again.steps.filter((x) => x.kind !== 'gold')) assert.equal(s.rowsIn, 0, `${s.id} reads nothing new`);
    assert.deepEqual(await snapshots(['bronze', 'silver']), snaps, 'no new bronze or silver snapshot');
    assert.deepEqual(await contentDigests(project, LAYERS), before, 'every table holds the same rows');
  });

  test('the same landing file under another name is recognised by its content and adds nothing', async () => {
    const folder = path.join(dir, 'lake', 'landing', 'orders');
    const [first] = (await fs.readdir(folder)).sort();
    await fs.copyFile(path.join(folder, first!), path.join(folder, 'orders_copy_of_first.csv'));
    await settleLanding(dir);
    const pending = (await landingStatus(project.catalog, pipelineConfig(project.config).sources)).filter((e) => e.status !== 'done');
    assert.deepEqual(pending, [], 'the copy counts as done before any run');
    const bronze = await snapshotOf(project, 'bronze.orders');
    const rows = await withSession(project, (sql) => count(sql, 'bronze.orders'));
    const run = await runPipeline(project, { select: ['ingest.orders+'] });
    assertReconciled(run.steps);
    assert.equal(step(run.steps, 'ingest.orders').rowsIn, 0);
    assert.equal(step(run.steps, 'silver.orders').rowsIn, 0);
    assert.equal(await snapshotOf(project, 'bronze.orders'), bronze);
    assert.equal(await withSession(project, (sql) => count(sql, 'bronze.orders')), rows);
  });

  test('a new batch: silver reads only its rows, new orders land, a later version wins, an older one does not, a bad row is held', async () => {
    const [[maxId], updated, stale] = await withSession(project, async (sql) => [
      (await query(sql, 'SELECT max(CAST(order_id AS BIGINT)) FROM bronze.orders'))[0]!,
      (await query(sql, "SELECT order_id, customer_id, amount FROM silver.orders WHERE status = 'delivered' ORDER BY order_id LIMIT 1"))[0]!,
      (await query(sql, "SELECT order_id, customer_id, status, amount, CAST(updated_at AS VARCHAR) FROM silver.orders WHERE status = 'shipped' ORDER BY order_id LIMIT 1"))[0]!,
    ]);
    assert.ok(maxId && updated && stale);
    const next = Number(maxId);
    const [uid, ucust, uamount] = updated;
    const [sid, scust] = stale;
    const silverBefore = await withSession(project, (sql) => count(sql, 'silver.orders'));
    const heldBefore = await withSession(project, (sql) => count(sql, 'silver.orders_quarantine'));
    const lines = [
      ORDERS_HEADER,
      `${next + 1},${ucust},2026-07-02 10:00:00,placed,10.50,EUR,new1@example.test,+31 20 000 0001,2026-07-02 10:00:00`,
      `${next + 2},${ucust},07/02/2026 11:30,Shipped ,20.00,EUR,new2@example.test,,2026-07-02 11:30:00`,
      `${next + 3},${scust},2026-07-03 09:00:00,placed,30.25,USD,null,N/A,2026-07-03 09:00:00`,
      // A later version of a delivered order: it was returned.
      `${uid},${ucust},2026-06-01 12:00:00,returned,${uamount},EUR,late@example.test,,2026-07-05 08:00:00`,
      // An older version of a shipped order arriving late: the current row is newer and stays.
      `${sid},${scust},2026-04-01 12:00:00,cancelled,1.00,EUR,old@example.test,,2020-01-01 00:00:00`,
      `${next + 4},${ucust},2026-07-03 10:00:00,bogus,5.00,EUR,bad@example.test,,2026-07-03 10:00:00`,
    ];
    await addLanding(dir, { 'orders/orders_9001.csv': lines.join('\n') + '\n' });

    const run = await runPipeline(project);
    assertReconciled(run.steps);
    assert.equal(step(run.steps, 'ingest.orders').rowsIn, 6);
    const silver = step(run.steps, 'silver.orders');
    assert.deepEqual(
      [silver.rowsIn, silver.rowsWritten, silver.rowsQuarantined, silver.rowsDeduplicated],
      [6, 4, 1, 1],
      'six new rows: three new orders and one update written, one stale version dropped, one held',
    );
    assert.equal((silver.details as { newFiles?: number }).newFiles, 1, 'silver read only the new bronze file');
    for (const id of ['silver.customers', 'silver.payments', 'silver.sensor_readings', 'silver.web_events']) assert.equal(step(run.steps, id).rowsIn, 0, id);

    await withSession(project, async (sql) => {
      assert.equal(await count(sql, 'silver.orders'), silverBefore + 3);
      assert.equal(await count(sql, 'silver.orders_quarantine'), heldBefore + 1, 'earlier quarantine rows stay');
      assert.deepEqual(await query(sql, `SELECT status, CAST(updated_at AS VARCHAR) FROM silver.orders WHERE order_id = ${uid}`), [['returned', '2026-07-05 08:00:00']]);
      assert.deepEqual(await query(sql, `SELECT status, CAST(updated_at AS VARCHAR) FROM silver.orders WHERE order_id = ${sid}`), [[stale[2]!, stale[4]!]]);
      assert.deepEqual(
        await query(sql, `SELECT order_id, status, CAST(order_ts AS VARCHAR), email IS NULL, phone IS NULL FROM silver.orders WHERE order_id > ${next} ORDER BY 1`),
        [
          [String(next + 1), 'placed', '2026-07-02 10:00:00', 'false', 'false'],
          [String(next + 2), 'shipped', '2026-07-02 11:30:00', 'false', 'true'],
          [String(next + 3), 'placed', '2026-07-03 09:00:00', 'true', 'true'],
        ],
      );
      assert.deepEqual(await query(sql, `SELECT rule, "column" FROM silver.orders_quarantine WHERE _source_file LIKE '%orders_9001.csv'`), [['allowed_values', 'status']]);
      // Gold follows: the returned order and the new days are there.
      assert.equal(await count(sql, 'gold.orders_by_status', "order_date = DATE '2026-07-02'"), 2);
      const [[total]] = (await query(sql, 'SELECT sum(orders) FROM gold.orders_by_status')) as [[string]];
      assert.equal(Number(total), silverBefore + 3);
    });
  });
});
