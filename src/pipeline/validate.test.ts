import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqlSession } from '../engine/index.js';
import { openProject, withProject, type Project } from '../project/index.js';
import { silt } from '../testing/index.js';
import { demoProject, removeDir, tempDir } from '../testing/pipeline-project.js';
import { scanTablePii } from './pii-table-scan.js';
import { runPipeline } from './run.js';
import { validateTable, validationFailure, type Validation } from './validate.js';

let root: string;
let dir: string;
let project: Project;

before(async () => {
  root = await tempDir('validate');
  ({ dir } = await demoProject(path.join(root, 'demo'), { rows: 150, seed: 9 }));
  project = await openProject({ projectDir: dir });
  assert.equal((await runPipeline(project)).status, 'succeeded');
});
after(async () => {
  await project.close();
  await removeDir(root);
});

/** One number from a query over the catalog's tables, computed apart from validate. */
async function count(sql: string): Promise<number> {
  const engine = await project.openEngine();
  try {
    return Number((await new SqlSession(engine, project.catalog).execute(sql)).rows[0]?.[0]);
  } finally {
    engine.close();
  }
}

/** Runs `fn` with `file` (under the project) edited by `edit`, then puts it back. */
async function withEdited<T>(file: string, edit: (text: string) => string, fn: () => Promise<T>): Promise<T> {
  const full = path.join(dir, file);
  const text = await fs.readFile(full, 'utf8');
  await fs.writeFile(full, edit(text));
  try {
    return await fn();
  } finally {
    await fs.writeFile(full, text);
  }
}

/** Validates with silt.yaml read again, as a new command would. */
const reopened = (table: string) => withProject({ projectDir: dir }, (p) => validateTable(p, table));

const outcome = (v: Validation) => v.rules.map((r) => [r.label, r.policy, r.result, r.failing_rows]);

describe('silt validate', () => {
  it("runs a gold model's header expectations over the table's rows: all pass after a good run", async () => {
    const v = await validateTable(project, 'gold.daily_sales');
    assert.equal(v.declaredIn, 'models/daily_sales.sql');
    assert.equal(v.rows, await count('SELECT count(*) FROM gold.daily_sales'));
    assert.deepEqual(outcome(v), [
      ['not_null(order_date)', 'fail', 'pass', 0],
      ['unique(order_date)', 'fail', 'pass', 0],
      ['range(revenue, 0, null)', 'fail', 'pass', 0],
      ['range(orders, 1, null)', 'fail', 'pass', 0],
      ["sql('customers <= orders')", 'warn', 'pass', 0],
    ]);
    assert.equal(validationFailure(v), undefined);
  });

  it('a broken fail rule fails with its count of rows; the command prints every rule and exits 5', async () => {
    const over = await count('SELECT count(*) FROM gold.daily_sales WHERE revenue > 500');
    assert.ok(over > 0);
    await withEdited('models/daily_sales.sql', (t) => t.replace('expect range(revenue, 0, null)', 'expect range(revenue, 0, 500)'), async () => {
      const v = await validateTable(project, 'gold.daily_sales');
      assert.deepEqual(outcome(v)[2], ['range(revenue, 0, 500)', 'fail', 'fail', over]);
      assert.match(validationFailure(v)?.message ?? '', new RegExp(`validate: gold\\.daily_sales: range\\(revenue, 0, 500\\) failed on ${over} rows \\(policy fail\\)`));
      const r = await silt(dir, 'validate', 'gold.daily_sales');
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stdout, new RegExp(`range\\(revenue, 0, 500\\)\\s+fail\\s+fail\\s+${over}`));
      assert.match(r.stdout, /unique\(order_date\)\s+fail\s+pass\s+0/);
      assert.match(r.stderr, /range\(revenue, 0, 500\) failed/);
    });
  });

  it("runs a silver contract's rules over the stored rows; a warn rule that fails exits 0; one on a masked column is skipped", async () => {
    const big = await count('SELECT count(*) FROM silver.orders WHERE amount > 300');
    assert.ok(big > 0);
    const yaml = (t: string) => t.replace('- { rule: range, column: amount, min: 0, max: 100000, policy: drop }', '- { rule: range, column: amount, min: 0, max: 300, policy: warn }');
    await withEdited('silt.yaml', yaml, async () => {
      const v = await reopened('silver.orders');
      assert.equal(v.declaredIn, 'silt.yaml silver.orders');
      assert.deepEqual(outcome(v), [
        ['not_null(order_ts)', 'drop', 'pass', 0],
        ['not_null(status)', 'drop', 'pass', 0],
        ['allowed_values(status)', 'drop', 'pass', 0],
        ['not_null(amount)', 'drop', 'pass', 0],
        ['range(amount)', 'warn', 'fail', big],
        ['references(customer_id)', 'drop', 'pass', 0],
      ]);
      const r = await silt(dir, 'validate', 'silver.orders', '--format', 'json');
      assert.equal(r.code, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as Validation).rules[4]?.failing_rows, big);
    });
    const customers = await validateTable(project, 'silver.customers');
    assert.deepEqual(outcome(customers), [['regex(email)', 'warn', 'skipped', 0]]);
    assert.match(customers.rules[0]?.note ?? '', /email is stored masked \(hash\)/);
  });

  it('a references rule counts the values missing from the table it names', async () => {
    const missing = await count('SELECT count(*) FROM silver.orders WHERE customer_id NOT IN (SELECT customer_id FROM silver.customers WHERE customer_id < 20)');
    assert.ok(missing > 0);
    await withEdited('silt.yaml', (t) => t.replace('- { rule: references, column: customer_id, table: silver.customers, to: customer_id, policy: drop }\n\n  payments', '- { rule: references, column: customer_id, table: gold.few_customers, to: customer_id, policy: fail }\n\n  payments'), async () => {
      await project.catalog.createNamespace('gold', {}, { ifNotExists: true });
      const engine = await project.openEngine();
      try {
        await new SqlSession(engine, project.catalog).execute('CREATE TABLE gold.few_customers AS SELECT customer_id FROM silver.customers WHERE customer_id < 20');
      } finally {
        engine.close();
      }
      const v = await reopened('silver.orders');
      assert.deepEqual(outcome(v)[5], ['references(customer_id)', 'fail', 'fail', missing]);
      assert.ok(validationFailure(v));
    });
  });

  it('a table without expectations passes with nothing to check; bad names are refused', async () => {
    const v = await validateTable(project, 'bronze.orders');
    assert.deepEqual([v.declaredIn, v.rules], [undefined, []]);
    const r = await silt(dir, 'validate', 'bronze.orders');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /bronze\.orders: no expectations declared/);
    const missing = await silt(dir, 'validate', 'silver.ordrs');
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /no table silver\.ordrs/);
    await assert.rejects(validateTable(project, 'orders'), /expected a table name as namespace\.table, found "orders"/);
  });
});

