import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LimitExceeded } from '../errors.js';
import { publishAudit } from './audit.js';
import { ALICE, BOB, governedProject, sessionAs } from './governance-test-fixture.js';
import { utcDay } from './workgroups.js';

const POLICIES = `  masks:
    - { table: silver.customers, column: ssn, mask: redact, to: ['group:analysts'] }
  workgroups:
    - { name: analysts, members: ['group:analysts'], bytes_scanned_per_query: 100000, bytes_scanned_per_day: 4000, result_rows: 2 }
    - { name: tight, members: [bob], bytes_scanned_per_query: 10 }`;

let g: Awaited<ReturnType<typeof governedProject>>;
before(async () => {
  g = await governedProject(POLICIES);
});
after(() => g.close());

test('a workgroup past its per-statement bytes limit is stopped before reading, naming the limit and the workgroup', async () => {
  await assert.rejects(
    () => sessionAs(g, BOB).execute('SELECT * FROM silver.customers'),
    (e: unknown) => e instanceof LimitExceeded && /more than its limit of 10 bytes scanned/.test(e.message) && /workgroup tight: bytes_scanned_per_query 10/.test(e.message),
  );
  const [usage] = await g.project.governance.workgroups.usage({ workgroup: 'tight' });
  assert.deepEqual([usage?.queries, usage?.refused, usage?.bytesScanned], [1, 1, 0]);
});

test("a workgroup's result-row limit and its day's bytes are enforced, and its usage is counted", async () => {
  const alice = sessionAs(g, ALICE);
  await assert.rejects(() => alice.execute('SELECT * FROM silver.customers'), /more than its limit of 2 rows.*workgroup analysts/);
  const first = await alice.execute('SELECT id FROM silver.customers LIMIT 2');
  assert.equal(first.rows.length, 2);
  // Each scan of the table reads its one file (over 1,000 bytes): the third would pass 4,000 bytes a day (the row-limited one read too).
  await assert.rejects(() => alice.execute('SELECT id FROM silver.customers LIMIT 1'), /bytes_scanned_per_day 4000 \(\d+ left today\)/);
  const [usage] = await g.project.governance.workgroups.usage({ workgroup: 'analysts', day: utcDay(Date.now()) });
  assert.equal(usage?.queries, 3);
  assert.equal(usage?.refused, 2);
  assert.equal(usage?.bytesScanned, first.stats.bytes_scanned * 2);
});

test('every statement is in the audit log with its principal, tables, columns, bytes and outcome; system.audit is for administrators', async () => {
  await sessionAs(g, { name: 'carol', kind: 'user' }).execute("SELECT id, name FROM silver.customers WHERE ssn <> 'password'");
  const added = await publishAudit(g.project.catalog, g.engine);
  assert.ok(added >= 5, `published ${added}`);
  await assert.rejects(() => sessionAs(g, { name: 'carol', kind: 'user' }).execute('SELECT * FROM system.audit'), /may not read table system\.audit/);
  assert.equal(await publishAudit(g.project.catalog, g.engine), 1);
  const r = await g.owner.execute(
    "SELECT principal, action, tables, columns, bytes_scanned > 0 AS read, outcome FROM system.audit WHERE principal = 'user:carol' ORDER BY occurred_at",
  );
  assert.deepEqual(r.rows, [
    ['user:carol', 'query', '["silver.customers"]', '["silver.customers.id","silver.customers.name","silver.customers.ssn"]', true, 'ok'],
    ['user:carol', 'refused', '["system.audit"]', '["system.audit.audit_id","system.audit.occurred_at","system.audit.principal","system.audit.action","system.audit.statement","system.audit.tables","system.audit.columns","system.audit.bytes_scanned","system.audit.outcome","system.audit.detail"]', false, 'refused'],
  ]);
  const commits = await g.owner.execute("SELECT count(*) FROM system.audit WHERE principal = 'user:owner' AND action = 'commit' AND outcome = 'ok'");
  assert.equal(Number(commits.rows[0]![0]), 2, 'the two CREATE TABLEs that made the fixture');
  for (const change of ['DELETE FROM system.audit', "UPDATE system.audit SET outcome = 'ok'", 'DROP TABLE system.audit', "INSERT INTO system.audit (audit_id) VALUES ('forged')", 'ALTER TABLE system.audit DROP COLUMN detail']) {
    await assert.rejects(() => g.owner.execute(change), /system\.audit is append-only: only Silt adds to it.*user owner may not change it/, change);
  }
  const limited = await g.owner.execute("SELECT count(*) FROM system.audit WHERE principal = 'user:bob' AND outcome = 'limited'");
  assert.equal(Number(limited.rows[0]![0]), 1);
});

test('secrets in a statement are elided in the audit log', async () => {
  const { elideSecrets } = await import('./audit.js');
  assert.equal(elideSecrets("CREATE SECRET s (TYPE s3, KEY_ID 'AKIA123', SECRET 'abc''def')"), "CREATE SECRET s (TYPE s3, KEY_ID '***', SECRET '***')");
});
