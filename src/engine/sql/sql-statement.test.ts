import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { parseStatement } from './sql-statement.js';
import { rewriteTimeTravel } from './time-travel.js';

test('write and DDL statements are taken apart', () => {
  assert.deepEqual(parseStatement(`CREATE TABLE IF NOT EXISTS Sales."Order Lines" PARTITIONED BY (day(ts), bucket(16, id)) AS SELECT 1 AS id;`), {
    kind: 'create-as', table: { namespace: 'sales', name: 'Order Lines' }, ifNotExists: true,
    partitionBy: 'day(ts), bucket(16, id)', query: 'SELECT 1 AS id',
  });
  assert.deepEqual(parseStatement(`create table a.b (id BIGINT NOT NULL, price DECIMAL(10, 2), tags VARCHAR[]) partitioned by (id)`), {
    kind: 'create', table: { namespace: 'a', name: 'b' }, ifNotExists: false, partitionBy: 'id',
    columns: [{ name: 'id', typeText: 'BIGINT', required: true }, { name: 'price', typeText: 'DECIMAL(10, 2)', required: false }, { name: 'tags', typeText: 'VARCHAR[]', required: false }],
  });
  assert.deepEqual(parseStatement(`INSERT INTO a.b (x, "y z") VALUES (1, ';')`), {
    kind: 'insert', table: { namespace: 'a', name: 'b' }, byName: false, columns: ['x', 'y z'], query: `VALUES (1, ';')`,
  });
  assert.deepEqual(parseStatement(`INSERT INTO a.b BY NAME (SELECT 1 AS x)`), {
    kind: 'insert', table: { namespace: 'a', name: 'b' }, byName: true, query: '(SELECT 1 AS x)',
  });
  assert.deepEqual(parseStatement(`DELETE FROM a.b x WHERE x.id IN (SELECT id FROM a.c WHERE flag) -- done`), {
    kind: 'delete', table: { namespace: 'a', name: 'b' }, alias: 'x', where: 'x.id IN (SELECT id FROM a.c WHERE flag)',
  });
  assert.deepEqual(parseStatement(`UPDATE a.b SET name = upper(name), n = coalesce(n, 0) + 1 WHERE id = 3`), {
    kind: 'update', table: { namespace: 'a', name: 'b' }, where: 'id = 3',
    assignments: [{ column: 'name', expr: 'upper(name)' }, { column: 'n', expr: 'coalesce(n, 0) + 1' }],
  });
  assert.deepEqual(parseStatement('ALTER TABLE a.b ADD COLUMN c DECIMAL(12, 2)').kind === 'alter' && parseStatement('ALTER TABLE a.b ADD COLUMN c DECIMAL(12, 2)'), {
    kind: 'alter', table: { namespace: 'a', name: 'b' }, action: { kind: 'add', name: 'c', typeText: 'DECIMAL(12, 2)', ifNotExists: false },
  });
  assert.deepEqual((parseStatement('ALTER TABLE a.b RENAME COLUMN c TO d') as { action: unknown }).action, { kind: 'rename', from: 'c', to: 'd' });
  assert.deepEqual((parseStatement('ALTER TABLE a.b DROP COLUMN IF EXISTS c') as { action: unknown }).action, { kind: 'drop', name: 'c', ifExists: true });
  assert.deepEqual((parseStatement('ALTER TABLE a.b ALTER COLUMN c SET DATA TYPE BIGINT') as { action: unknown }).action, { kind: 'widen', name: 'c', typeText: 'BIGINT' });
  assert.deepEqual((parseStatement("ALTER TABLE a.b SET TBLPROPERTIES ('k' = 'v', 'x.y' = 'it''s')") as { action: unknown }).action, { kind: 'properties', set: { k: 'v', 'x.y': "it's" }, remove: [] });
  assert.deepEqual((parseStatement("ALTER TABLE a.b UNSET TBLPROPERTIES ('k', 'x')") as { action: unknown }).action, { kind: 'properties', set: {}, remove: ['k', 'x'] });
  assert.deepEqual(parseStatement('DROP TABLE IF EXISTS a.b'), { kind: 'drop', table: { namespace: 'a', name: 'b' }, ifExists: true });
  assert.equal(parseStatement('WITH x AS (SELECT 1) SELECT * FROM x').kind, 'query');
  assert.deepEqual(parseStatement('DESCRIBE a.b'), { kind: 'query', sql: 'DESCRIBE a.b', query: 'SELECT * FROM a.b', prefix: 'DESCRIBE' });
});