describe('silt pii scan', () => {
  it("finds the demo's emails, phones and names in bronze, with the counts of the sample", async () => {
    const rows = await count('SELECT count(*) FROM bronze.customers');
    const scan = await scanTablePii(project, 'bronze.customers', 100_000);
    assert.equal(scan.sampleRows, rows);
    const detected = Object.fromEntries(scan.columns.filter((c) => c.detected).map((c) => [c.column, c.detected]));
    assert.deepEqual(detected, { name: 'name', email: 'email', phone: 'phone' });
    const email = scan.columns.find((c) => c.column === 'email')!;
    assert.equal(email.sampled, await count("SELECT count(*) FROM bronze.customers WHERE NULLIF(trim(email), '') IS NOT NULL"));
    assert.ok(email.matches / email.sampled >= 0.5 && email.matches <= email.sampled);
    const small = await scanTablePii(project, 'bronze.customers', 10);
    assert.equal(small.sampleRows, 10);
    assert.ok(small.columns.every((c) => c.sampled <= 10));
  });

  it('the command prints each column with what it found; silver holds only masked values; bad input is refused', async () => {
    const r = await silt(dir, 'pii', 'scan', 'bronze.customers', '--sample', '500');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^email\s+email\s+\d+\s+\d+\s+email\s+\d+%$/m);
    assert.match(r.stdout, /^signup_date\s+-\s/m);
    const silver = await scanTablePii(project, 'silver.customers', 500);
    assert.deepEqual(silver.columns.filter((c) => c.detected).map((c) => c.column), []);
    const bad = await silt(dir, 'pii', 'scan', 'bronze.customers', '--sample', 'many');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /pii scan: --sample must be a positive whole number, found "many"/);
    const none = await silt(dir, 'pii', 'scan', 'bronze.nobody');
    assert.equal(none.code, 3);
  });
});
