import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ALICE, BOB, governedProject, sessionAs } from './governance-test-fixture.js';

const POLICIES = `  row_filters:
    - { table: silver.customers, filter: "region = current_principal_attribute('region')", to: ['group:analysts'] }
  masks:
    - { table: silver.customers, column: email, mask: partial, pii: email, to: ['group:analysts'] }
    - { table: silver.customers, column: ssn, mask: redact, to: ['*'] }
    - { table: silver.customers, column: name, expression: "CASE WHEN current_principal() = 'alice' THEN upper(name) ELSE name END", to: [alice] }`;

let g: Awaited<ReturnType<typeof governedProject>>;
before(async () => {
  g = await governedProject(POLICIES);
});
after(() => g.close());

test('an analyst sees only the rows of her region, with the masked columns masked', async () => {
  const r = await sessionAs(g, ALICE).execute('SELECT id, name, region, email, ssn FROM silver.customers ORDER BY id');
  assert.deepEqual(r.rows, [
    [1, 'BRUNO', 'eu', 'b***@corp.example', '***'],
    [2, 'CARLA', 'eu', 'a***@corp.example', '***'],
  ]);
});

test("a principal a policy names only through '*' gets that mask and no other; the owner sees the table as it is", async () => {
  const bob = await sessionAs(g, BOB).execute('SELECT id, name, email, ssn FROM silver.customers ORDER BY id');
  assert.deepEqual(bob.rows.map((r) => r[3]), ['***', '***', '***']);
  assert.equal(bob.rows[2]![1], 'US_SECRET_NAME');
  const owner = await g.owner.execute('SELECT ssn FROM silver.customers ORDER BY id');
  assert.deepEqual(owner.rows, [['111-22-3333'], ['444-55-6666'], ['999-88-7777']]);
});

test('a quarantine of a filtered table shows its analyst nothing; under masks only, original values are masked (and any key the table lacks, a source name the contract renames) and reasons withheld', async () => {
  const alice = await sessionAs(g, ALICE).execute('SELECT * FROM silver.customers_quarantine');
  assert.equal(alice.rows.length, 0);
  const bob = await sessionAs(g, BOB).execute('SELECT reason, original FROM silver.customers_quarantine');
  assert.equal(bob.rows.length, 1);
  assert.equal(bob.rows[0]![0], null);
  assert.deepEqual(JSON.parse(String(bob.rows[0]![1])), { id: '4', email: 'dora@corp.example', ssn: '***', name: 'Dora', social_security: '***' });
});
