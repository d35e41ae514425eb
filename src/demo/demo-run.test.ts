import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { StepRecord } from '../catalog/index.js';
import { Engine, quoteIdent, quoteLiteral } from '../engine/index.js';
import { runPipeline, type RunResult } from '../pipeline/index.js';
import {
  assertReconciled, count, demoProject, query, removeDir, step, tempDir, withSession,
} from '../testing/pipeline-project.js';
import { openProject, type Project } from '../project/index.js';
import { currentSchema } from '../table/index.js';
import { TRUTH_PATH } from './generate.js';
import { demoSummary } from './summary.js';
import type { DemoTruth, SourceTruth } from './truth.js';

/** Silver table → the source it is built from (and the truth's name for it). */
const SILVER: Record<string, { source: string; truth: keyof Omit<DemoTruth, 'version' | 'seed' | 'rows' | 'window'> }> = {
  customers: { source: 'customers', truth: 'customers' },
  orders: { source: 'orders', truth: 'orders' },
  payments: { source: 'payments', truth: 'payments' },
  sensor_readings: { source: 'sensors', truth: 'sensors' },
  web_events: { source: 'web_events', truth: 'webEvents' },
};

describe('silt demo: the whole pipeline over generated data, checked against what the generator injected', () => {
  let root: string;
  let dir: string;
  let truth: DemoTruth;
  let project: Project;
  let result: RunResult;

  before(async () => {
    root = await tempDir('demo-run');
    ({ dir, truth } = await demoProject(path.join(root, 'demo'), { rows: 2000, seed: 20260402 }));
    project = await openProject({ projectDir: dir });
    result = await runPipeline(project, { trigger: 'demo' });
  });
  after(async () => {
    await project?.close();
    await removeDir(root);
  });

  test("the generator's truth is kept with the project's state, not in its store", async () => {
    assert.deepEqual(JSON.parse(await readFile(path.join(dir, TRUTH_PATH), 'utf8')), truth);
    assert.deepEqual(await project.store.list('.silt/'), []);
  });

  test('every step succeeds and reconciles, and the run log records the same counts', async () => {
    assert.equal(result.status, 'succeeded');
    assert.deepEqual(
      result.steps.map((s) => s.id).sort(),
      [
        ...Object.values(SILVER).map((s) => `ingest.${s.source}`),
        ...Object.keys(SILVER).map((s) => `silver.${s}`),
        'gold.customer_lifetime_value', 'gold.daily_sales', 'gold.orders_by_status', 'gold.sensor_hourly_summary',
      ].sort(),
    );
    assertReconciled(result.steps);
    const logged = await project.catalog.runLog.run(result.runId);
    assert.ok(logged, 'the run is in the run log');
    assert.equal(logged.run.status, 'succeeded');
    assert.equal(logged.run.trigger, 'demo');
    for (const s of result.steps) {
      const l: StepRecord | undefined = logged.steps.find((x) => x.step === s.id);
      assert.ok(l, `${s.id} is logged`);
      assert.deepEqual(
        [l.status, l.rowsIn, l.rowsWritten, l.rowsQuarantined, l.rowsDeduplicated],
        [s.status, s.rowsIn, s.rowsWritten, s.rowsQuarantined, s.rowsDeduplicated],
        s.id,
      );
    }
  });

  test('bronze takes every line of every source; the malformed ones, and only those, go to rejects with a reason', async () => {
    await withSession(project, async (sql) => {
      for (const { source, truth: key } of Object.values(SILVER)) {
        const t: SourceTruth = truth[key];
        const s = step(result.steps, `ingest.${source}`);
        assert.deepEqual([s.rowsIn, s.rowsWritten, s.rowsQuarantined], [t.lines, t.lines - t.malformedLines, t.malformedLines], `ingest.${source}`);
        assert.equal(await count(sql, `bronze.${source}`), t.lines - t.malformedLines, `bronze.${source}`);
        assert.equal(await count(sql, `bronze.${source}_rejects`), t.malformedLines, `bronze.${source}_rejects`);
        assert.equal(await count(sql, `bronze.${source}_rejects`, `error IS NULL OR trim(error) = '' OR raw IS NULL OR line IS NULL`), 0);
      }
    });
  });

  test('silver keeps exactly the clean records; quarantine holds the rejected rows; dedup removes superseded and duplicate lines', async () => {
    await withSession(project, async (sql) => {
      for (const [name, { truth: key }] of Object.entries(SILVER)) {
        const t: SourceTruth = truth[key];
        // lines = clean + superseded + duplicates + malformed + rejected, so each part has one place.
        assert.equal(t.lines, t.cleanRecords + t.supersededVersions + t.duplicateLines + t.malformedLines + t.rejectedRows);
        const s = step(result.steps, `silver.${name}`);
        assert.deepEqual(
          { in: s.rowsIn, written: s.rowsWritten, quarantined: s.rowsQuarantined, deduplicated: s.rowsDeduplicated },
          {
            in: t.lines - t.malformedLines,
            written: t.cleanRecords,
            quarantined: t.rejectedRows,
            deduplicated: t.supersededVersions + t.duplicateLines,
          },
          `silver.${name}`,
        );
        assert.equal(await count(sql, `silver.${name}`), t.cleanRecords, `rows in silver.${name}`);
        assert.equal(await count(sql, `silver.${name}_quarantine`), t.rejectedRows, `rows in silver.${name}_quarantine`);
        assert.equal(await count(sql, `silver.${name}_quarantine`, `rule IS NULL OR reason IS NULL OR trim(reason) = '' OR original IS NULL`), 0);
      }
    });
  });

  test('the quarantine holds each kind of defect under the rule for it', async () => {
    const byColumn = (name: string) =>
      withSession(project, async (sql) =>
        Object.fromEntries((await query(sql, `SELECT "column", count(*) FROM silver.${name}_quarantine GROUP BY 1`)).map((r) => [r[0] ?? '', Number(r[1])])),
      );
    const o = truth.orders;
    assert.deepEqual(await byColumn('orders'), {
      order_ts: o.malformedDates,
      status: o.invalidStatuses,
      amount: o.nullAmounts + o.outOfRangeAmounts,
      customer_id: o.unknownCustomerRefs,
    });
    const p = truth.payments;
    assert.deepEqual(await byColumn('payments'), { method: p.invalidMethods, amount: p.nullAmounts, order_id: p.unknownOrderRefs });
    assert.deepEqual(await byColumn('sensor_readings'), { temperature: truth.sensors.outlierReadings });
    const w = truth.webEvents;
    assert.deepEqual(await byColumn('web_events'), { event_type: w.invalidEventTypes, customer_id: w.unknownCustomerRefs });
    await withSession(project, async (sql) => {
      const amounts = await query(sql, `SELECT rule, count(*) FROM silver.orders_quarantine WHERE "column" = 'amount' GROUP BY 1 ORDER BY 1`);
      assert.deepEqual(amounts, [['not_null', String(o.nullAmounts)], ['range', String(o.outOfRangeAmounts)]]);
    });
  });

  test('no e-mail, phone or card number from the landing files appears in silver, quarantine or gold', async () => {
    const needles = await piiSample(dir);
    assert.ok(needles.length >= 100, `a sample of PII to look for (${needles.length})`);
    await withSession(project, async (sql) => {
      // The scan finds PII where it is expected: the raw values sit in bronze.
      assert.ok((await piiHits(project, sql, 'bronze.orders', needles)) > 0, 'the scan finds the raw values in bronze.orders');
      for (const t of await project.catalog.listTables()) {
        if (t.namespace !== 'silver' && t.namespace !== 'gold') continue;
        assert.equal(await piiHits(project, sql, `${t.namespace}.${t.name}`, needles), 0, `raw PII in ${t.namespace}.${t.name}`);
      }
    });
  });

  test('the summary lists every table, the quarantine by rule and the gold figures', async () => {
    const s = await withSession(project, (sql) => demoSummary(project.catalog, sql));
    const rows = (table: string) => s.tables.find((t) => t.table === table)?.rows;
    assert.equal(rows('silver.orders'), truth.orders.cleanRecords);
    assert.equal(rows('gold.daily_sales'), step(result.steps, 'gold.daily_sales').rowsWritten);
    const held = (table: string) => s.quarantine.filter((q) => q.table === table).reduce((n, q) => n + q.rows, 0);
    assert.equal(held('silver.orders_quarantine'), truth.orders.rejectedRows);
    assert.equal(held('silver.web_events_quarantine'), truth.webEvents.rejectedRows);
    assert.equal(s.rejects.reduce((n, r) => n + r.rows, 0), Object.values(SILVER).reduce((n, x) => n + truth[x.truth].malformedLines, 0));
    for (const label of ['revenue', 'orders by status', 'top customer by lifetime value', 'sensors']) {
      assert.ok(s.figures.some((f) => f.label === label && f.value !== '-'), `figure ${label} in ${JSON.stringify(s.figures)}`);
    }
  });
});

