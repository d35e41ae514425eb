import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AlreadyExists, InvalidInput, NotFound } from '../../errors.js';
import { currentSchema, onlySchema } from '../../table/index.js';
import { withLake, type Lake } from '../../testing/lake.js';

const rowsOf = async (lake: Lake, sql: string): Promise<unknown[][]> => (await lake.sql.execute(sql)).rows;

async function snapshots(lake: Lake, ns: string, name: string): Promise<number> {
  const t = await lake.catalog.loadTable(ns, name);
  return t.metadata.snapshots.length;
}

test('CREATE TABLE AS, then queries prune files by partition and by column bounds', async () => {
  await withLake(async (lake) => {
    const created = await lake.sql.execute(`CREATE TABLE sales.orders PARTITIONED BY (day(ts)) AS
      SELECT i AS id, TIMESTAMP '2024-01-01' + INTERVAL (i) HOUR AS ts, 'item ' || i AS name, CAST(i * 1.5 AS DECIMAL(10, 2)) AS amount
      FROM range(96) t(i)`);
    assert.equal(created.message, 'created table sales.orders (96 rows)');
    assert.match(created.snapshotId!, /^\d+$/);

    const all = await lake.sql.execute('SELECT count(*) AS n, sum(amount) AS total FROM sales.orders');
    assert.deepEqual(all.columns, [{ name: 'n', type: 'BIGINT' }, { name: 'total', type: 'DECIMAL(38,2)' }]);
    assert.deepEqual(all.rows, [['96', '6840.00']]);
    assert.equal(all.stats.files_total, 4);
    assert.equal(all.stats.files_scanned, 4);

    const oneDay = await lake.sql.execute(`SELECT count(*) FROM sales.orders WHERE ts >= '2024-01-03' AND ts < '2024-01-04'`);
    assert.deepEqual(oneDay.rows, [['24']]);
    assert.equal(oneDay.stats.files_scanned, 1);
    assert.ok(oneDay.stats.bytes_scanned < oneDay.stats.bytes_total);

    const byBounds = await lake.sql.execute('SELECT name FROM sales.orders o WHERE o.id = 50');
    assert.deepEqual(byBounds.rows, [['item 50']]);
    assert.equal(byBounds.stats.files_scanned, 1);

    const joined = await lake.sql.execute(`WITH d AS (SELECT DISTINCT CAST(ts AS DATE) AS day FROM sales.orders)
      SELECT count(*) FROM d JOIN sales.orders o ON CAST(o.ts AS DATE) = d.day WHERE o.id < 10`);
    assert.deepEqual(joined.rows, [['10']]);

    const limited = await lake.sql.execute('SELECT id FROM sales.orders ORDER BY id', { maxRows: 5 });
    assert.equal(limited.rows.length, 5);
    assert.equal(limited.truncated, true);
    assert.equal(limited.stats.rows, 5);
  });
});

test('INSERT by position, by column list, by name and from VALUES; mismatches name the problem', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE a.t (id BIGINT NOT NULL, name VARCHAR, score DOUBLE)');
    assert.equal((await lake.sql.execute(`INSERT INTO a.t VALUES (1, 'one', 1.5), (2, 'two', NULL)`)).message, 'inserted 2 rows into a.t');
    await lake.sql.execute(`INSERT INTO a.t (name, id) SELECT 'three', 3`);
    await lake.sql.execute(`INSERT INTO a.t BY NAME SELECT 4 AS id, 4.5 AS score`);
    await lake.sql.execute(`INSERT INTO a.t SELECT * FROM a.t WHERE id = 1`);
    assert.deepEqual(await rowsOf(lake, 'SELECT id, name, score FROM a.t ORDER BY id, name'), [
      ['1', 'one', 1.5], ['1', 'one', 1.5], ['2', 'two', null], ['3', 'three', null], ['4', null, 4.5],
    ]);
    assert.equal((await lake.sql.execute('INSERT INTO a.t SELECT * FROM a.t WHERE false')).message, 'inserted 0 rows into a.t');
    assert.equal(await snapshots(lake, 'a', 't'), 4);

    const before = await snapshots(lake, 'a', 't');
    await assert.rejects(lake.sql.execute('INSERT INTO a.t VALUES (1, 2)'), /insert: a.t has 3 columns but the query gives 2/);
    await assert.rejects(lake.sql.execute('INSERT INTO a.t (id, nope) VALUES (1, 2)'), /insert: a.t has no column nope \(columns: id, name, score\)/);
    await assert.rejects(lake.sql.execute(`INSERT INTO a.t (name) VALUES ('no id')`), (e: unknown) =>
      e instanceof InvalidInput && e.message === 'write: column id is required but a row has NULL');
    await assert.rejects(lake.sql.execute(`INSERT INTO a.t VALUES ('x', 'bad id', 1)`), (e: unknown) =>
      e instanceof InvalidInput && /^write: Conversion Error: .*'x'/.test(e.message) && !e.message.includes('\n'));
    assert.equal(await snapshots(lake, 'a', 't'), before, 'failed statements commit nothing');
  });
});

