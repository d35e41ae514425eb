import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { MemoryStore } from '../../storage/index.js';
import type { DataFile, Schema } from '../../table/index.js';
import { Engine } from './duckdb.js';
import { quoteLiteral } from './sql-text.js';
import { engineLocations, scanSql } from './table-reader.js';

const SCHEMA: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] };

test("a table's data files on a store DuckDB cannot read in place are read through the store's copies", async () => {
  const engine = await Engine.open({ threads: 1 });
  const store = new MemoryStore();
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'silt-scan-'));
  try {
    const files: DataFile[] = [];
    for (const [name, from] of [['a', 0], ['b', 10]] as const) {
      const local = path.join(tmp, `${name}.parquet`);
      await engine.run(`COPY (SELECT range::BIGINT AS id FROM range(${from}, ${from + 3})) TO ${quoteLiteral(local)} (FORMAT parquet, FIELD_IDS {id: 1})`);
      const bytes = await readFile(local);
      const key = `db/t/data/${name}.parquet`;
      await store.put(key, Uint8Array.from(bytes));
      files.push({ content: 0, filePath: store.uri(key), fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: 3, fileSizeInBytes: bytes.length });
    }
    const sql = await scanSql({ schema: SCHEMA, files, table: 'db.t', verifyChecksums: true }, store, { fileColumn: '_file' });
    const rows = await engine.allJson<{ f: string; n: string; s: string }>(`SELECT _file AS f, count(*) AS n, sum(id) AS s FROM (${sql}) GROUP BY 1 ORDER BY 2, 3`);
    // The file column names each row's file as the scan read it, which maps back to its data file.
    const byLocation = await engineLocations(store, files);
    assert.deepEqual(
      rows.map((r) => [byLocation.get(r.f)?.filePath, r.n, r.s]),
      [
        [files[0]!.filePath, '3', '3'],
        [files[1]!.filePath, '3', '33'],
      ],
    );
  } finally {
    engine.close();
    await store.dispose();
    await rm(tmp, { recursive: true, force: true });
  }
});
