import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { withEngine } from './duckdb.js';
import { sqlExpression, sqlType } from './sql-fragment.js';
import { withLake, type Lake } from '../../testing/lake.js';

/** Fragments that try to leave their place in Silt's SQL, or to reach files and settings. */
const HOSTILE = [
  '1); SELECT 1; --',
  'x /* */ ) , (',
  "'unclosed",
  '"unclosed',
  "(SELECT content FROM read_text('/etc/hostname'))",
  "(SELECT count(*) FROM '/etc/hostname')",
  "getenv('HOME')",
  "current_setting('home_directory')",
  'id < 10) OR (id IS NULL',
  '1) FROM range(3) WHERE (1',
  '1 AS alias',
  '*',
  '1, 2',
  '1 UNION SELECT 2',
  '1 WINDOW w AS (ORDER BY 1)',
  '',
];

test('a user expression is one expression or InvalidInput naming the field; hostile fragments are refused', async () => {
  await withEngine({}, async (engine) => {
    for (const text of HOSTILE) {
      await assert.rejects(sqlExpression(engine, text, 'silt.yaml silver.x.predicate'), (e: unknown) => {
        assert.ok(e instanceof InvalidInput, `${text}: ${String(e)}`);
        assert.match(e.message, /^silt\.yaml silver\.x\.predicate: expected one SQL expression, found /, text);
        return true;
      });
    }
    await assert.rejects(sqlExpression(engine, '(SELECT 1)', 'f'), /subqueries are not allowed here/);
  });
});

test('legitimate expressions come back parenthesised and mean what they meant', async () => {
  await withEngine({}, async (engine) => {
    const cases: [string, unknown][] = [
      ["'it''s' || ' ok'", "it's ok"],
      ['1 + 2 * 3 -- trailing comment', 7],
      ["x > 1 AND x IN (1, 2, 3)", true],
      ["CASE WHEN x = 2 THEN 'two' END", 'two'],
      ['(SELECT max(i) FROM range(4) t(i))', 3],
    ];
    for (const [text, expected] of cases) {
      const sql = await sqlExpression(engine, text, 'f', { subqueries: true });
      const rows = await engine.all<{ v: unknown }>(`SELECT ${sql} AS v FROM (SELECT 2 AS x)`);
      assert.equal(typeof rows[0]!.v === 'bigint' ? Number(rows[0]!.v) : rows[0]!.v, expected, text);
    }
  });
});

test('a type is one type: ALTER/CREATE types cannot close the cast and run a query', async () => {
  await withEngine({}, async (engine) => {
    assert.equal(await sqlType(engine, ' DECIMAL(10, 2) ', 'c'), 'DECIMAL(10, 2)');
    for (const text of [
      'INT), (SELECT count() FROM read_text(concat(chr(47), chr(101), chr(116), chr(99)))',
      'INT) + (1',
      'INT) AS x FROM range(2) WHERE (true',
      'INT, 1',
    ]) {
      await assert.rejects(sqlType(engine, text, 'schema: column c'), (e: unknown) => {
        assert.ok(e instanceof InvalidInput, `${text}: ${String(e)}`);
        assert.match(e.message, /^schema: column c: expected one type, found /);
        return true;
      });
    }
  });
});

async function snapshotCount(lake: Lake): Promise<number> {
  return (await lake.catalog.loadTable('a', 't')).metadata.snapshots.length;
}

test('DELETE, UPDATE and ALTER cannot escape their statement: refused, nothing committed, rows unchanged', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE a.t AS SELECT i AS id FROM range(20) t(i)');
    const before = await snapshotCount(lake);
    const rows = async (): Promise<unknown> => (await lake.sql.execute('SELECT count(*), sum(id) FROM a.t')).rows;
    const original = await rows();
    for (const [sql, field] of [
      ['DELETE FROM a.t WHERE id < 10) OR (id IS NULL', 'delete: WHERE'],
      ['UPDATE a.t SET id = 1) , (id WHERE id < 5', 'update: SET id'],
      ['UPDATE a.t SET id = 0 WHERE id < 10) OR (id IS NULL', 'update: WHERE'],
      ["DELETE FROM a.t WHERE id < (SELECT count(*) FROM read_text('/etc/hostname'))", 'delete: WHERE'],
      ["DELETE FROM a.t WHERE current_setting('home_directory') = ''", 'delete: WHERE'],
      ['ALTER TABLE a.t ADD COLUMN c INT), (SELECT count() FROM read_text(concat(chr(47), chr(101), chr(116), chr(99)))', 'schema: column c'],
    ] as const) {
      await assert.rejects(lake.sql.execute(sql), (e: unknown) => {
        assert.ok(e instanceof InvalidInput, `${sql}: ${String(e)}`);
        assert.ok(e.message.startsWith(`${field}: `), `${sql}: ${e.message}`);
        return true;
      });
    }
    assert.equal(await snapshotCount(lake), before);
    assert.deepEqual(await rows(), original);
    assert.deepEqual((await lake.sql.execute('SELECT * FROM a.t LIMIT 0')).columns.map((c) => c.name), ['id']);

    const deleted = await lake.sql.execute('DELETE FROM a.t WHERE (id < 10) OR (id IS NULL) -- the whole predicate');
    assert.equal(deleted.message, 'deleted 10 rows from a.t');
    assert.deepEqual(await rows(), [['10', '145']]);
    assert.equal((await lake.sql.execute(`UPDATE a.t SET id = id + 100 -- comment\nWHERE id = 19`)).message, 'updated 1 row in a.t');
  });
});

test('a query cannot read the engine settings (home and temp directories) either', async () => {
  await withLake(async (lake) => {
    for (const sql of ["SELECT current_setting('home_directory')", "SELECT 1 WHERE getvariable('x') IS NULL", "SELECT (SELECT current_setting('temp_directory'))"]) {
      await assert.rejects(lake.sql.execute(sql), (e: unknown) => e instanceof InvalidInput && /^query: \w+\(\) is not allowed: it reads the engine's settings$/.test(e.message), sql);
    }
  });
});
