import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindPrincipal } from './principal-functions.js';

const ana = { name: "ana o'hara", kind: 'user' as const, groups: ['eu_sales'], attributes: { region: 'eu' } };

test('principal functions become literals; strings, quoted names and comments stay as written', () => {
  assert.equal(
    bindPrincipal("owner = current_principal() AND region = CURRENT_PRINCIPAL_ATTRIBUTE( 'region' ) OR is_member('eu_sales') OR is_member('x')", ana, 'f'),
    "owner = 'ana o''hara' AND region = 'eu' OR TRUE OR FALSE",
  );
  assert.equal(bindPrincipal("note = 'current_principal()' AND \"is_member('x')\" -- current_principal()", ana, 'f'), "note = 'current_principal()' AND \"is_member('x')\" -- current_principal()");
  assert.equal(bindPrincipal("current_principal_attribute('team')", ana, 'f'), 'CAST(NULL AS VARCHAR)');
  assert.equal(bindPrincipal('my_current_principal() + t.is_member', ana, 'f'), 'my_current_principal() + t.is_member');
});

test('a principal function called with a column or without its name is refused, naming the policy', () => {
  assert.throws(() => bindPrincipal('is_member(team)', ana, 'policies.row_filters[0] (row filter of a.t)'), /^InvalidInput: policies\.row_filters\[0\] \(row filter of a\.t\): is_member\(\) must be called as is_member\('<a literal name>'\)/);
  assert.throws(() => bindPrincipal("current_principal('x')", ana, 'f'), /current_principal\(\) must be called as current_principal\(\)/);
  assert.throws(() => bindPrincipal('current_principal_attribute()', ana, 'f'), /current_principal_attribute\('<a literal name>'\)/);
});
