/** JSON numbers a column cannot hold exactly are rejects naming the column and value, never changed silently. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileFixture } from './file-test-fixture.js';
import { readFiles, type ReadResult } from './file-reader.js';
import { quoteIdent } from '../core/sql-text.js';

const fx = fileFixture('json-numbers');

const KEEP = 'send such numbers as JSON strings to keep them exactly';

async function table(result: ReadResult, columns: string): Promise<Record<string, unknown>[]> {
  return fx.engine.allJson(`SELECT ${columns} FROM ${quoteIdent(result.relation)} ORDER BY _source_line`);
}

const errors = (result: ReadResult) => result.rejects.map((r) => [r.line, r.column, r.error]);

test('an integer column stays a 64-bit integer; integers past it are rejects naming the column and value', async () => {
  for (const [name, text] of [
    ['ints.ndjson', '{"n":5}\n{"n":12345678901234567890123}\n{"n":9007199254740993}\n{"n":-9223372036854775809}\n{"n":18446744073709551615}\n'],
    ['ints.json', '[{"n":5},{"n":12345678901234567890123},{"n":9007199254740993},{"n":-9223372036854775809},{"n":18446744073709551615}]'],
  ] as const) {
    const result = await readFiles(fx.engine, [fx.file(name, text)]);
    assert.deepEqual(result.columns.map((c) => [c.name, c.duckdbType]), [['n', 'BIGINT']], name);
    assert.deepEqual(await table(result, 'n::VARCHAR AS n'), [{ n: '5' }, { n: '9007199254740993' }], name);
    assert.deepEqual(errors(result), [
      [2, 'n', `column n: 12345678901234567890123 does not fit a 64-bit integer (long); ${KEEP}`],
      [4, 'n', `column n: -9223372036854775809 does not fit a 64-bit integer (long); ${KEEP}`],
      [5, 'n', `column n: 18446744073709551615 does not fit a 64-bit integer (long); ${KEEP}`],
    ], name);
    assert.equal(result.rejects[0]?.raw, '{"n":12345678901234567890123}');
  }
});

test('a double column: 1e400 and integers past 2^53 are rejects; 0.1 and 1e23 load as written', async () => {
  const path = fx.file('doubles.ndjson', '{"f":1.5}\n{"f":1e400}\n{"f":9007199254740993}\n{"f":0.1}\n{"f":1e23}\n{"f":-1e400}\n{"f":12345678901234567890123}\n');
  const result = await readFiles(fx.engine, [path]);
  assert.deepEqual(result.columns.map((c) => c.duckdbType), ['DOUBLE']);
  assert.deepEqual(await table(result, 'f::VARCHAR AS f'), [{ f: '1.5' }, { f: '0.1' }, { f: '1e+23' }]);
  assert.deepEqual(errors(result), [
    [2, 'f', `column f: 1e400 is out of the range of a double; ${KEEP}`],
    [3, 'f', `column f: 9007199254740993 has more digits than a double holds exactly; ${KEEP}`],
    [6, 'f', `column f: -1e400 is out of the range of a double; ${KEEP}`],
    [7, 'f', `column f: 12345678901234567890123 has more digits than a double holds exactly; ${KEEP}`],
  ]);
});

test('records whose keys are read one by one get the same number checks', async () => {
  const path = fx.file('keys.ndjson', '{"A":1,"a":2.5,"n":1}\n{"A":2,"a":1e400,"n":99999999999999999999}\n');
  const result = await readFiles(fx.engine, [path]);
  assert.equal(result.rowsRead, 1);
  assert.deepEqual(errors(result), [[2, 'a_2', `column a_2: 1e400 is out of the range of a double; ${KEEP}`]]);
});

test('a checked double column with missing values, NaN and Infinity: every record is in one place', async () => {
  const path = fx.file('gaps.ndjson', '{"id":1,"f":1e300}\n{"id":2}\n{"id":3,"f":null}\n{"id":4,"f":NaN}\n{"id":5,"f":-Infinity}\n{"id":6,"f":1e400}\n');
  const result = await readFiles(fx.engine, [path]);
  assert.deepEqual(await table(result, 'id::VARCHAR AS id, f::VARCHAR AS f'), [
    { id: '1', f: '1e+300' }, { id: '2', f: null }, { id: '3', f: null }, { id: '4', f: 'nan' }, { id: '5', f: '-inf' },
  ]);
  assert.equal(result.rowsRead, 5);
  assert.deepEqual(errors(result), [[6, 'f', `column f: 1e400 is out of the range of a double; ${KEEP}`]]);
});
