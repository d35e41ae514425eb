import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { LocalStore, type ObjectStore } from '../storage/index.js';
import type { DataFile } from '../table/index.js';
import { Catalog } from './catalog.js';
import type { IfLost } from './lost-catalog.js';

/** Folders the calling test file made, removed when its tests are done. */
const made: string[] = [];
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** A project-like folder: storage in `lake/`, the catalog file in `.silt/catalog.db` (not made yet). */
export async function catalogFixture(prefix: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  const store = new LocalStore(path.join(dir, 'lake'));
  const file = path.join(dir, '.silt', 'catalog.db');
  return { dir, store, file, open: (ifLost?: IfLost) => Catalog.open(file, store, { ifLost }) };
}

/** A data file entry for metadata-only tests (no Parquet behind it). */
export function fakeDataFile(store: ObjectStore, key: string, rows: number): DataFile {
  return { content: 0, filePath: store.uri(key), fileFormat: 'PARQUET', specId: 0, partition: [], recordCount: rows, fileSizeInBytes: 10 * rows };
}
