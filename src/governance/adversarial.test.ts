/**
 * A hostile analyst's attempts on a filtered and masked table: every answer (rows, error text,
 * EXPLAIN output, scan statistics) is checked for the values the policy hides.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ALICE, governedProject, SECRETS, sessionAs } from './governance-test-fixture.js';

const POLICIES = `  row_filters:
    - { table: silver.customers, filter: "region = current_principal_attribute('region')", to: ['group:analysts'] }
  masks:
    - { table: silver.customers, column: email, mask: hash, to: ['group:analysts'] }
    - { table: silver.customers, column: ssn, mask: redact, to: ['group:analysts'] }`;

let g: Awaited<ReturnType<typeof governedProject>>;
before(async () => {
  g = await governedProject(POLICIES);
});
after(() => g.close());

/** What the analyst gets from `sql`: the result or the error, as text. */
async function attempt(sql: string): Promise<string> {
  try {
    const r = await sessionAs(g, ALICE).execute(sql);
    return JSON.stringify({ columns: r.columns, rows: r.rows, stats: r.stats, message: r.message });
  } catch (e) {
    return `error: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function assertNoLeak(sql: string, text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${sql} leaked ${secret}: ${text}`);
  assert.ok(!text.includes('test-secret'), `${sql} leaked the hash salt: ${text}`);
  assert.ok(!/5000|us\.person/.test(text), `${sql} leaked the US row: ${text}`);
}

const CORPUS = [
  'SELECT * FROM silver.customers',
  'SELECT (SELECT max(ssn) FROM silver.customers) AS s',
  'SELECT * FROM silver.customers WHERE id IN (SELECT id FROM silver.customers WHERE region = \'us\')',
  'WITH c AS (SELECT * FROM silver.customers) SELECT email, ssn, name FROM c',
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT c.* FROM r, silver.customers c',
  'SELECT a.ssn, b.email, a.name FROM silver.customers a JOIN silver.customers b ON a.id <> b.id',
  'SELECT a.name FROM silver.customers a FULL OUTER JOIN silver.customers b ON a.region = \'us\'',
  'SELECT ssn, email, count(*) FROM silver.customers GROUP BY ALL',
  'SELECT region, sum(amount), max(name), list(email) FROM silver.customers GROUP BY region',
  "SELECT count(*) FROM silver.customers WHERE ssn LIKE '999%'",
  "SELECT count(*) FROM silver.customers WHERE region = 'us'",
  "SELECT count(*) FROM silver.customers WHERE email = 'us.person@corp.example'",
  'SELECT CAST(ssn AS INTEGER) FROM silver.customers',
  'SELECT CAST(name AS INTEGER) FROM silver.customers',
  "SELECT CAST(name AS INTEGER) FROM silver.customers WHERE region = 'us'",
  "SELECT id FROM silver.customers WHERE CAST(name AS INTEGER) = 1",
  'SELECT error(name) FROM silver.customers',
  "SELECT 1 / (CASE WHEN name = 'US_SECRET_NAME' THEN 0 ELSE 1 END) AS x FROM silver.customers",
  'SELECT * FROM silver.customers ORDER BY amount DESC LIMIT 1',
  'SELECT max(amount), sum(amount), approx_count_distinct(name) FROM silver.customers',
  'EXPLAIN ANALYZE SELECT * FROM silver.customers',
  'EXPLAIN SELECT * FROM silver.customers WHERE ssn = \'999-88-7777\'',
  "SELECT * FROM read_parquet('lake/warehouse/silver/customers/data/*.parquet')",
  "SELECT * FROM 'lake/warehouse/silver/customers/data/x.parquet'",
  'SELECT * FROM duckdb_tables()',
  'SELECT sql FROM duckdb_views()',
  'SELECT * FROM information_schema.tables',
  'SELECT * FROM information_schema.columns',
  'SELECT * FROM silt_bind_1_0',
  'SELECT * FROM main.silt_bind_1_0',
  "SELECT current_setting('home_directory')",
  "SELECT getenv('SILT_PII_SECRET')",
  'SELECT * FROM silver.customers_quarantine',
  'PRAGMA table_info(silver.customers)',
  "SELECT current_principal_attribute('region')",
];

for (const sql of CORPUS) {
  test(`no leak: ${sql}`, async () => assertNoLeak(sql, await attempt(sql)));
}

test('the analyst sees her rows with the masks in place (the corpus above is not passing by failing)', async () => {
  const r = await sessionAs(g, ALICE).execute('SELECT id, ssn, length(email) AS n FROM silver.customers ORDER BY id');
  assert.deepEqual(r.rows, [[1, '***', '64'], [2, '***', '64']]);
});

test('time travel to a snapshot from before the policy existed still reads through it', async () => {
  const sql = `SELECT id, ssn FROM silver.customers FOR VERSION AS OF ${g.firstSnapshot} ORDER BY id`;
  const text = await attempt(sql);
  assertNoLeak(sql, text);
  assert.deepEqual(JSON.parse(text).rows, [[1, '***'], [2, '***']]);
});

test('which files a predicate prunes tells nothing of the rows a filter hides: the scan is the same whatever it asks', async () => {
  const stats = async (where: string) => JSON.parse(await attempt(`SELECT count(*) FROM silver.customers WHERE ${where}`)).stats;
  const hidden = await stats("name = 'US_SECRET_NAME'");
  const absent = await stats("name = 'nobody at all'");
  assert.deepEqual([hidden.files_scanned, hidden.bytes_scanned], [absent.files_scanned, absent.bytes_scanned]);
});

test('a failing CAST on a masked value quotes the mask, never the value', async () => {
  const text = await attempt('SELECT CAST(ssn AS INTEGER) FROM silver.customers');
  assert.match(text, /^error: .*\*\*\*/);
});

test('a column renamed since a snapshot is not read unmasked there, though its mask now names the new name', async () => {
  const store = g.project.catalog.governance;
  const before = await store.policies();
  await g.owner.execute('ALTER TABLE silver.customers RENAME COLUMN ssn TO social');
  await store.replacePolicies(before.map((p) => ({ ...p, body: p.body.replace('"column":"ssn"', '"column":"social"') })));
  try {
    const now = await attempt('SELECT social FROM silver.customers');
    assertNoLeak('the renamed column now', now);
    const text = await attempt(`SELECT * FROM silver.customers FOR VERSION AS OF ${g.firstSnapshot}`);
    assertNoLeak('time travel past a rename', text);
    assert.match(text, /its column ssn of that snapshot is now named social; time travel there is not open to you/);
  } finally {
    await g.owner.execute('ALTER TABLE silver.customers RENAME COLUMN social TO ssn');
    await store.replacePolicies(before);
  }
});