test('DELETE and UPDATE rewrite only matching files; rows where the condition is NULL stay', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t PARTITIONED BY (bucket(4, id)) AS
      SELECT i AS id, CASE WHEN i % 10 = 0 THEN NULL ELSE i % 3 END AS k, 'v' || i AS v FROM range(40) t(i)`);
    await lake.sql.execute('CREATE TABLE a.keys AS SELECT 1 AS k');
    const filesBefore = new Set((await (await lake.catalog.loadTable('a', 't')).planFiles()).files.map((f) => f.filePath));

    const del = await lake.sql.execute('DELETE FROM a.t WHERE id = 7');
    assert.equal(del.message, 'deleted 1 row from a.t');
    assert.equal(del.stats.files_scanned, 1);
    const filesAfter = (await (await lake.catalog.loadTable('a', 't')).planFiles()).files.map((f) => f.filePath);
    assert.equal(filesAfter.filter((p) => !filesBefore.has(p)).length, 1, 'one file rewritten');
    assert.equal(filesAfter.filter((p) => filesBefore.has(p)).length, 3, 'three files untouched');

    // k IS NULL rows (id % 10 = 0) make `k = 1` NULL: they are not deleted.
    const byKey = await lake.sql.execute('DELETE FROM a.t WHERE k IN (SELECT k FROM a.keys)');
    assert.equal(byKey.stats.rows, 11);
    assert.deepEqual(await rowsOf(lake, 'SELECT count(*), count(*) FILTER (WHERE k IS NULL) FROM a.t'), [['28', '4']]);

    const upd = await lake.sql.execute(`UPDATE a.t SET v = upper(v), k = k + 10 WHERE k = 2 OR k IS NULL`);
    assert.equal(upd.message, 'updated 16 rows in a.t');
    assert.deepEqual(await rowsOf(lake, 'SELECT id, k, v FROM a.t WHERE id IN (2, 3, 10) ORDER BY id'), [
      ['2', '12', 'V2'], ['3', '0', 'v3'], ['10', null, 'V10'],
    ]);
    assert.equal((await lake.sql.execute('DELETE FROM a.t WHERE id = 1000')).message, 'deleted 0 rows from a.t');
    const n = await snapshots(lake, 'a', 't');
    await assert.rejects(lake.sql.execute(`UPDATE a.t SET k = CAST(v AS INTEGER) WHERE id = 3`), /Conversion Error/);
    await assert.rejects(lake.sql.execute(`UPDATE a.t SET nope = 1`), /update: a.t has no column nope/);
    assert.equal(await snapshots(lake, 'a', 't'), n);
    assert.equal((await lake.sql.execute('DELETE FROM a.t')).stats.rows, 28);
    assert.deepEqual(await rowsOf(lake, 'SELECT count(*) FROM a.t'), [['0']]);
  });
});

test('schema evolution: old files read by field id after add, rename, drop and widen', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t AS SELECT CAST(i AS INTEGER) AS n, 'x' || i AS s, i AS gone FROM range(3) t(i)`);
    const first = (await lake.catalog.loadTable('a', 't')).metadata['current-snapshot-id']!;
    await lake.sql.execute('ALTER TABLE a.t ADD COLUMN extra DECIMAL(10, 2)');
    await lake.sql.execute('ALTER TABLE a.t RENAME COLUMN s TO label');
    await lake.sql.execute('ALTER TABLE a.t DROP COLUMN gone');
    await lake.sql.execute('ALTER TABLE a.t ALTER COLUMN n TYPE BIGINT');
    await lake.sql.execute(`INSERT INTO a.t VALUES (5000000000, 'big', 1.25)`);
    const r = await lake.sql.execute('SELECT * FROM a.t ORDER BY n');
    assert.deepEqual(r.columns.map((c) => `${c.name} ${c.type}`), ['n BIGINT', 'label VARCHAR', 'extra DECIMAL(10,2)']);
    assert.deepEqual(r.rows, [['0', 'x0', null], ['1', 'x1', null], ['2', 'x2', null], ['5000000000', 'big', '1.25']]);
    // Time travel reads the snapshot with the schema it had.
    const old = await lake.sql.execute(`SELECT * FROM a.t FOR VERSION AS OF ${first} WHERE t.n = 1`);
    assert.deepEqual(old.columns.map((c) => c.name), ['n', 's', 'gone']);
    assert.deepEqual(old.rows, [[1, 'x1', '1']]);
    await assert.rejects(lake.sql.execute('ALTER TABLE a.t ALTER COLUMN n TYPE INTEGER'), InvalidInput);
    await assert.rejects(lake.sql.execute('ALTER TABLE a.t ADD COLUMN bad INTERVAL'), /column bad has type INTERVAL/);
    assert.match((await lake.sql.execute('ALTER TABLE a.t ADD COLUMN IF NOT EXISTS label VARCHAR')).message!, /already exists/);
  });
});

