/** Test support: a throwaway lakehouse (temp folder store, SQLite catalog, DuckDB, SQL session). */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../catalog/index.js';
import { LocalStore } from '../storage/index.js';
import { Engine, SqlSession, type EngineOptions } from '../engine/index.js';

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
