/**
 * MERGE INTO and INSERT OVERWRITE: the rows DuckDB's own statements give on a copy, one Iceberg
 * commit each, errors that name the row, and commits that race them never lost.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AccessDenied, InvalidInput } from '../../errors.js';
import { Table, type MetadataPointer } from '../../table/index.js';
import { withLake, type Lake } from '../../testing/lake.js';
import type { AccessPolicy } from '../core/index.js';
import { SqlSession } from './session.js';
import type { TableResolver } from './table-resolver.js';

const TARGET = `SELECT i AS id, i * 10 AS qty, 'n' || i AS note FROM range(40) r(i) UNION ALL SELECT 7, 1, 'second 7'`;
const SOURCE = `SELECT 30 + i AS id, CASE WHEN i % 3 = 0 THEN 500 ELSE i END AS qty, CASE WHEN i % 5 = 0 THEN 'delete' ELSE 'keep' END AS op, 's' || i AS note
  FROM range(20) r(i) UNION ALL SELECT 7, 2, 'keep', 'hits both 7s'`;

/** The table's rows as sorted text, the same for Silt's reads and plain DuckDB's. */
const rowsText = (cols: string) => `SELECT concat_ws('|', ${cols}) AS r`;

async function siltRows(lake: Lake, table: string, cols = 'id, qty, note'): Promise<string[]> {
  return (await lake.sql.execute(`${rowsText(cols)} FROM ${table} ORDER BY r`)).rows.map((r) => String(r[0]));
}

async function duckRows(lake: Lake, table: string, cols = 'id, qty, note'): Promise<string[]> {
  return (await lake.engine.all<{ r: string }>(`${rowsText(cols)} FROM ${table} ORDER BY r`)).map((r) => r.r);
}

/** Runs `merge` (naming `{t}` and `{s}`) on Silt's tables and, as DuckDB's own MERGE, on plain copies; the rows must agree. */
async function sameAsDuckDB(lake: Lake, merge: string, partitionBy = 'bucket(4, id)'): Promise<string> {
  await lake.sql.execute(`CREATE TABLE a.t PARTITIONED BY (${partitionBy}) AS ${TARGET}`);
  await lake.sql.execute(`CREATE TABLE a.s AS ${SOURCE}`);
  await lake.engine.run(`CREATE OR REPLACE TABLE plain_t AS ${TARGET}; CREATE OR REPLACE TABLE plain_s AS ${SOURCE}`);
  const done = await lake.sql.execute(merge.replaceAll('{t}', 'a.t').replaceAll('{s}', 'a.s'));
  await lake.engine.run(merge.replaceAll('{t}', 'plain_t').replaceAll('{s}', 'plain_s'));
  const expected = await duckRows(lake, 'plain_t');
  assert.deepEqual(await siltRows(lake, 'a.t'), expected);
  return done.message!;
}

test('MERGE with conditional UPDATE, DELETE and INSERT clauses (first match wins) gives the rows DuckDB\'s MERGE gives, in one overwrite commit', async () => {
  await withLake(async (lake) => {
    const message = await sameAsDuckDB(lake, `MERGE INTO {t} AS t USING {s} AS s ON t.id = s.id
      WHEN MATCHED AND s.op = 'delete' THEN DELETE
      WHEN MATCHED AND s.qty > 100 THEN UPDATE SET qty = s.qty, note = 'big ' || s.note
      WHEN MATCHED THEN UPDATE SET qty = t.qty + s.qty
      WHEN NOT MATCHED AND s.op <> 'delete' THEN INSERT (id, note, qty) VALUES (s.id, s.note, s.qty)`);
    // ids 30..39 match (30, 35 deleted; 33, 36, 39 big) and both 7s match one source row; 40..49 insert but 40, 45.
    assert.equal(message, 'merged into a.t: 10 rows updated, 2 rows deleted, 8 rows inserted');
    const table = await lake.catalog.loadTable('a', 't');
    assert.equal(table.metadata.snapshots.length, 2, 'one commit');
    const summary = table.metadata.snapshots.at(-1)!.summary;
    assert.equal(summary.operation, 'overwrite');
    assert.equal(summary['total-records'], String(41 - 2 + 8));
  });
});

