/**
 * `silt export` against a real PostgreSQL: the demo's gold tables land equal row for row, a rerun
 * after a new pipeline run sends only the rows that changed, a column added in gold appears in
 * the warehouse, a dry run sends nothing, and bad input is refused naming what is wrong.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { freshPostgresDatabase } from '../catalog/postgres-test-support.js';
import { PROJECT_FILE } from '../config/index.js';
import { EnvironmentFault, InvalidInput, NotFound } from '../errors.js';
import { runPipeline } from '../pipeline/index.js';
import { openProject, type Project } from '../project/index.js';
import { currentSchema } from '../table/index.js';
import { addLanding, cli, demoProject, query, removeDir, tempDir, withSession } from '../testing/pipeline-project.js';
import { runExports, type ExportRun } from './index.js';

const GOLD = ['daily_sales', 'orders_by_status', 'customer_lifetime_value', 'sensor_hourly_summary'] as const;

/** The exports section for the demo's gold tables into `url`; sensor_hourly_summary has no key. */
function exportsYaml(url: string, extra = ''): string {
  return `
exports:
  targets:
    warehouse: { url: "${url}" }
  tables:
    daily_sales: { source: gold.daily_sales, table: analytics.daily_sales, key: order_date }
    orders_by_status: { source: gold.orders_by_status, table: analytics.orders_by_status, key: [order_date, status] }
    customer_lifetime_value: { source: gold.customer_lifetime_value, table: analytics.customer_lifetime_value, key: customer_id }
    sensor_hourly_summary: { source: gold.sensor_hourly_summary, table: analytics.sensor_hourly_summary }
${extra}`;
}

