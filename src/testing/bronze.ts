/** Test support for bronze ingest: landing files that look settled, and query rows as objects. */
import { utimesSync } from 'node:fs';
import type { Lake } from './lake.js';
import type { ObjectStore } from '../storage/index.js';
import { loadFiles, type LoadResult } from '../ingest/index.js';

/** Puts a landing file, dated `ageMs` in the past (newer files count as still being written). */
export async function land(store: ObjectStore, key: string, content: string | Uint8Array, ageMs = 10_000): Promise<void> {
  await store.put(key, content);
  const when = new Date(Date.now() - ageMs);
  utimesSync(store.enginePath(key), when, when);
}

export async function query(lake: Lake, sql: string): Promise<Record<string, unknown>[]> {
  const result = await lake.sql.execute(sql);
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]])));
}

export async function count(lake: Lake, table: string): Promise<number> {
  return Number((await query(lake, `SELECT count(*) AS n FROM ${table}`))[0]?.n);
}

export async function snapshots(lake: Lake, namespace: string, table: string): Promise<number> {
  return (await lake.catalog.loadTable(namespace, table)).metadata.snapshots.length;
}

/** Puts `content` in the lake's store as `in/<name>` and loads it into `into` as `silt load` would (up to 5 rejects). */
export async function loadStored(lake: Lake, name: string, content: string | Uint8Array, into: string): Promise<{ path: string; result: LoadResult }> {
  const key = `in/${name}`;
  await lake.store.put(key, content);
  const path = lake.store.enginePath(key);
  return { path, result: await loadFiles(lake.catalog, lake.engine, [path], { into, maxRejects: 5 }) };
}