test('MERGE from a subquery, with DO NOTHING and WHEN NOT MATCHED BY SOURCE, agrees with DuckDB', async () => {
  await withLake(async (lake) => {
    await sameAsDuckDB(lake, `MERGE INTO {t} AS t USING (SELECT id, qty * 2 AS qty, note, op FROM {s} WHERE id >= 30) AS src ON t.id = src.id
      WHEN MATCHED AND src.op = 'delete' THEN DO NOTHING
      WHEN MATCHED THEN UPDATE SET note = CASE WHEN src.qty > 100 THEN 'big' ELSE 'small' END
      WHEN NOT MATCHED BY SOURCE AND t.id < 10 THEN DELETE
      WHEN NOT MATCHED BY SOURCE AND t.id < 20 THEN UPDATE SET qty = -1`);
  });
});

test('Spark\'s UPDATE SET *, INSERT * (the source\'s columns by name) and SET t.col; a view as the source', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t AS SELECT i AS id, 'old' AS note FROM range(3) r(i)`);
    await lake.sql.execute(`MERGE INTO a.t t USING (SELECT 'new' AS note, i + 1 AS id FROM range(3) r(i)) s ON t.id = s.id
      WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *`);
    assert.deepEqual(await siltRows(lake, 'a.t', 'id, note'), ['0|old', '1|new', '2|new', '3|new']);
    await lake.sql.execute(`CREATE VIEW a.v AS SELECT i AS id, 'from view' AS label FROM range(2) r(i)`);
    await lake.sql.execute(`MERGE INTO a.t AS target USING a.v ON target.id = v.id WHEN MATCHED THEN UPDATE SET target.note = v.label`);
    assert.deepEqual(await siltRows(lake, 'a.t', 'id, note'), ['0|from view', '1|from view', '2|new', '3|new']);
    await assert.rejects(lake.sql.execute(`MERGE INTO a.t AS target USING a.v ON target.id = v.id WHEN MATCHED THEN UPDATE SET v.label = 'x'`), /merge: SET v\.label: only the target's columns are set/);
    await assert.rejects(
      lake.sql.execute(`MERGE INTO a.t t USING (SELECT 9 AS id) s ON t.id = s.id WHEN NOT MATCHED THEN INSERT *`),
      (e: unknown) => e instanceof InvalidInput && /merge: the source has no column note, which \* needs \(source columns: id\)/.test(e.message),
    );
  });
});

test('DuckDB\'s bare UPDATE / INSERT (by position), BY NAME and INSERT DEFAULT VALUES give the rows DuckDB gives', async () => {
  await withLake(async (lake) => {
    const reordered = `SELECT 'note ' || i AS note, (i * 7) % 45 AS id, i AS qty FROM range(30) r(i)`;
    await lake.sql.execute(`CREATE TABLE a.t AS ${TARGET}`);
    await lake.sql.execute(`CREATE TABLE a.s AS ${reordered}`);
    await lake.engine.run(`CREATE OR REPLACE TABLE plain_t AS ${TARGET}; CREATE OR REPLACE TABLE plain_s AS ${reordered}`);
    const statements = [
      `MERGE INTO {t} AS t USING (SELECT id AS a, qty AS b, note AS c FROM {s}) AS s ON t.id = s.a AND t.id <> 7 WHEN MATCHED AND s.b % 2 = 0 THEN UPDATE WHEN NOT MATCHED THEN INSERT`,
      `MERGE INTO {t} AS t USING {s} AS s ON t.id = s.id + 1 WHEN MATCHED THEN UPDATE BY NAME WHEN NOT MATCHED AND s.qty < 5 THEN INSERT BY NAME`,
      `MERGE INTO {t} AS t USING (SELECT 99 AS id) AS s ON t.id = s.id WHEN NOT MATCHED THEN INSERT DEFAULT VALUES`,
    ];
    for (const m of statements) {
      await lake.sql.execute(m.replaceAll('{t}', 'a.t').replaceAll('{s}', 'a.s'));
      await lake.engine.run(m.replaceAll('{t}', 'plain_t').replaceAll('{s}', 'plain_s'));
      assert.deepEqual(await siltRows(lake, 'a.t'), await duckRows(lake, 'plain_t'), m);
    }
    await assert.rejects(
      lake.sql.execute(`MERGE INTO a.t AS t USING (SELECT 1 AS id, 2 AS qty) AS s ON t.id = s.id WHEN NOT MATCHED THEN INSERT`),
      /merge: a\.t has 3 columns but the source gives 2, which UPDATE\/INSERT by position needs to be equal/,
    );
  });
});

test('a target row matched by two source rows is an error naming its key, and nothing is committed', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t AS SELECT i AS id, 'n' || i AS note FROM range(5) r(i)`);
    await lake.sql.execute(`CREATE TABLE a.s AS SELECT * FROM (VALUES (3, 'x'), (3, 'y'), (9, 'z')) v(id, note)`);
    const before = (await lake.catalog.loadTable('a', 't')).metadata.snapshots.length;
    await assert.rejects(
      lake.sql.execute(`MERGE INTO a.t USING a.s ON t.id = s.id WHEN MATCHED THEN UPDATE SET note = s.note WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.note)`),
      (e: unknown) => e instanceof InvalidInput && /^merge: the row of a\.t with id = 3 is matched by 2 source rows; .*nothing was committed$/.test(e.message),
    );
    assert.equal((await lake.catalog.loadTable('a', 't')).metadata.snapshots.length, before);
    assert.deepEqual(await siltRows(lake, 'a.t', 'id, note'), ['0|n0', '1|n1', '2|n2', '3|n3', '4|n4']);
    // Only a change counts: the same pair under a clause that does not fire for one of them is fine.
    await lake.sql.execute(`MERGE INTO a.t USING a.s ON t.id = s.id WHEN MATCHED AND s.note = 'y' THEN UPDATE SET note = s.note`);
    assert.deepEqual(await siltRows(lake, 'a.t', 'id, note'), ['0|n0', '1|n1', '2|n2', '3|y', '4|n4']);
  });
});

