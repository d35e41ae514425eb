/** Test support: a throwaway lakehouse (temp folder store, SQLite catalog, DuckDB, SQL session). */
import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../catalog/index.js';
import { LocalStore } from '../storage/index.js';
import { Engine, quoteLiteral, SqlSession, type EngineOptions } from '../engine/index.js';
import type { DataFile, PartitionValue, Table } from '../table/index.js';

export interface Lake {
  dir: string;
  store: LocalStore;
  catalog: Catalog;
  engine: Engine;
  sql: SqlSession;
}

export async function withLake<T>(fn: (lake: Lake) => Promise<T>, engineOptions: EngineOptions = { threads: 1 }): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'silt-engine-'));
  const store = new LocalStore(path.join(dir, 'lake'));
  const catalog = await Catalog.open(path.join(dir, 'catalog.db'), store);
  const engine = await Engine.open(engineOptions);
  try {
    return await fn({ dir, store, catalog, engine, sql: new SqlSession(engine, catalog) });
  } finally {
    engine.close();
    await catalog.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

let written = 0;
/**
 * Commits an equality delete file as another engine would: the rows of `rowsSql` (columns named as
 * the table's, with their field ids) written by DuckDB, then a content=2 entry through Silt's commit.
 */
export async function commitEqualityDeletes(
  lake: Lake,
  table: Table,
  rowsSql: string,
  ids: Record<string, number>,
  scope: { specId: number; partition: PartitionValue[] } = { specId: 0, partition: [] },
): Promise<DataFile> {
  await table.refresh();
  const uri = `${table.metadata.location}/data/eq-delete-${++written}.parquet`;
  const fieldIds = Object.entries(ids).map(([k, v]) => `${k}: ${v}`).join(', ');
  await lake.engine.run(`COPY (${rowsSql}) TO ${quoteLiteral(fileURLToPath(uri))} (FORMAT parquet, FIELD_IDS {${fieldIds}})`);
  const [{ n }] = (await lake.engine.allJson<{ n: number }>(`SELECT count(*)::INT AS n FROM (${rowsSql})`)) as [{ n: number }];
  const file: DataFile = {
    content: 2, filePath: uri, fileFormat: 'PARQUET', ...scope, recordCount: n,
    fileSizeInBytes: (await fs.stat(fileURLToPath(uri))).size, equalityIds: Object.values(ids),
  };
  await table.commitWith(table.rowDeltaChange(async () => ({ data: [], deletes: [file] })));
  return file;
}
