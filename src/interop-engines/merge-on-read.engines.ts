import { test } from 'node:test';
import { siltRows, useEngines } from './test-fixture.js';
import { assertSameRows, type Row } from './test-rows.js';

// Merge-on-read deletes written by Spark, Trino and DuckDB (position delete files, and Trino's
// equality-free deletes) read by Silt row for row. Not in interop/engines.sh's list until Silt reads
// delete files; add `merge-on-read` to its `tests` then.

const engines = useEngines('mor');

const MOR = "'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read', 'write.merge.mode'='merge-on-read'";

test("Spark's merge-on-read delete, update and merge are read by Silt and Trino as Spark reads them", async () => {
  const e = engines();
  const t = 'silt.mor_spark.items';
  await e.spark.sql('CREATE NAMESPACE IF NOT EXISTS silt.mor_spark');
  await e.spark.sql(`CREATE TABLE ${t} (id BIGINT, name STRING) USING iceberg TBLPROPERTIES ('format-version'='2', ${MOR})`);
  await e.spark.sql(`INSERT INTO ${t} VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')`);
  await e.spark.sql(`DELETE FROM ${t} WHERE id = 1`);
  await e.spark.sql(`UPDATE ${t} SET name = 'B' WHERE id = 2`);
  await e.spark.sql(`MERGE INTO ${t} d USING (SELECT 3L AS id, 'C' AS name UNION ALL SELECT 5L, 'e') s ON d.id = s.id WHEN MATCHED THEN UPDATE SET d.name = s.name WHEN NOT MATCHED THEN INSERT *`);
  const want: Row[] = [
    { id: 2, name: 'B' },
    { id: 3, name: 'C' },
    { id: 4, name: 'd' },
    { id: 5, name: 'e' },
  ];
  assertSameRows((await e.spark.sql(`SELECT * FROM ${t}`)).rows, want, 'Spark reads back');
  const deletes = (await e.spark.sql(`SELECT count(*) AS n FROM ${t}.delete_files`)).rows[0]!['n'];
  if (!(Number(deletes) > 0)) throw new Error(`Spark wrote no delete files (${deletes}): not a merge-on-read case`);
  assertSameRows(await siltRows(e.dir, 'SELECT * FROM mor_spark.items'), want, "Silt reads Spark's position deletes");
  assertSameRows((await e.trino.sql(`SELECT * FROM ${t}`)).rows, want, "Trino reads Spark's position deletes");
});

test("Trino's row-level delete, update and merge (position delete files) are read by Silt and Spark as Trino reads them", async () => {
  const e = engines();
  const t = 'silt.mor_trino.items';
  await e.trino.sql('CREATE SCHEMA silt.mor_trino');
  await e.trino.sql(`CREATE TABLE ${t} (id BIGINT, name VARCHAR) WITH (format_version = 2)`);
  await e.trino.sql(`INSERT INTO ${t} VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')`);
  await e.trino.sql(`DELETE FROM ${t} WHERE id = 1`);
  await e.trino.sql(`UPDATE ${t} SET name = 'B' WHERE id = 2`);
  await e.trino.sql(`MERGE INTO ${t} d USING (VALUES (BIGINT '3', 'C'), (BIGINT '5', 'e')) AS s(id, name) ON d.id = s.id WHEN MATCHED THEN UPDATE SET name = s.name WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.name)`);
  const want: Row[] = [
    { id: 2, name: 'B' },
    { id: 3, name: 'C' },
    { id: 4, name: 'd' },
    { id: 5, name: 'e' },
  ];
  assertSameRows((await e.trino.sql(`SELECT * FROM ${t}`)).rows, want, 'Trino reads back');
  assertSameRows(await siltRows(e.dir, 'SELECT * FROM mor_trino.items'), want, "Silt reads Trino's deletes");
  assertSameRows((await e.spark.sql(`SELECT * FROM ${t}`)).rows, want, "Spark reads Trino's deletes");
});

test("DuckDB's delete and update (position delete files) are read by Silt and Spark as DuckDB reads them", async () => {
  const e = engines();
  await e.duckdb.sql('CREATE SCHEMA silt.mor_duck');
  await e.duckdb.sql('CREATE TABLE silt.mor_duck.items (id BIGINT, name VARCHAR)');
  await e.duckdb.sql("INSERT INTO silt.mor_duck.items VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  await e.duckdb.sql('DELETE FROM silt.mor_duck.items WHERE id = 1');
  await e.duckdb.sql("UPDATE silt.mor_duck.items SET name = 'B' WHERE id = 2");
  const want: Row[] = [
    { id: 2, name: 'B' },
    { id: 3, name: 'c' },
  ];
  assertSameRows((await e.duckdb.sql('SELECT * FROM silt.mor_duck.items')).rows, want, 'DuckDB reads back');
  assertSameRows(await siltRows(e.dir, 'SELECT * FROM mor_duck.items'), want, "Silt reads DuckDB's deletes");
  assertSameRows((await e.spark.sql('SELECT * FROM silt.mor_duck.items')).rows, want, "Spark reads DuckDB's deletes");
});
