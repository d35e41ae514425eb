/**
 * Loaded bench projects, cached under bench/out/projects/ so the query bench reuses the load
 * bench's last project instead of loading 10M rows again. A marker file per table says the load
 * finished; projects cannot be moved (the catalog stores absolute locations), so the load bench
 * builds its last run directly at the cache path.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECTS_DIR } from './paths.js';

export function cachedProjectDir(rows: number): string {
  return path.join(PROJECTS_DIR, `orders-${rows}`);
}

function markerFile(project: string, table: string): string {
  return path.join(project, '.bench', `loaded-${table}.json`);
}

export function isLoaded(project: string, table: string): boolean {
  return existsSync(markerFile(project, table));
}

export function markLoaded(project: string, table: string, info: Record<string, unknown>): void {
  mkdirSync(path.dirname(markerFile(project, table)), { recursive: true });
  writeFileSync(markerFile(project, table), JSON.stringify(info) + '\n');
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
