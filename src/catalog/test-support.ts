import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { LocalStore, type ObjectStore } from '../storage/index.js';
import type { DataFile } from '../table/index.js';
import { Catalog } from './catalog.js';
import type { IfLost } from './lost-catalog.js';
import { freshPostgresDatabase } from './postgres-test-support.js';

/** Folders and databases the calling test file made, removed when its tests are done. */
const made: string[] = [];
const databases: (() => Promise<void>)[] = [];
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
  for (const drop of databases) await drop();
});

/** The metadata stores a test runs on when it takes a `backend`. */
export const BACKENDS = ['SQLite', 'PostgreSQL'] as const;
export type Backend = (typeof BACKENDS)[number];

/**
 * A project-like folder: storage in `lake/`, the catalog file in `.silt/catalog.db` (not made
 * yet), or with `PostgreSQL` a fresh database (`file` is then its URI).
 */
export async function catalogFixture(prefix: string, backend: Backend = 'SQLite') {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  const store = new LocalStore(path.join(dir, 'lake'));
  let file = path.join(dir, '.silt', 'catalog.db');
  if (backend === 'PostgreSQL') {
    const db = await freshPostgresDatabase();
    databases.push(db.drop);
    file = db.uri;
  }
  return { dir, store, file, open: (ifLost?: IfLost) => Catalog.open(file, store, { ifLost }) };
}

/** A data file entry for metadata-only tests (no Parquet behind it). */
export function fakeDataFile(store: ObjectStore, key: string, rows: number): DataFile {
  return { content: 0, filePath: store.uri(key), fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: rows, fileSizeInBytes: 10 * rows };
}
