/**
 * Athena's (Trino's) SQL forms in Silt's SQL. Each expected value is what Trino returns for the
 * same query, from its documented semantics (noted where they differ from DuckDB's own).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { withLake as withPlainLake, type Lake } from '../../testing/lake.js';
import { SqlSession } from './session.js';

/** A lake whose session takes Trino's meanings, as `silt query` does. */
const withLake = (fn: (lake: Lake) => Promise<void>) => withPlainLake((lake) => fn({ ...lake, sql: new SqlSession(lake.engine, lake.catalog, { trinoForms: true }) }));

async function one(lake: Lake, expr: string): Promise<{ value: unknown; type: string }> {
  const r = await lake.sql.execute(`SELECT ${expr} AS v`);
  return { value: r.rows[0]![0], type: r.columns[0]!.type };
}

async function rows(lake: Lake, sql: string): Promise<unknown[][]> {
  return (await lake.sql.execute(sql)).rows;
}

test("date_add('unit', n, d): a date stays a date, month ends clamp, negative n goes back", async () => {
  await withLake(async (lake) => {
    assert.deepEqual(await one(lake, "date_add('day', 3, DATE '2020-01-30')"), { value: '2020-02-02', type: 'DATE' });
    assert.deepEqual(await one(lake, "date_add('month', 1, DATE '2020-01-31')"), { value: '2020-02-29', type: 'DATE' });
    assert.deepEqual(await one(lake, "date_add('quarter', 1, DATE '2020-01-15')"), { value: '2020-04-15', type: 'DATE' });
    assert.deepEqual((await one(lake, "date_add('hour', -2, TIMESTAMP '2020-01-01 01:00:00')")).type, 'TIMESTAMP');
    assert.deepEqual(await rows(lake, "SELECT CAST(date_add('hour', -2, TIMESTAMP '2020-01-01 01:00:00') AS VARCHAR)"), [['2019-12-31 23:00:00']]);
    // DuckDB's own two-argument date_add still works.
    assert.deepEqual(await rows(lake, "SELECT CAST(date_add(DATE '2020-01-01', INTERVAL 1 DAY) AS DATE)"), [['2020-01-02']]);
    await assert.rejects(lake.sql.execute("SELECT date_add('fortnight', 1, DATE '2020-01-01')"), /unknown unit 'fortnight'/);
  });
});

test('date_diff counts whole units between the two, truncating toward zero (not boundaries crossed)', async () => {
  await withLake(async (lake) => {
    assert.equal((await one(lake, "date_diff('day', DATE '2020-01-01', DATE '2020-03-01')")).value, '60');
    assert.equal((await one(lake, "date_diff('day', DATE '2020-01-10', DATE '2020-01-01')")).value, '-9');
    assert.equal((await one(lake, "date_diff('hour', TIMESTAMP '2020-01-01 00:30:00', TIMESTAMP '2020-01-01 02:29:00')")).value, '1');
    assert.equal((await one(lake, "date_diff('day', TIMESTAMP '2020-01-01 12:00:00', TIMESTAMP '2020-01-02 11:00:00')")).value, '0');
    assert.equal((await one(lake, "date_diff('month', DATE '2020-01-31', DATE '2020-02-28')")).value, '0');
    assert.equal((await one(lake, "date_diff('year', DATE '2019-03-02', DATE '2020-03-01')")).value, '0');
    assert.equal((await one(lake, "date_diff('week', DATE '2020-01-01', DATE '2020-01-20')")).value, '2');
  });
});

test('date_trunc keeps a date a date and truncates timestamps', async () => {
  await withLake(async (lake) => {
    assert.deepEqual(await one(lake, "date_trunc('month', DATE '2020-05-17')"), { value: '2020-05-01', type: 'DATE' });
    assert.deepEqual(await one(lake, "date_trunc('quarter', DATE '2020-05-17')"), { value: '2020-04-01', type: 'DATE' });
    assert.deepEqual(await one(lake, "date_trunc('week', DATE '2020-05-17')"), { value: '2020-05-11', type: 'DATE' }); // weeks start on Monday
    assert.deepEqual(await rows(lake, "SELECT CAST(date_trunc('hour', TIMESTAMP '2020-05-17 10:30:45') AS VARCHAR)"), [['2020-05-17 10:00:00']]);
  });
});

