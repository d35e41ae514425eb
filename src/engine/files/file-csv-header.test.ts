import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { fileFixture } from './file-test-fixture.js';
import { dropReadResult, readFiles } from './file-reader.js';
import { quoteIdent } from '../core/sql-text.js';

const fx = fileFixture('csv-header');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));

test('NUL bytes in header names become _ with a warning; NUL bytes in values are kept', async () => {
  const path = fx.file('nul.csv', bytes('id,na\0me,amount\n1,a\0b,2\n2,c,3\n'));
  const result = await readFiles(fx.engine, [path]);
  try {
    assert.deepEqual(result.columns.map((c) => c.name), ['id', 'na_me', 'amount']);
    assert.match(result.warnings.join('\n'), /column 2 name "na\\u0000me" holds control characters; named it na_me/);
    const rows = await fx.engine.all(`SELECT id, na_me AS name, _source_line FROM ${quoteIdent(result.relation)} ORDER BY id`);
    assert.deepEqual(rows, [{ id: 1n, name: 'a\0b', _source_line: 2n }, { id: 2n, name: 'c', _source_line: 3n }]);
  } finally {
    await dropReadResult(fx.engine, result);
  }
});

test('quoted header names keep doubled quotes and delimiters; duplicate and blank names are renamed', async () => {
  const path = fx.file('names.csv', '"id","na""me","a,b",id,,ID\n1,x,2,3,4,5\n');
  const result = await readFiles(fx.engine, [path]);
  try {
    assert.deepEqual(result.columns.map((c) => c.name), ['id', 'na"me', 'a,b', 'id_2', 'column_5', 'ID_3']);
    assert.equal(result.rowsRead, 1);
  } finally {
    await dropReadResult(fx.engine, result);
  }
});

test('a header whose quote never closes turns the file away, naming line 1 and what to do', async () => {
  const path = fx.file('open.csv', '"id,name,amount\n1,x,2\n3,y,4\n');
  await assert.rejects(readFiles(fx.engine, [path]), (e: unknown) => {
    assert.ok(e instanceof InvalidInput);
    assert.equal(e.message, `load: ${path}: line 1 (the header) opens a quote that is never closed; close or remove the quote and put the file back`);
    return true;
  });
});
