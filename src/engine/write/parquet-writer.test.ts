import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { LocalStore } from '../../storage/index.js';
import {
  applyTransform,
  buildSchema,
  coerceLiteral,
  deserializeValue,
  parsePartitionSpec,
  type PartitionSpec,
  type PrimitiveType,
  type Schema,
} from '../../table/index.js';
import { withEngine, type Engine } from '../core/duckdb.js';
import { writeDataFiles } from './parquet-writer.js';
import { quoteLiteral } from '../core/sql-text.js';

async function withStore<T>(fn: (store: LocalStore, engine: Engine) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'silt-writer-'));
  try {
    return await withEngine({ threads: 1 }, (engine) => fn(new LocalStore(dir), engine));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const unpartitioned: PartitionSpec = { 'spec-id': 0, fields: [] };

test('writes field ids, exact sizes, counts and bounds over several row groups', async () => {
  await withStore(async (store, engine) => {
    const { schema } = buildSchema([
      { name: 'id', type: 'long', required: true },
      { name: 'd', type: 'double' },
      { name: 's', type: 'string' },
      { name: 'tags', type: { type: 'list', element: 'string' } },
    ]);
    const files = await writeDataFiles(engine, {
      selectSql: `SELECT i AS id, CASE WHEN i = 7 THEN 'nan'::DOUBLE WHEN i % 100 = 0 THEN NULL ELSE i / 2 END AS d,
        CASE WHEN i = 9999 THEN 'żółw ' || repeat('é', 30) ELSE 'ábc' || i END AS s, ['x'] AS tags FROM range(10000) t(i)`,
      schema,
      spec: unpartitioned,
      store,
      tableLocation: store.uri('warehouse/t'), tableProperties: {},
      rowGroupSize: 2048,
    });
    assert.equal(files.length, 1);
    const f = files[0]!;
    assert.equal(f.recordCount, 10000);
    const key = store.keyOf(f.filePath);
    assert.match(key, /^warehouse\/t\/data\/data_[0-9a-f-]+\.parquet$/);
    assert.equal(f.fileSizeInBytes, await store.size(key));
    const groups = await engine.all(`SELECT DISTINCT row_group_id FROM parquet_metadata(${quoteLiteral(store.enginePath(key))})`);
    assert.ok(groups.length >= 4, 'several row groups');

    const idOf = (name: string): number => schema.fields.find((x) => x.name === name)!.id;
    assert.equal(deserializeValue('long', f.lowerBounds!.get(idOf('id'))!), 0n);
    assert.equal(deserializeValue('long', f.upperBounds!.get(idOf('id'))!), 9999n);
    // NaN is never a bound; its count is left unknown (DuckDB's has_nan is unreliable across row groups).
    assert.equal(deserializeValue('double', f.lowerBounds!.get(idOf('d'))!), 0.5);
    assert.equal(deserializeValue('double', f.upperBounds!.get(idOf('d'))!), 4999.5);
    assert.equal(f.nanValueCounts, undefined);
    assert.equal(f.nullValueCounts!.get(idOf('d')), 100);
    assert.equal(f.valueCounts!.get(idOf('d')), 10000);
    assert.equal(f.nullValueCounts!.get(idOf('id')), 0);
    const s = (b: Uint8Array | undefined): string => new TextDecoder().decode(b);
    assert.equal(s(f.lowerBounds!.get(idOf('s'))), 'ábc0');
    assert.equal(s(f.upperBounds!.get(idOf('s'))), 'żółw ' + 'é'.repeat(10) + 'ê');
    // Leaves inside lists get counts but no bounds.
    const element = (schema.fields[3]!.type as { 'element-id': number })['element-id'];
    assert.equal(f.valueCounts!.get(element), 10000);
    assert.equal(f.lowerBounds!.has(element), false);

    const parquetIds = await engine.allJson<{ name: string; field_id: string | null }>(
      `SELECT name, field_id FROM parquet_schema(${quoteLiteral(store.enginePath(key))})`,
    );
    assert.deepEqual(
      parquetIds.filter((r) => r.field_id !== null).map((r) => [r.name, Number(r.field_id)]),
      [['id', 1], ['d', 2], ['s', 3], ['tags', 4], ['element', 5]],
    );
    const kv = await engine.allJson<{ v: string }>(
      `SELECT decode(value) AS v FROM parquet_kv_metadata(${quoteLiteral(store.enginePath(key))}) WHERE decode(key) = 'iceberg.schema'`,
    );
    assert.deepEqual(JSON.parse(kv[0]!.v), JSON.parse(JSON.stringify(schema)));
  });
});

test('an empty select writes no file; a NULL in a required column fails naming it', async () => {
  await withStore(async (store, engine) => {
    const { schema } = buildSchema([{ name: 'id', type: 'int', required: true }]);
    const base = { schema, spec: unpartitioned, store, tableLocation: store.uri('t'), tableProperties: {} };
    assert.deepEqual(await writeDataFiles(engine, { ...base, selectSql: 'SELECT 1 AS id WHERE false' }), []);
    assert.deepEqual(await store.list('t/'), []);
    const partitioned: PartitionSpec = { 'spec-id': 0, fields: parsePartitionSpec('bucket(4, id)', schema) };
    assert.deepEqual(await writeDataFiles(engine, { ...base, spec: partitioned, selectSql: 'SELECT 1 AS id WHERE false' }), []);
    await assert.rejects(
      writeDataFiles(engine, { ...base, selectSql: 'SELECT NULL::INTEGER AS id' }),
      (e: unknown) => e instanceof InvalidInput && e.message === 'write: column id is required but a row has NULL',
    );
  });
});

/** Column SQL giving each source value in table/'s JS value convention (as text or a number). */
const AS_CONVENTION: Record<string, (col: string) => string> = {
  int: (c) => c,
  long: (c) => `CAST(${c} AS VARCHAR)`,
  date: (c) => `date_diff('day', DATE '1970-01-01', ${c})`,
  timestamp: (c) => `CAST(epoch_us(${c}) AS VARCHAR)`,
  timestamptz: (c) => `CAST(epoch_us(${c}) AS VARCHAR)`,
  string: (c) => c,
  uuid: (c) => `CAST(${c} AS VARCHAR)`,
  'decimal(9, 2)': (c) => `CAST(${c} AS VARCHAR)`,
  binary: (c) => `hex(${c})`,
};

function convention(type: PrimitiveType, v: unknown): unknown {
  if (v === null) return null;
  if (type === 'long' || type === 'timestamp' || type === 'timestamptz') return BigInt(v as string);
  if (type === 'binary') return new Uint8Array(Buffer.from(v as string, 'hex'));
  if (type === 'decimal(9, 2)' || type === 'uuid') return coerceLiteral(type, v as string);
  return v;
}

test('partition values of every transform match applyTransform, including before the epoch', async () => {
  await withStore(async (store, engine) => {
    const { schema } = buildSchema([
      { name: 'ts', type: 'timestamp' }, { name: 'tz', type: 'timestamptz' }, { name: 'd', type: 'date' },
      { name: 'id', type: 'long' }, { name: 'n', type: 'int' }, { name: 's', type: 'string' },
      { name: 'dec', type: 'decimal(9, 2)' }, { name: 'u', type: 'uuid' }, { name: 'b', type: 'binary' },
    ]);
    const specs = [
      'year(ts), month(tz), day(d), hour(tz)',
      'day(ts), day(tz), year(d), month(d)',
      'hour(ts), bucket(7, id), bucket(5, n), bucket(3, s)',
      'bucket(4, d), bucket(4, ts), bucket(6, dec), bucket(4, u), bucket(4, b)',
      'truncate(10, id), truncate(10, n), truncate(2, s), truncate(50, dec), truncate(2, b)',
      'identity(ts), identity(d), identity(s), identity(dec), identity(u)',
      'identity(tz), identity(b), identity(n), void(id)',
    ];
    const rows = `SELECT TIMESTAMP '1969-12-31 23:30:00' + INTERVAL (i * 37) HOUR AS ts,
        TIMESTAMPTZ '1969-12-31 23:59:59.999999+00' + INTERVAL (i * 911) MINUTE AS tz,
        DATE '1969-12-30' + (i * 40)::INTEGER AS d, (i - 5) * 13 AS id, CAST(-1 - i * 7 AS INTEGER) AS n,
        CASE WHEN i = 3 THEN NULL ELSE 'żółw' || i END AS s, CAST((i - 4) * 3.37 AS DECIMAL(9, 2)) AS dec,
        uuid() AS u, CAST('\\x00\\xFF' || i AS BLOB) AS b FROM range(12) t(i)`;
    for (const text of specs) {
      const spec: PartitionSpec = { 'spec-id': 3, fields: parsePartitionSpec(text, schema) };
      const files = await writeDataFiles(engine, { selectSql: rows, schema, spec, store, tableLocation: store.uri(`p${specs.indexOf(text)}`), tableProperties: {} });
      assert.equal(files.reduce((n, f) => n + f.recordCount, 0), 12, text);
      for (const file of files) {
        assert.equal(file.specId, 3);
        const cols = spec.fields.map((pf) => {
          const src = schema.fields.find((f) => f.id === pf['source-id'])!;
          return `${AS_CONVENTION[src.type as string]!(`"${src.name}"`)} AS "${pf.name}"`;
        });
        const data = await engine.all(`SELECT ${cols.join(', ')} FROM read_parquet(${quoteLiteral(store.enginePath(store.keyOf(file.filePath)))})`);
        for (const row of data) {
          spec.fields.forEach((pf, i) => {
            const src = schema.fields.find((f) => f.id === pf['source-id'])!;
            const type = src.type as PrimitiveType;
            const expected = applyTransform(pf.transform, type, convention(type, row[pf.name]));
            assert.deepEqual(file.partition[i], expected, `${pf.transform}(${src.name}) of ${String(row[pf.name])}`);
          });
        }
      }
    }
  });
});

test('rows known to share one partition are written unpartitioned, with the same partition value and folder', async () => {
  await withStore(async (store, engine) => {
    const { schema } = buildSchema([
      { name: 'id', type: 'long' },
      { name: 'at', type: 'timestamptz' },
    ]);
    const spec = parsePartitionSpec('day(at)', schema);
    const write = (onePartition: boolean, table: string) =>
      writeDataFiles(engine, {
        selectSql: `SELECT i AS id, TIMESTAMPTZ '2026-11-22 10:00:00+00' AS at FROM range(1000) t(i)`,
        schema,
        spec: { 'spec-id': 0, fields: spec },
        store,
        tableLocation: store.uri(`warehouse/${table}`), tableProperties: {},
        onePartition,
      });
    const [general, one] = [await write(false, 'a'), await write(true, 'b')];
    assert.equal(one.length, 1);
    assert.deepEqual(one.map((f) => [f.partition, f.recordCount]), general.map((f) => [f.partition, f.recordCount]));
    assert.equal(path.dirname(store.keyOf(one[0]!.filePath)).replace('warehouse/b', 'warehouse/a'), path.dirname(store.keyOf(general[0]!.filePath)));
    const empty = await writeDataFiles(engine, {
      selectSql: `SELECT 1 AS id, now() AS at WHERE false`,
      schema,
      spec: { 'spec-id': 0, fields: spec },
      store,
      tableLocation: store.uri('warehouse/c'), tableProperties: {},
      onePartition: true,
    });
    assert.deepEqual(empty, []);
  });
});

test("the table's write.parquet.compression-codec and -level choose how its files are compressed; zstd unless set", async () => {
  await withStore(async (store, engine) => {
    const { schema } = buildSchema([{ name: 'id', type: 'long' }, { name: 's', type: 'string' }]);
    const write = (table: string, tableProperties: Record<string, string>) =>
      writeDataFiles(engine, {
        selectSql: `SELECT i AS id, 'row ' || (i % 97) AS s FROM range(20000) t(i)`,
        schema, spec: unpartitioned, store, tableLocation: store.uri(`warehouse/${table}`), tableProperties,
      });
    const codecs = async (properties: Record<string, string>, table: string): Promise<string[]> => {
      const [file] = await write(table, properties);
      const rows = await engine.allJson<{ c: string }>(
        `SELECT DISTINCT compression AS c FROM parquet_metadata(${quoteLiteral(store.enginePath(store.keyOf(file!.filePath)))})`,
      );
      return rows.map((r) => r.c);
    };
    assert.deepEqual(await codecs({}, 'default'), ['ZSTD']);
    assert.deepEqual(await codecs({ 'write.parquet.compression-codec': 'snappy' }, 'snappy'), ['SNAPPY']);
    assert.deepEqual(await codecs({ 'write.parquet.compression-codec': 'GZIP' }, 'gzip'), ['GZIP']);
    assert.deepEqual(await codecs({ 'write.parquet.compression-codec': 'uncompressed' }, 'plain'), ['UNCOMPRESSED']);
    const sizeAt = async (level: string) => (await write(`zstd${level}`, { 'write.parquet.compression-codec': 'zstd', 'write.parquet.compression-level': level }))[0]!.fileSizeInBytes;
    assert.ok((await sizeAt('19')) < (await sizeAt('1')), 'a higher zstd level writes a smaller file');
    await assert.rejects(write('bad', { 'write.parquet.compression-codec': 'lzo' }), (e: unknown) => {
      assert.ok(e instanceof InvalidInput);
      assert.match(e.message, /table property write\.parquet\.compression-codec is "lzo"; set it to one of zstd, snappy, gzip, lz4, brotli, uncompressed/);
      assert.match(e.message, /warehouse\/bad/);
      return true;
    });
    await assert.rejects(write('bad2', { 'write.parquet.compression-level': 'max' }), /write\.parquet\.compression-level is "max"; zstd takes a whole level from 1/);
  });
});