test('MERGE rewrites only the files holding changed rows; under write.merge.mode = merge-on-read it adds position deletes and removes no file', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t PARTITIONED BY (bucket(8, id)) AS SELECT i AS id, 'n' || i AS note FROM range(64) r(i)`);
    const table = await lake.catalog.loadTable('a', 't');
    const files = async () => (await table.planFiles()).files.map((f) => f.filePath);
    const before = await files();
    await lake.sql.execute(`MERGE INTO a.t USING (SELECT 5 AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET note = 'five'`);
    await table.refresh();
    const after = await files();
    assert.equal(before.filter((f) => !after.includes(f)).length, 1, 'one file rewritten');
    assert.equal(after.length, before.length);

    await lake.sql.execute(`ALTER TABLE a.t SET TBLPROPERTIES ('write.merge.mode' = 'merge-on-read')`);
    const merged = await lake.sql.execute(`MERGE INTO a.t USING (SELECT i AS id FROM range(60, 70) r(i)) s ON t.id = s.id
      WHEN MATCHED AND s.id % 2 = 0 THEN DELETE WHEN MATCHED THEN UPDATE SET note = 'odd' WHEN NOT MATCHED THEN INSERT VALUES (s.id, 'new')`);
    assert.equal(merged.message, 'merged into a.t: 2 rows updated, 2 rows deleted, 6 rows inserted');
    await table.refresh();
    const summary = table.metadata.snapshots.at(-1)!.summary;
    assert.equal(summary.operation, 'overwrite');
    assert.equal(summary['deleted-data-files'] ?? '0', '0');
    assert.equal(summary['added-position-deletes'], '4');
    const now = await files();
    assert.ok(after.every((f) => now.includes(f)), 'no data file removed');
    assert.deepEqual(await siltRows(lake, 'a.t WHERE id >= 58', 'id, note'), ['58|n58', '59|n59', '61|odd', '63|odd', '64|new', '65|new', '66|new', '67|new', '68|new', '69|new']);
  });
});

test('INSERT OVERWRITE replaces the whole unpartitioned table, or only the partitions its rows fall in, in one overwrite commit', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.u AS SELECT i AS id FROM range(10) r(i)`);
    const whole = await lake.sql.execute(`INSERT OVERWRITE TABLE a.u SELECT id * 100 FROM a.u WHERE id < 3`);
    assert.equal(whole.message, 'overwrote a.u: 3 rows written, replacing all its rows (1 file)');
    assert.deepEqual(await siltRows(lake, 'a.u', 'id'), ['0', '100', '200']);

    const days = `SELECT DATE '2024-01-01' + (i % 4)::INTEGER AS day, i AS id, 'old' AS v FROM range(40) r(i)`;
    await lake.sql.execute(`CREATE TABLE a.p PARTITIONED BY (day) AS ${days}`);
    const table = await lake.catalog.loadTable('a', 'p');
    const before = (await table.planFiles()).files;
    const done = await lake.sql.execute(`INSERT OVERWRITE a.p SELECT day, id + 1000, 'new' FROM a.p WHERE day IN (DATE '2024-01-02', DATE '2024-01-04') AND id < 20`);
    assert.equal(done.message, 'overwrote a.p: 10 rows written, replacing 2 partitions');
    // The same by hand on a plain copy: delete those days, insert the new rows.
    await lake.engine.run(`CREATE OR REPLACE TABLE plain_p AS ${days};
      CREATE OR REPLACE TEMP TABLE plain_new AS SELECT day, id + 1000 AS id, 'new' AS v FROM plain_p WHERE day IN (DATE '2024-01-02', DATE '2024-01-04') AND id < 20;
      DELETE FROM plain_p WHERE day IN (SELECT day FROM plain_new); INSERT INTO plain_p SELECT * FROM plain_new`);
    assert.deepEqual(await siltRows(lake, 'a.p', 'day, id, v'), await duckRows(lake, 'plain_p', 'day, id, v'));
    await table.refresh();
    const after = (await table.planFiles()).files;
    const untouched = before.filter((f) => ['2024-01-01', '2024-01-03'].some((d) => f.filePath.includes(`day=${d}`)));
    assert.equal(untouched.length, 2);
    assert.ok(untouched.every((f) => after.some((g) => g.filePath === f.filePath)), 'the other days keep their files');
    assert.equal(after.length, 4);
    const summary = table.metadata.snapshots.at(-1)!.summary;
    assert.equal(summary.operation, 'overwrite');
    assert.equal(summary['deleted-data-files'], '2');
    assert.equal(table.metadata.snapshots.length, 2);

    const none = await lake.sql.execute(`INSERT OVERWRITE a.p SELECT * FROM a.p WHERE false`);
    assert.equal(none.message, 'overwrote a.p: 0 rows written, replacing 0 partitions');
    await table.refresh();
    assert.equal(table.metadata.snapshots.length, 2, 'no rows, no partition replaced, no commit');
    await assert.rejects(lake.sql.execute(`INSERT OVERWRITE a.p PARTITION (day = '2024-01-01') SELECT 1, 2, 'x'`), /INSERT OVERWRITE … PARTITION \(…\) is not supported/);
    await assert.rejects(lake.sql.execute(`INSERT OVERWRITE a.p SELECT 1`), /insert: a\.p has 3 columns but the query gives 1/);
  });
});