test('from_iso8601_timestamp and from_iso8601_date read ISO 8601 text with its offset', async () => {
  await withLake(async (lake) => {
    // 11:15:05.123 at -05:00 is 16:15:05.123 UTC.
    assert.deepEqual(await rows(lake, "SELECT hour(from_iso8601_timestamp('2020-05-11T11:15:05.123-05:00') AT TIME ZONE 'UTC'), second(from_iso8601_timestamp('2020-05-11T11:15:05.123-05:00'))"), [['16', '5']]);
    assert.deepEqual(await rows(lake, "SELECT from_iso8601_timestamp('2020-05-11T11:15:05Z') = from_iso8601_timestamp('2020-05-11T13:15:05+02:00')"), [[true]]);
    assert.deepEqual(await one(lake, "from_iso8601_date('2020-05-11')"), { value: '2020-05-11', type: 'DATE' });
  });
});

test('approx_distinct counts distinct non-null values; approx_percentile returns a value of the input', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE a.t AS SELECT * FROM (VALUES (1), (1), (2), (NULL), (3), (4), (5), (6), (7), (8), (9)) v(x)');
    assert.deepEqual(await rows(lake, 'SELECT approx_distinct(x) FROM a.t'), [['9']]);
    assert.deepEqual(await rows(lake, 'SELECT approx_distinct(x) FROM a.t WHERE x < 3'), [['2']]);
    assert.deepEqual(await rows(lake, 'SELECT approx_percentile(x, 0.5), approx_percentile(x, 0), approx_percentile(x, 1) FROM a.t WHERE x > 1'), [[5, 2, 9]]);
  });
});

test('regexp_like matches anywhere in the string unless anchored', async () => {
  await withLake(async (lake) => {
    assert.deepEqual(await rows(lake, "SELECT regexp_like('1a 2b 14m', '\\d+b'), regexp_like('abc', '^b'), regexp_like('abc', 'C')"), [[true, false, false]]);
  });
});

test('element_at is 1-based, counts back from the end when negative, is NULL out of range, and reads maps', async () => {
  await withLake(async (lake) => {
    assert.deepEqual(
      await rows(lake, "SELECT element_at(ARRAY[10, 20, 30], 2), element_at(ARRAY[10, 20, 30], 4), element_at(ARRAY[10, 20, 30], -1), element_at(MAP(ARRAY['a', 'b'], ARRAY[1, 2]), 'b'), element_at(MAP(ARRAY['a'], ARRAY[1]), 'z')"),
      [[20, null, 30, 2, null]],
    );
  });
});

test('CAST(… AS VARCHAR) and try_cast', async () => {
  await withLake(async (lake) => {
    assert.deepEqual(await rows(lake, "SELECT CAST(42 AS VARCHAR), CAST(DATE '2020-01-02' AS VARCHAR), CAST(true AS VARCHAR), CAST(1.50 AS VARCHAR)"), [['42', '2020-01-02', 'true', '1.50']]);
    assert.deepEqual(await rows(lake, "SELECT try_cast('x' AS INTEGER), try_cast('12' AS INTEGER), try_cast('2020-13-01' AS DATE)"), [[null, 12, null]]);
    // Trino reads text as an integer only when it is one: '0.5' and '10.25' are NULL, not rounded.
    assert.deepEqual(await rows(lake, "SELECT try_cast('0.5' AS INTEGER), try_cast('10.25' AS BIGINT), try_cast('-7' AS SMALLINT), try_cast(x AS INTEGER) FROM (VALUES ('1.5'), ('3')) v(x) ORDER BY x"), [[null, null, -7, null], [null, null, -7, 3]]);
    assert.deepEqual(await rows(lake, 'SELECT try_cast(2.0 AS INTEGER), try_cast(DATE \'2020-01-02\' AS VARCHAR)'), [[2, '2020-01-02']]);
  });
});

