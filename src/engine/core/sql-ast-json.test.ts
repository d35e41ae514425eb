import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { withEngine } from './duckdb.js';
import { analyzeQuery } from './query-ast.js';
import { sqlExpression } from './sql-fragment.js';

const HUGE = '9'.repeat(400);

test('a number past a double in user SQL is an input error naming it, wherever Silt parses the SQL', async () => {
  await withEngine({}, async (engine) => {
    const attempts: [string, () => Promise<unknown>][] = [
      ['query', () => analyzeQuery(engine, `SELECT ${HUGE} AS n`)],
      ['query', () => analyzeQuery(engine, 'SELECT -1e400 AS n')],
      ['filter', () => sqlExpression(engine, `x < 1e999`, 'filter')],
    ];
    for (const [where, attempt] of attempts) {
      await assert.rejects(attempt(), (e: unknown) =>
        e instanceof InvalidInput && e.message.startsWith(`${where}:`) && /past the range of a double/.test(e.message), where);
    }
  });
});

test('text that spells Infinity or NaN is not a number and passes', async () => {
  await withEngine({}, async (engine) => {
    const { refs } = await analyzeQuery(engine, `SELECT 'x":Infinity,' AS a, 'NaN'::DOUBLE AS b, 'inf'::DOUBLE AS c FROM raw.t`);
    assert.deepEqual(refs.map((r) => r.qualifier), ['t']);
  });
});
