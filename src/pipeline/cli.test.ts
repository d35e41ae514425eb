/** The pipeline as a user drives it: `silt demo`, `runs`, `quarantine`, `landing`, and a replay after fixing a rule. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PROJECT_FILE } from '../config/index.js';
import { TRUTH_PATH, type DemoTruth } from '../demo/index.js';
import { assertNoStack, cli, cliOk, removeDir, tempDir } from '../testing/pipeline-project.js';

/** The numbers of the one row a `silt query … --format csv` prints. */
async function numbers(dir: string, sql: string): Promise<number[]> {
  const out = await cliOk(dir, 'query', sql, '--format', 'csv');
  const lines = out.trim().split('\n');
  assert.equal(lines.length, 2, `one row from ${sql}: ${out}`);
  return lines[1]!.split(',').map(Number);
}

describe('the pipeline from the command line', () => {
  let root: string;
  let dir: string;
  let demoOut: string;
  let truth: DemoTruth;

  before(async () => {
    root = await tempDir('pipeline-cli');
    dir = path.join(root, 'demo');
    demoOut = await cliOk(root, 'demo', '--dir', dir, '--rows', '1000', '--seed', '3');
    truth = JSON.parse(await fs.readFile(path.join(dir, TRUTH_PATH), 'utf8')) as DemoTruth;
  });
  after(async () => removeDir(root));

  test('silt demo generates, runs every step, reconciles and summarizes', () => {
    assert.match(demoOut, /generated \d+ raw files/);
    for (const s of ['ingest.orders', 'silver.orders', 'silver.payments', 'gold.daily_sales', 'gold.sensor_hourly_summary']) {
      assert.match(demoOut, new RegExp(`^${s.replace('.', '\\.')}\\s+succeeded\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d.]+\\s+yes\\s+\\+[\\d.]+$`, 'm'), `${s} in\n${demoOut}`);
    }
    assert.doesNotMatch(demoOut, /\b(NO|failed|not_run)\b/);
    assert.match(demoOut, new RegExp(`^silver\\.orders\\s+${truth.orders.cleanRecords.toLocaleString('en-US')}\\s`, 'm'), 'rows per table');
    assert.match(demoOut, /^silver\.orders_quarantine\s+range\(amount\)\s+\d+/m, 'quarantine by rule and column');
    assert.match(demoOut, /^revenue\s+[\d,.]+$/m, 'gold figures');
    assert.match(demoOut, /^explore: /m);
  });

  test('silt demo refuses to overwrite a project, and says how', async () => {
    const r = await cli(root, 'demo', '--dir', dir, '--rows', '10');
    assertNoStack(r, 'demo');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^silt: demo: .* holds a project already; pass --force/);
    const bad = await cli(root, 'demo', '--dir', path.join(root, 'other'), '--rows', 'lots');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^silt: demo: --rows must be a positive whole number, found "lots"/);
  });

  test('silt runs lists the run; silt runs show prints its steps and the rules rows broke', async () => {
    const list = await cliOk(dir, 'runs');
    const m = /^(\S+)\s+demo\s+succeeded\s/m.exec(list);
    assert.ok(m, `the demo run in\n${list}`);
    const show = await cliOk(dir, 'runs', 'show', m[1]!);
    assert.match(show, new RegExp(`^run ${m[1]}\\s+succeeded\\s+trigger=demo`, 'm'));
    assert.equal((show.match(/^(ingest|silver|gold)\.\S+\s+succeeded\s/gm) ?? []).length, 14, show);
    assert.match(show, new RegExp(`^  silver\\.orders: range\\(amount\\) \\[drop\\] ${truth.orders.outOfRangeAmounts} rows$`, 'm'), show);
    assert.match(show, new RegExp(`^  silver\\.sensor_readings: range\\(temperature\\) \\[drop\\] ${truth.sensors.outlierReadings} rows$`, 'm'), show);
  });

  test('silt quarantine list and show tell what was held, by which rule and why', async () => {
    const list = await cliOk(dir, 'quarantine', 'list');
    assert.match(list, new RegExp(`^silver\\.orders\\s+references\\(customer_id\\)\\s+${truth.orders.unknownCustomerRefs}\\s`, 'm'), list);
    assert.match(list, new RegExp(`^silver\\.payments\\s+references\\(order_id\\)\\s+${truth.payments.unknownOrderRefs}\\s`, 'm'), list);
    const json = await cliOk(dir, 'quarantine', 'show', 'orders', '--rule', 'range', '--format', 'json');
    const shown = json.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(shown.length, truth.orders.outOfRangeAmounts);
    for (const row of shown) {
      assert.equal(row['rule'], 'range');
      assert.match(String(row['reason']), /^amount: .* is (below min 0|above max 100000)$/);
      assert.match(String(row['_source_file']), /^landing\/orders\//);
      assert.doesNotMatch(String(row['original']), /@/, 'the e-mail is masked in the original values');
    }
    const table = await cliOk(dir, 'quarantine', 'show', 'silver.payments', '--limit', '3');
    assert.match(table, /run_id\s+rule\s+column\s+reason/);
  });

  test('silt landing shows every file done', async () => {
    const out = await cliOk(dir, 'landing');
    assert.match(out, new RegExp(`^landing: 0 pending, ${Object.values(truth).reduce((n, t) => n + (typeof t === 'object' && t && 'files' in t ? t.files : 0), 0)} done, 0 incomplete, 0 unclaimed$`, 'm'), out);
  });

  test('quarantine replay after widening a rule moves the rows that now pass into silver', async () => {
    const file = path.join(dir, PROJECT_FILE);
    const yaml = await fs.readFile(file, 'utf8');
    const rule = '{ rule: range, column: amount, min: 0, max: 100000, policy: drop }';
    assert.ok(yaml.includes(rule), 'the demo declares the amount range');
    await fs.writeFile(file, yaml.replace(rule, '{ rule: range, column: amount, min: 0, max: 10000000, policy: drop }'));

    const [silverBefore] = (await numbers(dir, 'SELECT count(*) FROM silver.orders')) as [number];
    const out = await cliOk(dir, 'quarantine', 'replay', 'orders', '--rule', 'range');
    const m = /^replayed (\d+) rows of silver\.orders: (\d+) now pass, (\d+) still quarantined, (\d+) superseded \(run (\S+)\)$/m.exec(out);
    assert.ok(m, out);
    const [replayed, pass, held] = [Number(m[1]), Number(m[2]), Number(m[3])];
    assert.equal(replayed, truth.orders.outOfRangeAmounts);
    assert.ok(pass > 0 && held > 0, `some pass (amounts of a million and more), some not (negative): ${out}`);
    assert.equal(pass + held + Number(m[4]), replayed);
    const counts = await numbers(
      dir,
      `SELECT (SELECT count(*) FROM silver.orders), (SELECT count(*) FROM silver.orders WHERE amount >= 1000000),
              (SELECT count(*) FROM silver.orders_quarantine WHERE rule = 'range'),
              (SELECT count(*) FROM silver.orders_quarantine WHERE rule = 'range' AND reason NOT LIKE '%below min 0'),
              (SELECT count(*) FROM silver.orders_quarantine)`,
    );
    assert.deepEqual(counts, [silverBefore + pass, pass, held, 0, truth.orders.rejectedRows - pass], 'silver, of them >= 1M, held by range, held not negative, all held');
    const runs = await cliOk(dir, 'runs');
    assert.match(runs, new RegExp(`^${m[5]}\\s+manual\\s+succeeded\\s`, 'm'), runs);

    // Replaying again changes nothing: the rows still held are still held, once.
    const again = await cliOk(dir, 'quarantine', 'replay', 'orders', '--rule', 'range');
    assert.match(again, new RegExp(`^replayed ${held} rows of silver\\.orders: 0 now pass, ${held} still quarantined`, 'm'), again);
    assert.deepEqual(await numbers(dir, 'SELECT count(*) FROM silver.orders_quarantine'), [truth.orders.rejectedRows - pass]);
  });
});