test('UNNEST … WITH ORDINALITY numbers the elements from 1, beside a table too', async () => {
  await withLake(async (lake) => {
    assert.deepEqual(await rows(lake, "SELECT x, n FROM UNNEST(ARRAY['a', 'b']) WITH ORDINALITY AS t(x, n) ORDER BY n"), [['a', '1'], ['b', '2']]);
    await lake.sql.execute("CREATE TABLE a.tags AS SELECT 1 AS id, ['red', 'blue'] AS tags UNION ALL SELECT 2, ['green']");
    assert.deepEqual(
      await rows(lake, 'SELECT id, tag, n FROM a.tags CROSS JOIN UNNEST(tags) WITH ORDINALITY AS u(tag, n) ORDER BY id, n'),
      [[1, 'red', '1'], [1, 'blue', '2'], [2, 'green', '1']],
    );
  });
});

test("INTERVAL '7' DAY added to a date is a date, to a timestamp a timestamp", async () => {
  await withLake(async (lake) => {
    assert.deepEqual(await one(lake, "DATE '2020-01-01' + INTERVAL '7' DAY"), { value: '2020-01-08', type: 'DATE' });
    assert.deepEqual(await one(lake, "DATE '2020-03-31' - INTERVAL '1' MONTH"), { value: '2020-02-29', type: 'DATE' });
    assert.deepEqual(await one(lake, "INTERVAL '7' DAY + DATE '2020-01-01'"), { value: '2020-01-08', type: 'DATE' });
    assert.deepEqual(await rows(lake, "SELECT CAST(TIMESTAMP '2020-01-01 10:00:00' + INTERVAL '3' HOUR AS VARCHAR)"), [['2020-01-01 13:00:00']]);
  });
});

test('AT TIME ZONE gives the wall-clock time in that zone, so its hour and date are the zone\'s', async () => {
  await withLake(async (lake) => {
    // A timestamp without zone is UTC (the session's zone): 12:00 UTC is 07:00 in New York.
    assert.deepEqual(await rows(lake, "SELECT hour(TIMESTAMP '2020-01-01 12:00:00' AT TIME ZONE 'America/New_York')"), [['7']]);
    assert.deepEqual(await rows(lake, "SELECT CAST(TIMESTAMP '2020-01-01 03:00:00' AT TIME ZONE 'America/Los_Angeles' AS DATE)"), [['2019-12-31']]);
    assert.deepEqual(await rows(lake, "SELECT hour(from_iso8601_timestamp('2020-06-01T12:00:00Z') AT TIME ZONE 'Asia/Tokyo')"), [['21']]);
  });
});

test('the forms work inside a view, and a bad one names what is wrong', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute("CREATE TABLE a.ev AS SELECT DATE '2020-01-31' AS d UNION ALL SELECT DATE '2020-02-10'");
    await lake.sql.execute("CREATE VIEW a.next_month AS SELECT date_add('month', 1, d) AS d2, date_diff('day', d, date_add('month', 1, d)) AS days FROM a.ev");
    assert.deepEqual(await rows(lake, 'SELECT * FROM a.next_month ORDER BY d2'), [['2020-02-29', '29'], ['2020-03-10', '29']]);
    await assert.rejects(lake.sql.execute('SELECT element_at(ARRAY[1], 1, 2)'), InvalidInput);
  });
});

test("DuckDB's own timezone(z, x) call keeps DuckDB's meaning; only AT TIME ZONE takes Trino's", async () => {
  await withLake(async (lake) => {
    assert.deepEqual(await one(lake, "timezone('America/New_York', TIMESTAMP '2020-01-01 12:00:00') = TIMESTAMPTZ '2020-01-01 17:00:00+00'"), { value: true, type: 'BOOLEAN' });
  });
});

test('without trinoForms (pipeline models), DuckDB\'s meanings hold; a view\'s SQL takes Trino\'s in any session', async () => {
  await withPlainLake(async (lake) => {
    assert.deepEqual((await lake.sql.execute("SELECT date_diff('month', DATE '2020-01-31', DATE '2020-02-01') AS v")).rows, [['1']]);
    await lake.sql.execute('CREATE TABLE a.t AS SELECT 1 AS x');
    await lake.sql.execute("CREATE VIEW a.v AS SELECT date_diff('month', DATE '2020-01-31', DATE '2020-02-01') AS v FROM a.t");
    assert.deepEqual((await lake.sql.execute('SELECT v FROM a.v')).rows, [['0']]);
  });
});
