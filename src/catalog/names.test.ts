import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { checkName, parseTableName } from './names.js';

test('a name longer than 128 characters is an input error naming the limit, before any folder is made for it', () => {
  assert.equal(checkName('table', 'x'.repeat(128)), 'x'.repeat(128));
  for (const text of [`raw.${'x'.repeat(300)}`, `${'n'.repeat(129)}.t`]) {
    assert.throws(() => parseTableName(text), (e: unknown) => e instanceof InvalidInput && /is \d+ characters long; at most 128/.test(e.message), text);
  }
});

test('names that are not lower-case identifiers are input errors with a suggestion', () => {
  assert.throws(() => parseTableName('raw.a b'), /invalid table name "a b".*"a_b"/);
  assert.throws(() => parseTableName('a.b.c'), /expected a table name as namespace.table, found "a.b.c"/);
});