/** A resolver whose tables' first compare-and-swap is beaten by `race` (another writer's commit). */
function racing(lake: Lake, race: () => Promise<void>): { resolver: TableResolver; raced: () => number } {
  let raced = 0;
  const resolver: TableResolver = {
    store: lake.store,
    loadTable: async (ns, name) => {
      const pointer: MetadataPointer = (await lake.catalog.loadTable(ns, name)).target(async () => undefined).pointer;
      const table = new Table(lake.store, {
        name: pointer.name,
        load: () => pointer.load(),
        swap: async (expected, next) => {
          if (raced++ === 0) await race();
          return pointer.swap(expected, next);
        },
      });
      await table.refresh();
      return table;
    },
    createTable: (...args) => lake.catalog.createTable(...args),
    createTableWith: (...args) => lake.catalog.createTableWith(...args),
    dropTable: (ns, name) => lake.catalog.dropTable(ns, name),
    tableExists: (ns, name) => lake.catalog.tableExists(ns, name),
  };
  return { resolver, raced: () => raced };
}

for (const mode of ['copy-on-write', 'merge-on-read']) {
  test(`a commit landing between a MERGE's plan and its commit is not lost: the MERGE plans again on the new base (${mode})`, async () => {
    await withLake(async (lake) => {
      await lake.sql.execute(`CREATE TABLE a.t AS SELECT i AS id, 0 AS n FROM range(4) r(i)`);
      await lake.sql.execute(`ALTER TABLE a.t SET TBLPROPERTIES ('write.merge.mode' = '${mode}')`);
      const { resolver, raced } = racing(lake, async () => void (await lake.sql.execute(`INSERT INTO a.t VALUES (10, 0), (11, 0)`)));
      const done = await new SqlSession(lake.engine, resolver).execute(`MERGE INTO a.t USING (SELECT i AS id FROM range(9, 12) r(i)) s ON t.id = s.id
        WHEN MATCHED THEN UPDATE SET n = n + 1 WHEN NOT MATCHED THEN INSERT VALUES (s.id, 100)`);
      assert.ok(raced() >= 2, 'the first swap lost and the MERGE was committed again');
      assert.equal(done.message, 'merged into a.t: 2 rows updated, 0 rows deleted, 1 row inserted', 'the rows inserted meanwhile are matched, not inserted twice');
      assert.deepEqual(await siltRows(lake, 'a.t', 'id, n'), ['0|0', '10|1', '11|1', '1|0', '2|0', '3|0', '9|100']);
    });
  });
}