/** Raw e-mails, phones and card numbers read straight from the landing CSVs with DuckDB. */
async function piiSample(dir: string): Promise<string[]> {
  const engine = await Engine.open({ threads: 1 });
  try {
    const csv = (source: string) =>
      `read_csv(${quoteLiteral(path.join(dir, 'lake', 'landing', source, '*.csv'))}, header = true, all_varchar = true, ignore_errors = true)`;
    const pick = async (sql: string) => (await engine.all<{ v: string }>(sql)).map((r) => r.v);
    const real = (col: string) => `${col} IS NOT NULL AND length(trim(${col})) >= 7 AND trim(${col}) NOT IN ('N/A', 'null')`;
    const emails = await pick(`SELECT DISTINCT lower(trim(email)) AS v FROM (SELECT email FROM ${csv('customers')} UNION ALL SELECT email FROM ${csv('orders')}) WHERE ${real('email')} ORDER BY v LIMIT 80`);
    const phones = await pick(`SELECT DISTINCT lower(trim(phone)) AS v FROM (SELECT phone FROM ${csv('customers')} UNION ALL SELECT phone FROM ${csv('orders')}) WHERE ${real('phone')} ORDER BY v LIMIT 80`);
    const cards = await pick(`SELECT DISTINCT trim(card_number) AS v FROM ${csv('payments')} WHERE ${real('card_number')} ORDER BY v LIMIT 40`);
    return [...emails, ...phones, ...cards, ...cards.map((c) => c.replace(/\D/g, ''))];
  } finally {
    engine.close();
  }
}

/** Rows of a table with any of the needles in any string column (compared lower-cased). */
async function piiHits(project: Project, sql: Parameters<typeof count>[0], table: string, needles: readonly string[]): Promise<number> {
  const [ns, name] = table.split('.') as [string, string];
  const cols = currentSchema((await project.catalog.loadTable(ns, name)).metadata).fields.filter((f) => f.type === 'string').map((f) => f.name);
  if (cols.length === 0) return 0;
  const pattern = quoteLiteral(needles.map((n) => n.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')).join('|'));
  const any = cols.map((c) => `regexp_matches(lower(${quoteIdent(c)}), ${pattern})`).join(' OR ');
  return count(sql, table, any);
}
