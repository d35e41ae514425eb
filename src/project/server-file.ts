import { readFileSync, rmSync, writeFileSync, renameSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * What a running `silt serve` leaves in its project (`.silt/server.json`) so that the CLI finds it.
 * Here, beside the project's other `.silt/` files, so the CLI reads it without loading the server.
 */
export interface ServerFile {
  url: string;
  pid: number;
  startedMs: number;
  /** The owner's bearer token for this server's own CLI (the file is readable by its owner only). */
  token?: string;
}

function fileOf(projectDir: string): string {
  return path.join(projectDir, '.silt', 'server.json');
}

export function writeServerFile(projectDir: string, info: ServerFile): void {
  const file = fileOf(projectDir);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true }); // a leftover would keep its old mode
  writeFileSync(tmp, JSON.stringify(info) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

/** Removes the file if it is still this process's (a newer server may have replaced it). */
export function removeServerFile(projectDir: string, pid = process.pid): void {
  if (readServerFile(projectDir)?.pid === pid) rmSync(fileOf(projectDir), { force: true });
}

/** The server the project's file names, if its process is alive; a stale file is ignored. */
export function readServerFile(projectDir: string): ServerFile | undefined {
  let info: ServerFile;
  try {
    info = JSON.parse(readFileSync(fileOf(projectDir), 'utf8')) as ServerFile;
  } catch {
    return undefined;
  }
  if (typeof info.url !== 'string' || !Number.isInteger(info.pid)) return undefined;
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
  }
  return info;
}