test('a commit landing during INSERT OVERWRITE is not lost: the rows are computed again on the new base', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.p PARTITIONED BY (k) AS SELECT i % 2 AS k, i AS id FROM range(6) r(i)`);
    const { resolver } = racing(lake, async () => void (await lake.sql.execute(`INSERT INTO a.p VALUES (0, 100), (1, 101)`)));
    await new SqlSession(lake.engine, resolver).execute(`INSERT OVERWRITE a.p SELECT k, id + 1 FROM a.p WHERE k = 0`);
    assert.deepEqual(await siltRows(lake, 'a.p', 'k, id'), ['0|1', '0|101', '0|3', '0|5', '1|1', '1|101', '1|3', '1|5']);
  });
});

test('hostile SQL inside MERGE and INSERT OVERWRITE is refused as elsewhere; the target needs MODIFY and an unfiltered read', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t AS SELECT i AS id, 'n' || i AS note FROM range(3) r(i)`);
    const hostile = [
      `MERGE INTO a.t USING (SELECT * FROM read_csv('/etc/passwd')) s ON t.id = 1 WHEN MATCHED THEN DELETE`,
      `MERGE INTO a.t USING (SELECT 1 AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET note = (SELECT content FROM read_text('/etc/passwd'))`,
      `MERGE INTO a.t USING (SELECT 1 AS id) s ON t.id = s.id AND EXISTS (SELECT 1 FROM glob('/*')) WHEN MATCHED THEN DELETE`,
      `MERGE INTO a.t USING (SELECT 1 AS id) s ON t.id = s.id WHEN NOT MATCHED AND current_setting('threads') > 0 THEN INSERT VALUES (1, 'x')`,
      `MERGE INTO a.t USING (SELECT 1 AS id) s ON t.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (1, 'x'); COPY a.t TO 'out.csv'`,
      `MERGE INTO a.t USING (SELECT 1 AS id) s ON true) AS x, read_text('/etc/passwd') AS y ON (true WHEN MATCHED THEN DELETE`,
      `INSERT OVERWRITE a.t SELECT 1, content FROM read_text('/etc/passwd')`,
    ];
    for (const sql of hostile) {
      await assert.rejects(lake.sql.execute(sql), (e: unknown) => e instanceof InvalidInput && /is not allowed|syntax error|one statement at a time/.test(e.message), sql);
    }
    assert.equal((await lake.catalog.loadTable('a', 't')).metadata.snapshots.length, 1);

    const policy: AccessPolicy = {
      read: (p) => (p.name === 'filtered' ? { rowFilter: 'id > 0' } : {}),
      checkWrite: (p, privilege) => {
        if (p.name === 'reader') throw new AccessDenied(`reader may not ${privilege} a.t`);
      },
    };
    const session = new SqlSession(lake.engine, lake.catalog, { policy });
    const merge = `MERGE INTO a.t USING (SELECT 0 AS id) s ON t.id = s.id WHEN MATCHED THEN DELETE`;
    await assert.rejects(session.execute(merge, { principal: { name: 'reader', kind: 'user' } }), /reader may not MODIFY a\.t/);
    await assert.rejects(session.execute(merge, { principal: { name: 'filtered', kind: 'user' } }), /reads a\.t through a filter or mask, so may not change it/);
    await assert.rejects(session.execute('INSERT OVERWRITE a.t SELECT * FROM a.t', { principal: { name: 'filtered', kind: 'user' } }), /reads a\.t through a filter or mask/);
    assert.equal((await session.execute(merge, { principal: { name: 'writer', kind: 'user' } })).message, 'merged into a.t: 0 rows updated, 1 row deleted, 0 rows inserted');
  });
});

