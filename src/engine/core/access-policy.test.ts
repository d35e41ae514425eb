import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AccessPolicy, ALLOW_ALL, combinePolicies, OWNER, type TableRef } from './access-policy.js';

const table: TableRef = { namespace: 'silver', name: 'customers', columns: ['id', 'region', 'email'] };

test('combined policies narrow each other: columns intersect, filters AND, masks add up', async () => {
  const columns: AccessPolicy = { read: () => ({ columns: ['id', 'region'] }) };
  const rows: AccessPolicy = { read: () => ({ rowFilter: "region = 'eu'", masks: { region: 'upper(region)' } }) };
  const more: AccessPolicy = { read: () => ({ columns: ['region', 'email'], rowFilter: 'id > 0' }) };
  const grant = await combinePolicies(columns, rows, more, ALLOW_ALL).read(OWNER, table);
  assert.deepEqual(grant, { columns: ['region'], rowFilter: "(region = 'eu') AND (id > 0)", masks: { region: 'upper(region)' } });
});

test('a table one policy denies is denied by the combination', async () => {
  const deny: AccessPolicy = { read: () => undefined };
  assert.equal(await combinePolicies(ALLOW_ALL, deny).read(OWNER, table), undefined);
});

test('two masks on one column are refused, naming the column and table', async () => {
  const a: AccessPolicy = { read: () => ({ masks: { email: "'***'" } }) };
  const b: AccessPolicy = { read: () => ({ masks: { email: 'md5(email)' } }) };
  await assert.rejects(async () => combinePolicies(a, b).read(OWNER, table), /column email of silver\.customers has two masks/);
});
