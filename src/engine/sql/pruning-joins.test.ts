/**
 * Pruning through joins and constant bounds: predicates reach their table through unqualified
 * names and folded date arithmetic, and pruning never changes a result (random predicates, each
 * answered by Silt over pruned files and by DuckDB over a plain in-memory copy of the rows).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withLake } from '../../testing/lake.js';

const ITEMS = `SELECT i AS l_orderkey, i % 50 AS l_partkey, DATE '1995-01-01' + CAST(i % 365 AS INTEGER) AS l_shipdate,
  CAST(i % 97 AS DOUBLE) AS l_price FROM range(3650) t(i)`;
const PARTS = `SELECT i AS p_partkey, CASE WHEN i % 3 = 0 THEN 'PROMO ' ELSE 'STD ' END || i AS p_type FROM range(50) t(i)`;

test('a join query with unqualified columns and an interval bound scans only the month it needs', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE tpch.lineitem PARTITIONED BY (month(l_shipdate)) AS ${ITEMS}`);
    await lake.sql.execute(`CREATE TABLE tpch.part AS ${PARTS}`);
    const q14 = await lake.sql.execute(`SELECT count(*) AS n FROM tpch.lineitem, tpch.part
      WHERE l_partkey = p_partkey AND l_shipdate >= date '1995-09-01' AND l_shipdate < date '1995-09-01' + interval '1' month`);
    assert.deepEqual(q14.rows, [['300']]);
    assert.equal(q14.stats.files_total, 13, 'twelve months of lineitem and one file of part');
    assert.equal(q14.stats.files_scanned, 2, 'September of lineitem, and part');
    const between = await lake.sql.execute(`SELECT count(*) FROM tpch.lineitem l JOIN tpch.part p ON l.l_partkey = p.p_partkey
      WHERE l_shipdate BETWEEN date '1995-03-01' AND date '1995-03-01' + interval 30 day`);
    assert.deepEqual(between.rows, [['310']]);
    assert.equal(between.stats.files_scanned, 2);
  });
});

test('an unqualified column two joined tables both have is not attributed to either', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE s.a PARTITIONED BY (id) AS SELECT i AS id FROM range(4) t(i)`);
    await lake.sql.execute(`CREATE TABLE s.b PARTITIONED BY (id) AS SELECT i AS id FROM range(4) t(i)`);
    const r = await lake.sql.execute('SELECT count(*) FROM s.a JOIN s.b USING (id) WHERE id = 2');
    assert.deepEqual(r.rows, [['1']]);
    assert.equal(r.stats.files_scanned, 8, 'no pruning on a name both sides hold');
  });
});

test('pruning never changes a result: random predicates over a partitioned join, against DuckDB over the same rows', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE tpch.lineitem PARTITIONED BY (month(l_shipdate)) AS ${ITEMS}`);
    await lake.sql.execute(`CREATE TABLE tpch.part AS ${PARTS}`);
    await lake.engine.run(`CREATE TABLE lineitem AS ${ITEMS}`);
    await lake.engine.run(`CREATE TABLE part AS ${PARTS}`);
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const day = () => `date '1995-${String(1 + rand(12)).padStart(2, '0')}-${String(1 + rand(28)).padStart(2, '0')}'`;
    const atoms = [
      () => `l_shipdate ${['<', '<=', '>', '>=', '=', '<>'][rand(6)]} ${day()}`,
      () => `l_shipdate < ${day()} + interval '${1 + rand(3)}' ${['day', 'month', 'year'][rand(3)]}`,
      () => `l_shipdate BETWEEN ${day()} AND ${day()} + interval ${rand(60)} day`,
      () => `l_shipdate IN (${day()}, ${day()})`,
      () => `l_price ${['<', '>', '='][rand(3)]} ${rand(100)}`,
      () => `p_type LIKE 'PROMO%'`,
      () => `l_shipdate >= ${day()} - interval 1 month`,
    ];
    const predicate = (depth: number): string => {
      if (depth === 0 || rand(3) === 0) return atoms[rand(atoms.length)]!();
      const op = ['AND', 'OR'][rand(2)]!;
      const p = `(${predicate(depth - 1)} ${op} ${predicate(depth - 1)})`;
      return rand(5) === 0 ? `NOT ${p}` : p;
    };
    for (let i = 0; i < 40; i++) {
      const where = predicate(2);
      const sql = (li: string, pa: string) => `SELECT count(*) AS n, sum(l_price) AS s FROM ${li}, ${pa} WHERE l_partkey = p_partkey AND ${where}`;
      const silt = await lake.sql.execute(sql('tpch.lineitem', 'tpch.part'));
      const plain = await lake.engine.allJson<{ n: string; s: number | null }>(sql('lineitem', 'part'));
      assert.deepEqual(silt.rows[0]?.map(String), [String(plain[0]!.n), String(plain[0]!.s)], `WHERE ${where}`);
    }
  });
});