test('MERGE syntax errors say what is wrong', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.t AS SELECT 1 AS id`);
    const cases: [string, RegExp][] = [
      ['MERGE INTO a.t USING a.t ON true WHEN MATCHED THEN DELETE', /the target and the source are both called t; give them aliases/],
      ['MERGE INTO a.t USING (SELECT 1 AS id) ON true WHEN MATCHED THEN DELETE', /a subquery source needs an alias/],
      ['MERGE INTO a.t AS t USING (SELECT 1 AS id) s ON t.id = s.id', /MERGE needs at least one WHEN/],
      ['MERGE INTO a.t AS t USING (SELECT 1 AS id) s ON t.id = s.id WHEN NOT MATCHED THEN DELETE', /WHEN NOT MATCHED can only INSERT or DO NOTHING/],
      ['MERGE INTO a.t AS t USING (SELECT 1 AS id) s ON t.id = s.id WHEN MATCHED THEN INSERT VALUES (1)', /WHEN MATCHED can only UPDATE or DELETE or DO NOTHING/],
      ['MERGE INTO a.t AS t USING (SELECT 1 AS id) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET nope = 1', /merge: a\.t has no column nope \(columns: id\)/],
      ['MERGE INTO a.t AS t USING (SELECT 1 AS id) s ON t.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (1, 2)', /INSERT into a\.t needs 1 values \(one per column\) but gives 2 values/],
    ];
    for (const [sql, message] of cases) await assert.rejects(lake.sql.execute(sql), message, sql);
  });
});

test('MERGE into a table that has no rows yet inserts; INSERT OVERWRITE of it writes its first snapshot', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE a.e (id BIGINT, note VARCHAR)`);
    const merged = await lake.sql.execute(`MERGE INTO a.e USING (SELECT 1 AS id) s ON e.id = s.id WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT VALUES (s.id, 'x')`);
    assert.equal(merged.message, 'merged into a.e: 0 rows updated, 0 rows deleted, 1 row inserted');
    await lake.sql.execute(`CREATE TABLE a.f (id BIGINT, note VARCHAR)`);
    await lake.sql.execute(`INSERT OVERWRITE a.f SELECT id + 1, note FROM a.e`);
    assert.deepEqual(await siltRows(lake, 'a.f', 'id, note'), ['2|x']);
  });
});
