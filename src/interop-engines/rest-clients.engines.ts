import assert from 'node:assert/strict';
import { test } from 'node:test';
import { siltOk } from '../testing/silt-process.js';
import { siltRows, siltSnapshots, useEngines } from './test-fixture.js';
import { assertSameRows, type Row } from './test-rows.js';

// Spark, Trino, DuckDB and PyIceberg on `silt serve`'s Iceberg REST catalog, each configured by what
// `silt connect` prints, each started once for the file. Run by interop/engines.sh, not `npm test`.

const engines = useEngines('rest');

const COW = "'write.delete.mode'='copy-on-write', 'write.update.mode'='copy-on-write', 'write.merge.mode'='copy-on-write'";

test("the demo pipeline's tables read by Spark, Trino, DuckDB and PyIceberg through REST hold the rows silt query reads", async () => {
  const e = engines();
  const all = (await siltOk(e.dir, 'table', 'list')).trim().split('\n').map((l) => l.split(/\s+/)[0]!);
  // The audit table (there once silt serve has published the audit log) goes to administrators only.
  const tables = all.filter((t) => t !== 'system.audit');
  assert.ok(tables.includes('silver.orders') && tables.some((t) => t.startsWith('gold.')), tables.join(', '));
  const listed = await e.pyiceberg.ask({ op: 'list' });
  assert.deepEqual(listed.tables, [...tables].sort(), 'PyIceberg lists the tables silt lists, but the audit');
  const sparkShown = (await e.spark.sql('SHOW NAMESPACES IN silt')).rows.map((r) => r['namespace']).sort();
  assert.deepEqual(sparkShown, [...new Set(all.map((t) => t.split('.')[0]))].sort(), 'Spark lists the namespaces');
  for (const table of tables) {
    const want = await siltRows(e.dir, `SELECT * FROM ${table}`);
    if (table === 'silver.orders' || table.startsWith('gold.')) assert.ok(want.length > 0, `${table} has rows`);
    assertSameRows((await e.spark.sql(`SELECT * FROM silt.${table}`)).rows, want, `Spark reads ${table}`);
    assertSameRows((await e.trino.sql(`SELECT * FROM silt.${table}`)).rows, want, `Trino reads ${table}`);
    assertSameRows((await e.duckdb.sql(`SELECT * FROM silt.${table}`)).rows, want, `DuckDB reads ${table}`);
    const py = await e.pyiceberg.ask({ op: 'scan', table });
    assert.ok(py.ok, py.error);
    assertSameRows(py.rows, want, `PyIceberg reads ${table}`);
  }
});

test('Spark through REST: creates, appends, overwrites, deletes, updates, merges, adds a column and a partition field, time-travels; Silt and the other engines read every row', async () => {
  const e = engines();
  const t = 'silt.spark_ns.items';
  await e.spark.sql('CREATE NAMESPACE IF NOT EXISTS silt.spark_ns');
  await e.spark.sql(`CREATE TABLE ${t} (id BIGINT, name STRING, qty INT, ts TIMESTAMP) USING iceberg TBLPROPERTIES ('format-version'='2', ${COW})`);
  await e.spark.sql(`INSERT INTO ${t} VALUES (1, 'a', 10, TIMESTAMP '2026-01-01 10:00:00'), (2, 'b', 20, TIMESTAMP '2026-01-02 10:00:00'), (3, 'c', 30, TIMESTAMP '2026-01-03 10:00:00')`);
  const first = (await siltSnapshots(e.dir, 'spark_ns.items')).at(-1)!.id;
  const firstRows = (await e.spark.sql(`SELECT * FROM ${t}`)).rows;
  await e.spark.sql(`INSERT OVERWRITE ${t} SELECT * FROM ${t} WHERE id <> 3`);
  await e.spark.sql(`DELETE FROM ${t} WHERE id = 1`);
  await e.spark.sql(`UPDATE ${t} SET qty = qty + 1 WHERE id = 2`);
  await e.spark.sql(
    `MERGE INTO ${t} d USING (SELECT 2L AS id, 'B' AS name, 0 AS qty, TIMESTAMP '2026-01-02 10:00:00' AS ts UNION ALL SELECT 4L, 'd', 40, TIMESTAMP '2026-01-04 10:00:00') s
     ON d.id = s.id WHEN MATCHED THEN UPDATE SET d.name = s.name WHEN NOT MATCHED THEN INSERT *`,
  );
  await e.spark.sql(`ALTER TABLE ${t} ADD COLUMN city STRING`);
  await e.spark.sql(`ALTER TABLE ${t} ADD PARTITION FIELD bucket(4, id)`);
  await e.spark.sql(`INSERT INTO ${t} VALUES (5, 'e', 50, TIMESTAMP '2026-01-05 10:00:00', 'oslo')`);

  const want: Row[] = [
    { id: 2, name: 'B', qty: 21, ts: '2026-01-02 10:00:00', city: null },
    { id: 4, name: 'd', qty: 40, ts: '2026-01-04 10:00:00', city: null },
    { id: 5, name: 'e', qty: 50, ts: '2026-01-05 10:00:00', city: 'oslo' },
  ];
  const wantFirst: Row[] = [
    { id: 1, name: 'a', qty: 10, ts: '2026-01-01 10:00:00' },
    { id: 2, name: 'b', qty: 20, ts: '2026-01-02 10:00:00' },
    { id: 3, name: 'c', qty: 30, ts: '2026-01-03 10:00:00' },
  ];
  assertSameRows(firstRows, wantFirst, 'Spark reads its first append');
  assertSameRows((await e.spark.sql(`SELECT * FROM ${t}`)).rows, want, 'Spark reads back');
  assertSameRows((await e.spark.sql(`SELECT * FROM ${t} VERSION AS OF ${first}`)).rows, wantFirst, 'Spark time-travels');
  const spec = (await e.spark.sql(`SELECT spec_id FROM ${t}.files`)).rows.map((r) => r['spec_id']);
  assert.ok(spec.includes(1) && spec.includes(0), `files of both partition specs: ${spec}`);

  assertSameRows(await siltRows(e.dir, 'SELECT * FROM spark_ns.items'), want, 'Silt reads what Spark wrote');
  assertSameRows(await siltRows(e.dir, `SELECT * FROM spark_ns.items FOR VERSION AS OF ${first}`), wantFirst, 'Silt time-travels to Spark\'s first snapshot');
  assertSameRows((await e.trino.sql('SELECT * FROM silt.spark_ns.items')).rows, want, 'Trino reads what Spark wrote');
  assertSameRows((await e.duckdb.sql('SELECT * FROM silt.spark_ns.items')).rows, want, 'DuckDB reads what Spark wrote');
  const ops = (await siltSnapshots(e.dir, 'spark_ns.items')).map((s) => s.operation);
  assert.deepEqual(ops.slice(0, 2), ['append', 'overwrite'], `operations ${ops}`);
});

