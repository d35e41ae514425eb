import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { siltOk } from './silt-process.js';

/** A fresh project (`silt init`) in a temp folder. */
export async function makeProject(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-e2e-'));
  await siltOk(dir, 'init');
  return dir;
}

/** Removes a project made by makeProject, unless SILT_E2E_KEEP is set (to look at what a failed test left). */
export async function removeProject(dir: string): Promise<void> {
  if (process.env['SILT_E2E_KEEP']) process.stderr.write(`kept ${dir}\n`);
  else await rm(dir, { recursive: true, force: true });
}

/** Runs `fn` with a fresh project, removed afterwards. */
export async function withProject<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await makeProject();
  try {
    return await fn(dir);
  } finally {
    await removeProject(dir);
  }
}

export interface SnapshotLine {
  current: boolean;
  id: string;
  parentId: string;
  operation: string;
}

/** `silt table snapshots` parsed: oldest first. */
export async function snapshots(dir: string, table: string): Promise<SnapshotLine[]> {
  const text = await siltOk(dir, 'table', 'snapshots', table);
  const out: SnapshotLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\*?)\s+(\d{1,20})\s+(\d*)\s+\S+Z\s+(\w+)/.exec(line);
    if (m) out.push({ current: m[1] === '*', id: m[2]!, parentId: m[3]!, operation: m[4]! });
  }
  return out;
}

/** The current snapshot id, or undefined for a table without one. */
export async function currentSnapshot(dir: string, table: string): Promise<string | undefined> {
  return (await snapshots(dir, table)).find((s) => s.current)?.id;
}

/** Every file under a folder (relative paths, sorted); empty if the folder is absent. */
export async function filesUnder(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { recursive: true, withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join((e as { parentPath?: string }).parentPath ?? e.path, e.name)))
    .sort();
}

/** The local folder of a table, from the `location` line of `silt table describe`. */
export async function tableDir(dir: string, table: string): Promise<string> {
  const text = await siltOk(dir, 'table', 'describe', table);
  const m = /^location\s+(\S+)$/m.exec(text);
  if (!m) throw new Error(`no location in:\n${text}`);
  return fileURLToPath(m[1]!);
}
