import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { InvalidInput } from '../../errors.js';
import { LocalStore } from '../../storage/index.js';
import { buildSchema, parsePartitionSpec, type PartitionSpec } from '../../table/index.js';
import { withEngine, type Engine } from '../core/duckdb.js';
import { removeDataFiles, writeDataFiles } from './parquet-writer.js';

async function withStore<T>(fn: (store: LocalStore, engine: Engine) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'silt-writer-files-'));
  try {
    return await withEngine({ threads: 2 }, (engine) => fn(new LocalStore(dir), engine));
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

test('a day-partitioned year is one file per day, however often DuckDB flushes', async () => {
  await withStore(async (store, engine) => {
    const { schema } = buildSchema([{ name: 'id', type: 'long' }, { name: 'ts', type: 'timestamp' }]);
    const spec: PartitionSpec = { 'spec-id': 0, fields: parsePartitionSpec('day(ts)', schema) };
    // Flushing every 2000 rows a thread stands in for a big load (DuckDB's default is 512Ki rows).
    await engine.run('SET partitioned_write_flush_threshold = 2000');
    const files = await writeDataFiles(engine, {
      selectSql: `SELECT i AS id, TIMESTAMP '2024-01-01 12:00:00' + to_days(CAST(i % 366 AS INTEGER)) AS ts FROM range(366 * 60) t(i)`,
      schema,
      spec,
      store,
      tableLocation: store.uri('t'), tableProperties: {},
    });
    const days = new Set(files.map((f) => String(f.partition[0])));
    assert.equal(days.size, 366);
    assert.equal(files.length, 366, 'one file per partition');
    assert.ok(files.every((f) => f.recordCount === 60));
    assert.equal((await store.list('t/data/')).length, 366);
  });
});

test('a write that fails halfway leaves none of its files behind; removeDataFiles deletes written ones', async () => {
  await withStore(async (store, engine) => {
    const { schema } = buildSchema([{ name: 'id', type: 'long', required: true }]);
    const base = { schema, spec: { 'spec-id': 0, fields: [] }, store, tableLocation: store.uri('t'), tableProperties: {}, targetFileBytes: 1, rowGroupSize: 2048 };
    const kept = await writeDataFiles(engine, { ...base, selectSql: 'SELECT 1 AS id' });
    assert.equal(kept.length, 1);
    // Files rotate every row group, so several are on disk by the time the NULL near the end fails the COPY.
    await assert.rejects(
      writeDataFiles(engine, { ...base, selectSql: 'SELECT CASE WHEN i = 49000 THEN NULL ELSE i END AS id FROM range(50000) t(i)' }),
      (e: unknown) => e instanceof InvalidInput && e.message === 'write: column id is required but a row has NULL',
    );
    assert.deepEqual((await store.list('t/data/')).map((o) => store.uri(o.key)), [kept[0]!.filePath], 'only the earlier write remains');
    await removeDataFiles(store, kept);
    assert.deepEqual(await store.list('t/data/'), []);
  });
});
