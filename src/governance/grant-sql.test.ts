import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAccessStatement, parseAccessStatement } from './grant-sql.js';

test('GRANT and REVOKE parse: ALL as what the securable can have, INSERT/UPDATE/DELETE as MODIFY, column lists, grantee kinds, the grant option', () => {
  assert.deepEqual(parseAccessStatement('GRANT ALL PRIVILEGES ON TABLE shop.items TO ana'), {
    verb: 'grant',
    privileges: ['SELECT', 'MODIFY', 'ALTER', 'DROP'],
    on: [{ kind: 'table', namespace: 'shop', table: 'items' }],
    grantees: ['ana'],
    grantOption: false,
  });
  assert.deepEqual(parseAccessStatement('grant all on tag pii to stewards').privileges, ['SELECT']);
  assert.deepEqual(parseAccessStatement('GRANT INSERT, delete, UPDATE ON shop.items TO etl').privileges, ['MODIFY']);
  const cols = parseAccessStatement('GRANT SELECT (id, "Name") ON TABLE shop.items TO USER ana, GROUP analysts WITH GRANT OPTION;');
  assert.deepEqual(cols.on, [
    { kind: 'column', namespace: 'shop', table: 'items', column: 'id' },
    { kind: 'column', namespace: 'shop', table: 'items', column: 'Name' },
  ]);
  assert.deepEqual([cols.grantees, cols.grantOption], [['ana', 'analysts'], true]);
  const revoke = parseAccessStatement('-- take it back\nREVOKE GRANT OPTION FOR SELECT ON SCHEMA gold FROM analysts');
  assert.deepEqual([revoke.verb, revoke.grantOption, revoke.on], ['revoke', true, [{ kind: 'namespace', namespace: 'gold' }]]);
  assert.deepEqual(parseAccessStatement('GRANT CREATE ON CATALOG TO admins').on, [{ kind: 'catalog' }]);
  assert.ok(isAccessStatement('  /* x */ revoke SELECT ON a.b FROM c'));
  assert.ok(!isAccessStatement('SELECT 1'));
});

test('a malformed GRANT or REVOKE says what was expected and where', () => {
  const cases: [string, RegExp][] = [
    ['GRANT SELECT ON COLUMN shop.items TO ana', /a column is written namespace\.table\.column, found "shop\.items"/],
    ['GRANT CREATE ON TABLE shop.items TO ana', /CREATE is granted on a namespace .* not on a table/],
    ['GRANT MODIFY (id) ON TABLE shop.items TO ana', /only SELECT takes a column list/],
    ['GRANT SELECT (id) ON NAMESPACE shop TO ana', /a column list needs ON TABLE namespace\.table/],
    ['GRANT SELECT ON shop.items TO ana please', /unexpected "please" after the grantees/],
    ['GRANT SELECT ON shop TO ana', /a table is written namespace\.table, found "shop"/],
    ['REVOKE SELECT ON shop.items TO ana', /expected FROM, found "TO"/],
    ['GRANT', /expected a privilege at the end of the statement/],
  ];
  for (const [sql, message] of cases) assert.throws(() => parseAccessStatement(sql), message, sql);
});
