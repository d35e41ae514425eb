import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { buildSchema } from '../../table/index.js';
import { withEngine } from './duckdb.js';
import { icebergToDuckdb, parseTypeText } from './types-map.js';

test('DuckDB types map to Iceberg types', async () => {
  await withEngine({}, async (engine) => {
    const cases: [string, unknown][] = [
      ['TINYINT', 'int'], ['SMALLINT', 'int'], ['INTEGER', 'int'], ['BIGINT', 'long'], ['HUGEINT', 'long'],
      ['UBIGINT', 'decimal(20, 0)'], ['FLOAT', 'float'], ['DOUBLE', 'double'], ['DECIMAL(10,2)', 'decimal(10, 2)'],
      ['VARCHAR', 'string'], ['JSON', 'string'], ['DATE', 'date'], ['TIME', 'time'], ['TIMESTAMP', 'timestamp'],
      ['TIMESTAMP_MS', 'timestamp'], ['TIMESTAMP_NS', 'timestamp'], ['TIMESTAMPTZ', 'timestamptz'], ['UUID', 'uuid'],
      ['BLOB', 'binary'], ['BOOLEAN', 'boolean'],
      ['INTEGER[]', { type: 'list', element: 'int' }],
      ['VARCHAR[3]', { type: 'list', element: 'string' }],
      ['MAP(VARCHAR, DOUBLE)', { type: 'map', key: 'string', value: 'double' }],
      ['STRUCT("a b" INTEGER, c DATE[])', { type: 'struct', fields: [{ name: 'a b', type: 'int' }, { name: 'c', type: { type: 'list', element: 'date' } }] }],
    ];
    for (const [text, expected] of cases) assert.deepEqual(await parseTypeText(engine, text, 'c'), expected, text);
  });
});

test('Iceberg types map to DuckDB types that map back', async () => {
  await withEngine({}, async (engine) => {
    const { schema } = buildSchema([
      { name: 'd', type: 'decimal(38, 4)' },
      { name: 's', type: { type: 'struct', fields: [{ name: 'x y', type: 'timestamptz' }, { name: 'l', type: { type: 'list', element: 'uuid' } }] } },
      { name: 'm', type: { type: 'map', key: 'string', value: 'long' } },
    ]);
    assert.equal(icebergToDuckdb(schema.fields[0]!.type), 'DECIMAL(38, 4)');
    assert.equal(icebergToDuckdb(schema.fields[1]!.type), 'STRUCT("x y" TIMESTAMPTZ, "l" UUID[])');
    assert.equal(icebergToDuckdb(schema.fields[2]!.type), 'MAP(VARCHAR, BIGINT)');
    assert.deepEqual(await parseTypeText(engine, icebergToDuckdb(schema.fields[2]!.type), 'm'), { type: 'map', key: 'string', value: 'long' });
  });
});

test('types Iceberg cannot store are refused naming the column', async () => {
  await withEngine({}, async (engine) => {
    await assert.rejects(parseTypeText(engine, 'INTERVAL', 'gap'), (e: unknown) => e instanceof InvalidInput && /column gap has type INTERVAL/.test(e.message));
    await assert.rejects(parseTypeText(engine, 'NOPE', 'x'), (e: unknown) => e instanceof InvalidInput && /column x: unknown type NOPE/.test(e.message));
    await assert.rejects(parseTypeText(engine, "INTEGER); SELECT * FROM read_csv('x')", 'x'), /is not a type/);
  });
});