describe('silt export: the demo gold tables to PostgreSQL', () => {
  let root: string;
  let dir: string;
  let yaml: string;
  let db: { uri: string; drop(): Promise<void> };
  let wh: pg.Client;

  /** The project with silt.yaml's exports section set to `section`; closed by the caller. */
  async function withExports<T>(section: string, fn: (p: Project) => Promise<T>): Promise<T> {
    await fs.writeFile(path.join(dir, PROJECT_FILE), `${yaml}\n${section}`);
    const p = await openProject({ projectDir: dir });
    try {
      return await fn(p);
    } finally {
      await p.close();
    }
  }

  const exportAll = (names: string[] = [], opts: { dryRun?: boolean; full?: boolean } = {}) =>
    withExports(exportsYaml(db.uri), (p) => runExports(p, names, opts));

  /** A gold table's columns, and which are floating point (whose text differs: DuckDB says 57.0, PostgreSQL 57). */
  async function goldColumns(table: string): Promise<{ names: string[]; floats: boolean[] }> {
    return withExports('', async (p) => {
      const fields = currentSchema((await p.catalog.loadTable('gold', table)).metadata).fields;
      return { names: fields.map((f) => f.name), floats: fields.map((f) => f.type === 'double' || f.type === 'float') };
    });
  }

  /** Rows as sorted JSON lines of text cells, floating-point cells as the number they spell. */
  const normalized = (rows: readonly (readonly (string | null)[])[], floats: readonly boolean[]) =>
    rows.map((r) => JSON.stringify(r.map((c, i) => (c !== null && floats[i] ? Number(c) : c)))).sort();

  /** Each row of a gold table, every column cast to text by the same SQL on both sides. */
  async function lakeRows(table: string): Promise<string[]> {
    const { names, floats } = await goldColumns(table);
    const rows = await withExports('', (p) => withSession(p, (s) => query(s, `SELECT ${names.map((c) => `CAST("${c}" AS VARCHAR)`).join(', ')} FROM gold.${table}`)));
    return normalized(rows, floats);
  }

  async function warehouseRows(table: string): Promise<string[]> {
    const { names, floats } = await goldColumns(table);
    const r = await wh.query<Record<string, string | null>>(`SELECT ${names.map((c) => `"${c}"::text AS "${c}"`).join(', ')} FROM analytics.${table}`);
    return normalized(r.rows.map((row) => names.map((c) => row[c] ?? null)), floats);
  }

  async function assertSame(table: string): Promise<void> {
    const lake = await lakeRows(table);
    assert.ok(lake.length > 0, `gold.${table} has rows`);
    assert.deepEqual(await warehouseRows(table), lake, `analytics.${table} equals gold.${table} row for row`);
  }

  const outcome = (run: ExportRun, name: string) => {
    const o = run.outcomes.find((x) => x.name === name);
    assert.ok(o, `export ${name} ran: ${run.failures.map((f) => String(f.error)).join('; ')}`);
    return o;
  };

  before(async () => {
    root = await tempDir('export');
    ({ dir } = await demoProject(path.join(root, 'demo'), { rows: 600, seed: 20261207 }));
    yaml = await fs.readFile(path.join(dir, PROJECT_FILE), 'utf8');
    await withExports('', (p) => runPipeline(p, { trigger: 'manual' }));
    db = await freshPostgresDatabase();
    wh = new pg.Client({ connectionString: db.uri });
    await wh.connect();
  });
  after(async () => {
    await wh?.end();
    await db?.drop();
    await removeDir(root);
  });

  test('a dry run says what it would send and sends nothing, records no run', async () => {
    const run = await exportAll([], { dryRun: true });
    assert.deepEqual(run.failures, []);
    assert.equal(run.runId, undefined);
    const daily = outcome(run, 'daily_sales');
    assert.equal(daily.how, 'replace');
    assert.equal(daily.rowsSent, (await lakeRows('daily_sales')).length);
    const tables = await wh.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'analytics'`);
    assert.deepEqual(tables.rows, []);
  });

  test("the demo's gold tables land equal row for row, and the run is recorded with each export's rows", async () => {
    const run = await exportAll();
    assert.deepEqual(run.failures, []);
    for (const t of GOLD) {
      assert.equal(outcome(run, t).how, 'replace');
      await assertSame(t);
    }
    const recorded = await withExports('', (p) => p.catalog.runLog.run(run.runId!));
    assert.equal(recorded?.run.trigger, 'export');
    assert.equal(recorded?.run.status, 'succeeded');
    const step = recorded?.steps.find((s) => s.step === 'export.daily_sales');
    assert.equal(step?.kind, 'export');
    assert.equal(step?.rowsWritten, (await lakeRows('daily_sales')).length);
    // Run again at once: nothing moved, nothing sent.
    const again = await exportAll();
    for (const t of GOLD) assert.equal(outcome(again, t).how, 'up-to-date');
  });

  test('after a new pipeline run only the changed rows move, and both sides are equal again', async () => {
    const [day] = (await lakeRows('daily_sales')).map((r) => JSON.parse(r) as string[]).map((r) => r[0]!).sort();
    const [customer] = (await lakeRows('customer_lifetime_value')).map((r) => JSON.parse(r) as string[]).map((r) => r[0]!);
    await addLanding(dir, {
      'orders/orders_9001.csv':
        'order_id,customer_id,order_ts,status,amount,currency,email,phone,updated_at\n' +
        `900001,${customer},${day} 12:00:00,delivered,10.00,EUR,a@example.com,+31600000000,${day} 12:00:00\n` +
        `900002,${customer},${day} 13:00:00,delivered,20.00,EUR,a@example.com,+31600000000,${day} 13:00:00\n`,
    });
    const piped = await withExports('', (p) => runPipeline(p, { trigger: 'manual' }));
    assert.equal(piped.status, 'succeeded');
    const run = await exportAll();
    assert.deepEqual(run.failures, []);
    // One day's figures changed, one day-and-status, one customer; no sensor reading came.
    assert.equal(outcome(run, 'daily_sales').rowsSent, 1);
    assert.equal(outcome(run, 'orders_by_status').rowsSent, 1);
    assert.equal(outcome(run, 'customer_lifetime_value').rowsSent, 1);
    assert.equal(outcome(run, 'customer_lifetime_value').how, 'upsert');
    assert.equal(outcome(run, 'sensor_hourly_summary').how, 'up-to-date');
    for (const t of GOLD) await assertSame(t);
    const step = (await withExports('', (p) => p.catalog.runLog.run(run.runId!)))?.steps.find((s) => s.step === 'export.daily_sales');
    assert.equal(step?.rowsWritten, 1);
    // Rows of the rewritten files that were equal stayed home, and the step says so.
    assert.ok((step?.rowsDeduplicated ?? 0) > 0);
    assert.equal(step?.rowsIn, (step?.rowsWritten ?? 0) + (step?.rowsDeduplicated ?? 0));
    assert.match(step?.details ?? '', /incremental/);
  });

  test('a column added in gold appears in PostgreSQL with its values', async () => {
    const model = path.join(dir, 'models', 'customer_lifetime_value.sql');
    const sql = await fs.readFile(model, 'utf8');
    await fs.writeFile(model, sql.replace(/AS avg_order_value\s*\nFROM/, 'AS avg_order_value,\n  upper(c.segment) AS segment_code\nFROM'));
    const piped = await withExports('', (p) => runPipeline(p, { trigger: 'manual' }));
    assert.equal(piped.status, 'succeeded');
    const run = await exportAll(['customer_lifetime_value']);
    assert.deepEqual(run.failures, []);
    assert.deepEqual(outcome(run, 'customer_lifetime_value').columnsAdded, ['segment_code']);
    const cols = await wh.query(`SELECT data_type FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'customer_lifetime_value' AND column_name = 'segment_code'`);
    assert.deepEqual(cols.rows, [{ data_type: 'text' }]);
    await assertSame('customer_lifetime_value');
  });

  test('appends are inserted, deletes remove their keys, and without a key a delete replaces the table, each saying so', async () => {
    const items = `${exportsYaml(db.uri)}    items: { source: raw.items, table: analytics.items, key: id }\n    items_log: { source: raw.items, table: analytics.items_log }\n`;
    const sql = (text: string) => withExports('', (p) => withSession(p, (s) => s.execute(text)));
    await withExports('', (p) => p.catalog.createNamespace('raw', {}, { ifNotExists: true }));
    await sql(`CREATE TABLE raw.items AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) t(id, label)`);
    const run = (names: string[]) => withExports(items, (p) => runExports(p, names));
    const itemRows = async (table: string) => (await wh.query(`SELECT id::text || label AS r FROM analytics.${table} ORDER BY id`)).rows.map((r: { r: string }) => r.r);
    await run(['items', 'items_log']);

    await sql(`INSERT INTO raw.items VALUES (4, 'd')`);
    const appended = await run(['items', 'items_log']);
    assert.deepEqual([outcome(appended, 'items').how, outcome(appended, 'items').rowsSent], ['upsert', 1]);
    assert.deepEqual([outcome(appended, 'items_log').how, outcome(appended, 'items_log').rowsSent], ['append', 1]);
    assert.match(outcome(appended, 'items_log').reason, /rows appended since snapshot \d+/);

    await sql(`DELETE FROM raw.items WHERE id = 2`);
    await sql(`UPDATE raw.items SET label = 'C' WHERE id = 3`);
    const rewritten = await run(['items', 'items_log']);
    const keyed = outcome(rewritten, 'items');
    assert.deepEqual([keyed.how, keyed.rowsSent, keyed.rowsDeleted], ['upsert', 1, 1]);
    assert.match(keyed.reason, /rewritten or rows deleted since snapshot \d+ .*upserted by key, keys gone are deleted/);
    const unkeyed = outcome(rewritten, 'items_log');
    assert.deepEqual([unkeyed.how, unkeyed.rowsSent], ['replace', 3]);
    assert.match(unkeyed.reason, /full reload: .* no key to upsert by/);
    assert.deepEqual(await itemRows('items'), ['1a', '3C', '4d']);
    assert.deepEqual(await itemRows('items_log'), ['1a', '3C', '4d']);
  });

  test('a snapshot the warehouse holds that the table no longer has (expired) makes a full reload, saying so', async () => {
    await wh.query(`UPDATE analytics.silt_export_state SET snapshot_id = '42' WHERE target_table = 'analytics.daily_sales'`);
    const run = await exportAll(['daily_sales']);
    const o = outcome(run, 'daily_sales');
    assert.equal(o.how, 'replace');
    assert.match(o.reason, /full reload: snapshot 42, exported last, is no longer in gold\.daily_sales \(expired\)/);
    await assertSame('daily_sales');
  });

  test('the CLI says per export what it would send, and --full reloads', async () => {
    await fs.writeFile(path.join(dir, PROJECT_FILE), `${yaml}\n${exportsYaml(db.uri)}`);
    const r = await cli(dir, 'export', 'daily_sales', '--full', '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /export daily_sales: gold\.daily_sales -> analytics\.daily_sales \(PostgreSQL 127\.0\.0\.1:\d+\/silt_test_\w+\): would replace the table with \d+ rows \(full reload \(--full\)\)/);
    assert.match(r.stdout, /nothing sent \(--dry-run\)/);
  });

  test('an unknown export name is refused, naming it and those declared', async () => {
    await assert.rejects(exportAll(['daily_sale']), (e: unknown) => {
      assert.ok(e instanceof NotFound);
      assert.match(e.message, /no export named daily_sale .*did you mean daily_sales\?.*declared: daily_sales, orders_by_status/);
      return true;
    });
  });

  test('a key column the source lacks is refused, naming the column and the key setting', async () => {
    const section = exportsYaml(db.uri).replace('key: order_date', 'key: order_day');
    const run = await withExports(section, (p) => runExports(p, ['daily_sales']));
    const e = run.failures[0]?.error;
    assert.ok(e instanceof InvalidInput, String(e));
    assert.match(e.message, /export daily_sales: key column order_day \(silt\.yaml exports\.tables\.daily_sales\.key\) is not a column of gold\.daily_sales \(did you mean order_date\?\)/);
  });

  test('an unreachable warehouse is an environment fault naming host and port, never the password', async () => {
    const port = await freePort();
    const run = await withExports(exportsYaml(`postgres://loader:sekret@127.0.0.1:${port}/analytics`), (p) => runExports(p, ['daily_sales']));
    const e = run.failures[0]?.error;
    assert.ok(e instanceof EnvironmentFault, String(e));
    assert.match(e.message, new RegExp(`export daily_sales: PostgreSQL 127\\.0\\.0\\.1:${port}/analytics: nothing answers there .*fix exports\\.targets\\.warehouse\\.url in silt\\.yaml`));
    assert.doesNotMatch(e.message, /sekret/);
    // The run is recorded failed, with the step's error.
    const recorded = await withExports('', (p) => p.catalog.runLog.run(run.runId!));
    assert.equal(recorded?.run.status, 'failed');
    assert.match(recorded?.steps[0]?.error ?? '', /nothing answers there/);
  });

  test('a warehouse column whose type cannot take the values is refused, naming the column', async () => {
    await wh.query('CREATE SCHEMA IF NOT EXISTS other');
    await wh.query('CREATE TABLE other.daily_sales (order_date date PRIMARY KEY, orders bigint, customers bigint, revenue integer, avg_order_value numeric)');
    const section = exportsYaml(db.uri).replace('table: analytics.daily_sales', 'table: other.daily_sales');
    const run = await withExports(section, (p) => runExports(p, ['daily_sales']));
    const e = run.failures[0]?.error;
    assert.ok(e instanceof InvalidInput, String(e));
    assert.match(e.message, /export daily_sales: column revenue is integer in other\.daily_sales .* but gold\.daily_sales's revenue needs numeric\(38,2\)/);
    assert.equal(Number((await wh.query('SELECT count(*) AS n FROM other.daily_sales')).rows[0].n), 0);
  });

  test('a warehouse column narrower than the source type is widened, as the source type was promoted', async () => {
    await wh.query('CREATE SCHEMA IF NOT EXISTS narrow');
    await wh.query('CREATE TABLE narrow.daily_sales (order_date date PRIMARY KEY, orders integer, customers smallint, revenue numeric(10,2), avg_order_value numeric)');
    const section = exportsYaml(db.uri).replace('table: analytics.daily_sales', 'table: narrow.daily_sales');
    const run = await withExports(section, (p) => runExports(p, ['daily_sales']));
    assert.deepEqual(run.failures, []);
    assert.deepEqual(outcome(run, 'daily_sales').columnsWidened, ['orders bigint', 'customers bigint', 'revenue numeric(38,2)']);
    const types = await wh.query(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'narrow.daily_sales'::regclass AND attnum > 0 ORDER BY attnum`);
    assert.deepEqual(types.rows.map((r: { t: string }) => r.t), ['date', 'bigint', 'bigint', 'numeric(38,2)', 'numeric']);
  });

  test('rows the warehouse refuses half-way leave its table and state as they were, and the error names the table', async () => {
    await wh.query('ALTER TABLE narrow.daily_sales ADD CONSTRAINT no_orders CHECK (orders < 0) NOT VALID');
    const before = await wh.query('SELECT count(*) AS n, (SELECT snapshot_id FROM narrow.silt_export_state) AS s FROM narrow.daily_sales');
    assert.ok(Number(before.rows[0].n) > 0);
    const section = exportsYaml(db.uri).replace('table: analytics.daily_sales', 'table: narrow.daily_sales');
    const run = await withExports(section, (p) => runExports(p, ['daily_sales'], { full: true }));
    const e = run.failures[0]?.error;
    assert.ok(e instanceof InvalidInput, String(e));
    assert.match(e.message, /export daily_sales: PostgreSQL 127\.0\.0\.1:\d+\/\w+ refused the rows for narrow\.daily_sales: .*no_orders/);
    const after = await wh.query('SELECT count(*) AS n, (SELECT snapshot_id FROM narrow.silt_export_state) AS s FROM narrow.daily_sales');
    assert.deepEqual(after.rows, before.rows);
  });

  test('a key that is not unique in the source is refused, naming a repeated value, and nothing is sent', async () => {
    const section = exportsYaml(db.uri).replace('key: [order_date, status]', 'key: [order_date]').replace('table: analytics.orders_by_status', 'table: dup.orders_by_status');
    const run = await withExports(section, (p) => runExports(p, ['orders_by_status']));
    const e = run.failures[0]?.error;
    assert.ok(e instanceof InvalidInput, String(e));
    assert.match(e.message, /export orders_by_status: the key \(order_date\) is not unique in gold\.orders_by_status: order_date=\d{4}-\d\d-\d\d is in \d+ rows/);
    assert.equal((await wh.query(`SELECT to_regclass('dup.orders_by_status') AS t`)).rows[0].t, null);
  });

  test('an export naming an undeclared target is refused with its line in silt.yaml', async () => {
    const section = exportsYaml(db.uri).replace('table: analytics.daily_sales,', 'table: analytics.daily_sales, target: wh,');
    await assert.rejects(withExports(section, (p) => runExports(p, [])), (e: unknown) => {
      assert.ok(e instanceof InvalidInput);
      assert.match(e.message, /silt\.yaml line \d+: exports\.tables\.daily_sales\.target: .*one of the targets under exports\.targets \(warehouse\)/);
      return true;
    });
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
