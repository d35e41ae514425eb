import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileFixture } from './file-test-fixture.js';
import { readFiles } from './file-reader.js';
import { quoteIdent } from '../core/sql-text.js';

const fx = fileFixture('csv-numbers');

test('numbers a double would change keep their digits: the column is read as text, with a warning', async () => {
  const cases: [string, string, string[]][] = [
    ['long-id.csv', 'id,n\n12345678901234567890123,1\n9223372036854775808,2\n', ['12345678901234567890123', '9223372036854775808']],
    ['overflow.csv', 'id,n\n1e400,1\n1.5,2\n', ['1e400', '1.5']],
    ['negative.csv', 'id,n\n-98765432109876543210,1\n0.5,2\n', ['-98765432109876543210', '0.5']],
  ];
  for (const [name, text, ids] of cases) {
    const result = await readFiles(fx.engine, [fx.file(name, text)]);
    assert.equal(result.rowsRead, 2, name);
    assert.equal(result.columns.find((c) => c.name === 'id')?.duckdbType, 'VARCHAR', name);
    const got = await fx.engine.allJson(`SELECT id FROM ${quoteIdent(result.relation)} ORDER BY _source_line`);
    assert.deepEqual(got.map((r) => r['id']), ids, name);
    assert.ok(result.warnings.some((w) => w.includes(name) && w.includes('column id') && w.includes(ids[0]!)), `${name}: ${result.warnings.join(' | ')}`);
  }
});

test('ordinary fractions and integers that fit stay numbers', async () => {
  const result = await readFiles(fx.engine, [fx.file('plain.csv', 'x,y\n0.1,9007199254740992\n2.5e10,3\n')]);
  assert.deepEqual(result.columns.filter((c) => !c.name.startsWith('_')).map((c) => c.duckdbType), ['DOUBLE', 'BIGINT']);
  assert.deepEqual(result.warnings, []);
});