test('Trino through REST: creates a partitioned table, appends, deletes a whole partition, adds a column, changes the partitioning, time-travels; Silt and Spark read every row', async () => {
  const e = engines();
  const t = 'silt.trino_ns.events';
  await e.trino.sql('CREATE SCHEMA silt.trino_ns');
  await e.trino.sql(`CREATE TABLE ${t} (id BIGINT, kind VARCHAR, amount DECIMAL(10,2), day DATE) WITH (format_version = 2, partitioning = ARRAY['kind'])`);
  await e.trino.sql(`INSERT INTO ${t} VALUES (1, 'click', DECIMAL '1.50', DATE '2026-02-01'), (2, 'view', DECIMAL '2.25', DATE '2026-02-02'), (3, 'click', DECIMAL '3.00', DATE '2026-02-03')`);
  const first = (await siltSnapshots(e.dir, 'trino_ns.events')).at(-1)!.id; // exact: JSON numbers lose int64 digits
  await e.trino.sql(`INSERT INTO ${t} VALUES (4, 'view', DECIMAL '4.75', DATE '2026-02-04')`);
  await e.trino.sql(`DELETE FROM ${t} WHERE kind = 'view'`); // a whole partition: files removed, no delete files
  await e.trino.sql(`ALTER TABLE ${t} ADD COLUMN note VARCHAR`);
  await e.trino.sql(`ALTER TABLE ${t} SET PROPERTIES partitioning = ARRAY['kind', 'month(day)']`);
  await e.trino.sql(`INSERT INTO ${t} VALUES (5, 'buy', DECIMAL '9.99', DATE '2026-03-01', 'first')`);

  const want: Row[] = [
    { id: 1, kind: 'click', amount: '1.50', day: '2026-02-01', note: null },
    { id: 3, kind: 'click', amount: '3.00', day: '2026-02-03', note: null },
    { id: 5, kind: 'buy', amount: '9.99', day: '2026-03-01', note: 'first' },
  ];
  const wantFirst: Row[] = [
    { id: 1, kind: 'click', amount: '1.50', day: '2026-02-01' },
    { id: 2, kind: 'view', amount: '2.25', day: '2026-02-02' },
    { id: 3, kind: 'click', amount: '3.00', day: '2026-02-03' },
  ];
  assertSameRows((await e.trino.sql(`SELECT * FROM ${t}`)).rows, want, 'Trino reads back');
  assertSameRows((await e.trino.sql(`SELECT * FROM ${t} FOR VERSION AS OF ${first}`)).rows, wantFirst, 'Trino time-travels');
  assertSameRows(await siltRows(e.dir, 'SELECT * FROM trino_ns.events'), want, 'Silt reads what Trino wrote');
  assertSameRows(await siltRows(e.dir, `SELECT * FROM trino_ns.events FOR VERSION AS OF ${first}`), wantFirst, "Silt time-travels to Trino's first snapshot");
  assertSameRows((await e.spark.sql('SELECT * FROM silt.trino_ns.events')).rows, want, 'Spark reads what Trino wrote');
  const py = await e.pyiceberg.ask({ op: 'scan', table: 'trino_ns.events' });
  assertSameRows(py.rows, want, 'PyIceberg reads what Trino wrote');
});