test('statements that could reach files or the engine are rejected', () => {
  for (const sql of ['COPY a.b TO \'x.csv\'', 'ATTACH \'x.db\'', 'INSTALL httpfs', 'LOAD httpfs', 'PRAGMA version', 'SET threads = 1', 'EXPORT DATABASE \'x\'', 'CALL foo()']) {
    const s = parseStatement(sql);
    assert.equal(s.kind, 'rejected', sql);
  }
  const bad: [string, RegExp][] = [
    ['SELECT 1; SELECT 2', /one statement at a time/],
    ['CREATE MACRO a.m(x) AS x', /CREATE MACRO is not allowed/],
    ['CREATE OR REPLACE MACRO date_add(a, b, c) AS a', /CREATE OR REPLACE is supported for views only/],
    ['CREATE VIEW a.v (x) AS SELECT 1', /with a column list is not supported/],
    ['CREATE OR REPLACE VIEW IF NOT EXISTS a.v AS SELECT 1', /contradict/],
    ['CREATE VIEW v AS SELECT 1', /table v needs its namespace/],
    ['DROP VIEW a.v CASCADE', /unexpected CASCADE/],
    ['DROP SCHEMA a', /DROP SCHEMA is not allowed/],
    ['INSERT INTO orders SELECT 1', /table orders needs its namespace/],
    ['UPDATE a.b SET x = 1 FROM a.c', /UPDATE … FROM is not supported/],
    ['DELETE FROM a.b USING a.c', /DELETE … USING is not supported/],
    ['SELECT \'unterminated', /unterminated string/],
    ['ALTER TABLE a.b SET x', /ALTER TABLE supports/],
    ["ALTER TABLE a.b SET TBLPROPERTIES ('k' 'v')", /expected = after 'k'/],
    ['ALTER TABLE a.b SET TBLPROPERTIES (k = 1)', /expected a property name as a quoted string, found k/],
    ["ALTER TABLE a.b SET TBLPROPERTIES ('k' = 'v'", /expected \) after the last property/],
  ];
  for (const [sql, message] of bad) assert.throws(() => parseStatement(sql), (e: unknown) => e instanceof InvalidInput && message.test(e.message), sql);
});

test('renaming a table is refused with the statements that do it instead', () => {
  assert.throws(
    () => parseStatement('ALTER TABLE raw.orders RENAME TO orders_old'),
    (e: Error) =>
      e instanceof InvalidInput &&
      e.message === 'query: a table cannot be renamed; copy it and drop the old one: CREATE TABLE ns.new_name AS SELECT * FROM raw.orders, then DROP TABLE raw.orders',
  );
});

test('time travel clauses become per-snapshot view names, keeping quotes and comments intact', () => {
  const { sql, refs } = rewriteTimeTravel(
    `SELECT 'ns.t FOR VERSION AS OF 1' AS s, t.id /* ns.t FOR TIMESTAMP AS OF 'x' */ FROM ns.t FOR VERSION AS OF 123 JOIN ns.u FOR TIMESTAMP AS OF '2024-01-02 03:04:05' AS u ON t.id = u.id`,
  );
  assert.equal(
    sql,
    `SELECT 'ns.t FOR VERSION AS OF 1' AS s, t.id /* ns.t FOR TIMESTAMP AS OF 'x' */ FROM "ns"."t@v123" AS "t" JOIN "ns"."u@t1704164645000" AS u ON t.id = u.id`,
  );
  assert.deepEqual([...refs.entries()], [
    ['ns.t@v123', { namespace: 'ns', table: 't', selector: { kind: 'version', snapshotId: 123n } }],
    ['ns.u@t1704164645000', { namespace: 'ns', table: 'u', selector: { kind: 'timestamp', ms: 1704164645000 } }],
  ]);
  assert.throws(() => rewriteTimeTravel('SELECT * FROM ns.t FOR VERSION AS OF \'abc\''), /a snapshot id is a whole number/);
  assert.throws(() => rewriteTimeTravel('SELECT * FROM ns.t FOR TIMESTAMP AS OF \'yesterday\''), /expected 'YYYY-MM-DD HH:MM:SS/);
});
