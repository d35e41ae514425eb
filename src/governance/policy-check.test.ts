import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { policiesSectionSchema } from './policies-config.js';
import { checkPolicies } from './policy-check.js';
import { governedProject } from './governance-test-fixture.js';

let g: Awaited<ReturnType<typeof governedProject>>;
before(async () => {
  g = await governedProject('  masks: []');
});
after(() => g.close());

const check = (yaml: object) => checkPolicies(g.engine, g.project.catalog, policiesSectionSchema.parse(yaml), () => 's');

const BAD: [string, object, RegExp][] = [
  ['an unknown column', { masks: [{ table: 'silver.customers', column: 'sssn', mask: 'redact', to: ['*'] }] }, /policies\.masks\[0\] \(mask of silver\.customers\.sssn\): silver\.customers has no column sssn/],
  ['two expressions', { row_filters: [{ table: 'silver.customers', filter: "region = 'eu'), (1", to: ['*'] }] }, /policies\.row_filters\[0\] \(row filter of silver\.customers\): expected one SQL expression/],
  ['a subquery', { row_filters: [{ table: 'silver.customers', filter: 'id IN (SELECT id FROM silver.customers)', to: ['*'] }] }, /row filter of silver\.customers.*subqueries are not allowed/],
  ['a file read', { masks: [{ table: 'silver.customers', column: 'email', expression: "(SELECT * FROM read_csv('x.csv'))", to: ['*'] }] }, /mask of silver\.customers\.email/],
  ['a setting', { masks: [{ table: 'silver.customers', column: 'email', expression: "current_setting('home_directory')", to: ['*'] }] }, /mask of silver\.customers\.email.*current_setting\(\) is not allowed/],
  ['an unknown column in the expression', { masks: [{ table: 'silver.customers', column: 'email', expression: 'upper(mail)', to: ['*'] }] }, /mask of silver\.customers\.email.*mail/],
  ['a filter that is not a condition', { row_filters: [{ table: 'silver.customers', filter: "'x' || name", to: ['*'] }] }, /row filter of silver\.customers/],
];

for (const [what, yaml, error] of BAD) {
  test(`a policy with ${what} is refused when declared, naming its table and column`, async () => {
    await assert.rejects(() => check(yaml), error);
  });
}

test('a good filter and mask pass, and a table that does not exist yet is named for later', async () => {
  const missing = await check({
    row_filters: [{ table: 'silver.customers', filter: "region = current_principal_attribute('region') OR is_member('admins')", to: ['*'] }],
    masks: [{ table: 'silver.later', column: 'x', mask: 'hash', to: ['*'] }],
  });
  assert.deepEqual([...missing], ['silver.later']);
});