test('DuckDB through REST: creates, appends twice, reads back and time-travels; Silt, Spark and Trino read every row', async () => {
  const e = engines();
  await e.duckdb.sql('CREATE SCHEMA silt.duck_ns');
  await e.duckdb.sql('CREATE TABLE silt.duck_ns.readings (sensor VARCHAR, value DOUBLE, read_at TIMESTAMP)');
  await e.duckdb.sql("INSERT INTO silt.duck_ns.readings VALUES ('s1', 1.5, TIMESTAMP '2026-03-01 00:00:00'), ('s2', 2.5, TIMESTAMP '2026-03-01 01:00:00')");
  const first = (await siltSnapshots(e.dir, 'duck_ns.readings')).at(-1)!.id;
  await e.duckdb.sql("INSERT INTO silt.duck_ns.readings VALUES ('s3', -4.25, TIMESTAMP '2026-03-02 00:00:00')");
  const want: Row[] = [
    { sensor: 's1', value: 1.5, read_at: '2026-03-01 00:00:00' },
    { sensor: 's2', value: 2.5, read_at: '2026-03-01 01:00:00' },
    { sensor: 's3', value: -4.25, read_at: '2026-03-02 00:00:00' },
  ];
  assertSameRows((await e.duckdb.sql('SELECT * FROM silt.duck_ns.readings')).rows, want, 'DuckDB reads back');
  assertSameRows((await e.duckdb.sql(`SELECT * FROM silt.duck_ns.readings AT (VERSION => ${first})`)).rows, want.slice(0, 2), 'DuckDB time-travels');
  assertSameRows(await siltRows(e.dir, 'SELECT * FROM duck_ns.readings'), want, 'Silt reads what DuckDB wrote');
  assertSameRows(await siltRows(e.dir, `SELECT * FROM duck_ns.readings FOR VERSION AS OF ${first}`), want.slice(0, 2), "Silt time-travels to DuckDB's first snapshot");
  assertSameRows((await e.spark.sql('SELECT * FROM silt.duck_ns.readings')).rows, want, 'Spark reads what DuckDB wrote');
  assertSameRows((await e.trino.sql('SELECT * FROM silt.duck_ns.readings')).rows, want, 'Trino reads what DuckDB wrote');
});

test('Spark, Trino and PyIceberg appending to one table at once from many threads: each commit lands exactly once, or fails after its retries with a conflict and leaves nothing', async () => {
  const e = engines();
  const t = 'silt.race.counter';
  await e.spark.sql('CREATE NAMESPACE IF NOT EXISTS silt.race');
  await e.spark.sql(`CREATE TABLE ${t} (writer STRING, n BIGINT) USING iceberg TBLPROPERTIES ('format-version'='2', 'commit.retry.num-retries'='30', 'commit.retry.min-wait-ms'='20', 'commit.retry.max-wait-ms'='500', ${COW})`);
  const N = 12;
  const range = [...Array(N).keys()];
  const [spark, trino, py] = await Promise.all([
    e.spark.ask({ op: 'concurrent', threads: 4, sql: range.map((i) => `INSERT INTO ${t} VALUES ('spark', ${i})`) }),
    Promise.all(range.map((i) => e.trino.sql(`INSERT INTO ${t} VALUES ('trino', ${i})`).then(() => ({ i }), (err: Error) => ({ i, error: err.message })))),
    e.pyiceberg.ask({ op: 'concurrent_appends', table: 'race.counter', threads: 4, batches: range.map((i) => [{ writer: 'pyiceberg', n: i }]) }),
  ]);
  const landed: Row[] = [
    ...spark.done.map((i: number) => ({ writer: 'spark', n: i })),
    ...trino.filter((r) => !('error' in r)).map((r) => ({ writer: 'trino', n: r.i })),
    ...py.done.map((i: number) => ({ writer: 'pyiceberg', n: i })),
  ];
  const failures: string[] = [...spark.failed.map((f: { error: string }) => f.error), ...trino.flatMap((r) => ('error' in r ? [r.error!] : [])), ...py.failed.map((f: { error: string }) => f.error)];
  for (const f of failures) assert.match(f, /CommitFailed|Commit(State)?Unknown|409|conflict/i, `a failure other than a conflict: ${f}`);
  assert.ok(landed.length >= N, `most commits land: ${landed.length} of ${3 * N}; failures:\n${failures.join('\n')}`);
  assertSameRows(await siltRows(e.dir, 'SELECT writer, n FROM race.counter'), landed, 'Silt reads every landed commit once');
  assertSameRows((await e.trino.sql(`SELECT writer, n FROM ${t}`)).rows, landed, 'Trino reads every landed commit once');
  const appends = (await siltSnapshots(e.dir, 'race.counter')).filter((s) => s.operation === 'append').length;
  assert.equal(appends, landed.length, 'one append snapshot per landed commit');
  assert.equal(py.failed.length, 0, `PyIceberg retries each 409 until its append lands: ${JSON.stringify(py.failed)}`);
  console.log(`race: ${landed.length} of ${3 * N} commits landed, ${failures.length} refused; PyIceberg met ${py.conflicts} 409s and retried`);
});
