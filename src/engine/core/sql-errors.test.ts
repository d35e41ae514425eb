import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { withEngine } from './duckdb.js';
import { runSql } from './sql-errors.js';

test("bad SQL is an invalid_input error coded bad_sql, with the line and column DuckDB points at", async () => {
  await withEngine({}, async (engine) => {
    const cases: [string, { line: number; column: number }][] = [
      ['SELECT 1,\n  2 FORM x', { line: 2, column: 10 }],
      ['SELECT nosuch FROM range(3)', { line: 1, column: 8 }],
    ];
    for (const [sql, at] of cases) {
      await assert.rejects(runSql(engine, sql, 'query'), (e: unknown) => {
        assert.ok(e instanceof InvalidInput);
        assert.equal(e.code, 'bad_sql');
        assert.deepEqual(e.details, at);
        return true;
      });
    }
  });
});