test('a table that never changed its schema is read by column name, with its types; partition folders add no columns', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t PARTITIONED BY (k) AS SELECT CAST(i % 2 AS INTEGER) AS k, 'v' || i AS v FROM range(4) t(i)`);
    const m = (await lake.catalog.loadTable('a', 't')).metadata;
    assert.ok(onlySchema(m, currentSchema(m)));
    const r = await lake.sql.execute('SELECT * FROM a.t ORDER BY v');
    assert.deepEqual(r.columns.map((c) => `${c.name} ${c.type}`), ['k INTEGER', 'v VARCHAR']);
    assert.deepEqual(r.rows, [[0, 'v0'], [1, 'v1'], [0, 'v2'], [1, 'v3']]);
    assert.deepEqual((await lake.sql.execute('SELECT min(v), max(v), count(*) FROM a.t WHERE k = 1')).rows, [['v1', 'v3', '2']]);
  });
});

test('time travel by timestamp sees the table as it was', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE a.t AS SELECT 1 AS id');
    const t = await lake.catalog.loadTable('a', 't');
    const at = t.metadata.snapshots[0]!['timestamp-ms'];
    await new Promise((r) => setTimeout(r, 5));
    await lake.sql.execute('INSERT INTO a.t VALUES (2)');
    const ts = new Date(at).toISOString().replace('T', ' ').replace('Z', '+00');
    assert.deepEqual(await rowsOf(lake, `SELECT count(*) FROM a.t FOR TIMESTAMP AS OF '${ts}'`), [['1']]);
    assert.deepEqual(await rowsOf(lake, `SELECT count(*) FROM a.t`), [['2']]);
    assert.deepEqual(
      await rowsOf(lake, `SELECT count(*) FROM a.t FOR TIMESTAMP AS OF '${ts}' old JOIN a.t now ON old.id = now.id`),
      [['1']],
    );
    await assert.rejects(lake.sql.execute(`SELECT * FROM a.t FOR VERSION AS OF 42`), NotFound);
    await assert.rejects(lake.sql.execute(`SELECT * FROM a.t FOR TIMESTAMP AS OF '2000-01-01 00:00:00'`), NotFound);
  });
});

test('user SQL reaches catalog tables only, and errors are one clear line', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE a.t AS SELECT 1 AS id');
    const refused: [string, RegExp][] = [
      [`SELECT * FROM read_csv('/etc/passwd')`, /table function read_csv\(\) is not allowed/],
      [`SELECT * FROM read_parquet('x.parquet')`, /table function read_parquet\(\) is not allowed/],
      [`SELECT * FROM '/etc/passwd'`, /file paths are not allowed/],
      [`SELECT * FROM a.t WHERE id IN (SELECT 1 FROM glob('*'))`, /table function glob\(\) is not allowed/],
      [`COPY a.t TO '/tmp/x.csv'`, /COPY statements are not allowed/],
      [`ATTACH '/tmp/x.db' AS x`, /ATTACH statements are not allowed/],
      [`INSTALL httpfs`, /INSTALL statements are not allowed/],
      [`LOAD httpfs`, /LOAD statements are not allowed/],
      [`PRAGMA database_list`, /PRAGMA statements are not allowed/],
      [`SET enable_external_access = true`, /SET statements are not allowed/],
      [`EXPORT DATABASE '/tmp/x'`, /EXPORT statements are not allowed/],
      [`SELECT * FROM t`, /table t needs its namespace: write namespace.t/],
      [`SELECT * FROM memory.a.t`, /name tables as namespace.table/],
      [`SELECT * FROM a.t AT (VERSION => 1)`, /FOR VERSION AS OF/],
      [`SELEC 1`, /^query: Parser Error: syntax error at or near "SELEC"$/],
      [`SELECT * FROM a.t WHERE`, /^query: Parser Error: syntax error at end of input$/],
      [`SELECT nope FROM a.t`, /^query: Binder Error: Referenced column "nope" not found in FROM clause!/],
    ];
    for (const [sql, message] of refused) {
      await assert.rejects(lake.sql.execute(sql), (e: unknown) => e instanceof InvalidInput && message.test(e.message) && !e.message.includes('\n'), sql);
    }
    await assert.rejects(lake.sql.execute('SELECT * FROM a.nope'), (e: unknown) =>
      e instanceof NotFound && e.message === 'query: no table a.nope (tables in a: t)');
    await assert.rejects(lake.sql.execute('CREATE TABLE a.t AS SELECT 1 AS x'), AlreadyExists);
    assert.match((await lake.sql.execute('CREATE TABLE IF NOT EXISTS a.t AS SELECT 1 AS x')).message!, /already exists/);
    // The views the query ran on are gone afterwards.
    assert.deepEqual(await lake.engine.all(`SELECT view_name FROM duckdb_views() WHERE NOT internal`), []);
  });
});

test('a failing CREATE TABLE AS leaves no table; DROP TABLE removes one', async () => {
  await withLake(async (lake) => {
    await assert.rejects(
      lake.sql.execute(`CREATE TABLE a.t AS SELECT CASE WHEN i = 3 THEN error('boom') ELSE i END AS id FROM range(5) t(i)`),
      /boom/,
    );
    assert.equal(await lake.catalog.tableExists('a', 't'), false);
    await lake.sql.execute('CREATE TABLE a.t AS SELECT 1 AS id');
    assert.equal((await lake.sql.execute('DROP TABLE a.t')).message, 'dropped table a.t');
    assert.equal(await lake.catalog.tableExists('a', 't'), false);
    assert.match((await lake.sql.execute('DROP TABLE IF EXISTS a.t')).message!, /does not exist/);
    await assert.rejects(lake.sql.execute('DROP TABLE a.t'), NotFound);
  });
});

test('copyTo writes a query result to a file the caller names', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t AS SELECT i AS id, 'é' || i AS s FROM range(3) t(i)`);
    const out = path.join(lake.dir, 'out.csv');
    const r = await lake.sql.copyTo('SELECT * FROM a.t WHERE id > 0 ORDER BY id', out, 'csv');
    assert.equal(r.stats.rows, 2);
    assert.equal(await fs.readFile(out, 'utf8'), 'id,s\n1,é1\n2,é2\n');
    await assert.rejects(lake.sql.copyTo('DELETE FROM a.t', out, 'csv'), /only a SELECT can be exported/);
  });
});

test('unquoted table names are case-insensitive, in reads, writes and time travel, as in DuckDB, Trino and Athena', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE TPCH.Nation AS SELECT i AS n_nationkey FROM range(5) t(i)');
    assert.ok(await lake.catalog.tableExists('tpch', 'nation'));
    await lake.sql.execute('INSERT INTO Tpch.NATION VALUES (5)');
    const first = (await lake.catalog.loadTable('tpch', 'nation')).metadata.snapshots[0]!['snapshot-id'];
    assert.deepEqual(await rowsOf(lake, 'SELECT count(*) FROM TPCH.NATION'), [['6']]);
    assert.deepEqual(await rowsOf(lake, 'SELECT count(*) FROM tpch.nation n JOIN TPCH.NATION ON TPCH.NATION.n_nationkey = n.n_nationkey'), [['6']]);
    assert.deepEqual(await rowsOf(lake, `SELECT count(*) FROM TPCH.NATION FOR VERSION AS OF ${first}`), [['5']]);
    await lake.sql.execute('DELETE FROM TPCH.NATION WHERE n_nationkey = 0');
    assert.deepEqual(await rowsOf(lake, 'SELECT count(*) FROM tpch.nation'), [['5']]);
  });
});
