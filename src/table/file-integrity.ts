/**
 * Whether a data file is still what its manifest says: present, `file_size_in_bytes` long, and
 * (when Silt recorded one) with the same SHA-256. `silt check` and verifying reads both ask here.
 */
import { EnvironmentFault, NotFound } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import type { DataFile } from './types.js';

/** Table property: verify each data file's checksum before a query reads it. */
export const VERIFY_CHECKSUMS_PROPERTY = 'silt.read.verify-checksums';

export function verifiesChecksums(properties: Readonly<Record<string, string>>): boolean {
  return properties[VERIFY_CHECKSUMS_PROPERTY]?.toLowerCase() === 'true';
}

export interface FileProblem {
  file: string;
  kind: 'missing' | 'size' | 'checksum' | 'unreadable';
  /** What is wrong, naming the file. */
  message: string;
}

export interface FileInspection {
  problem?: FileProblem;
  /** `unrecorded`: written before Silt recorded checksums (or by another engine). */
  checksum: 'match' | 'unrecorded' | 'unchecked';
}

/** Stats the file and, with `checksum`, hashes it when a checksum was recorded. */
export async function inspectDataFile(store: ObjectStore, f: DataFile, opts: { checksum: boolean }): Promise<FileInspection> {
  const key = store.keyOf(f.filePath);
  const name = f.content === 0 ? f.filePath : `${f.content === 1 ? 'position' : 'equality'} delete file ${f.filePath}`;
  let size: number;
  try {
    size = await store.size(key);
  } catch (e) {
    if (!(e instanceof NotFound)) throw e;
    return { problem: { file: f.filePath, kind: 'missing', message: `${name} is missing` }, checksum: 'unchecked' };
  }
  if (size !== f.fileSizeInBytes) {
    const message = `${name} has ${size} bytes, its manifest records ${f.fileSizeInBytes} (truncated or overwritten)`;
    return { problem: { file: f.filePath, kind: 'size', message }, checksum: 'unchecked' };
  }
  if (!opts.checksum) return { checksum: 'unchecked' };
  if (!f.sha256) return { checksum: 'unrecorded' };
  const actual = await store.sha256(key);
  if (actual !== f.sha256) {
    const message = `${f.filePath} does not match its recorded checksum (sha256 ${actual}, recorded ${f.sha256}): its bytes changed after Silt wrote it`;
    return { problem: { file: f.filePath, kind: 'checksum', message }, checksum: 'unchecked' };
  }
  return { checksum: 'match' };
}

/** What a user does about a damaged file of `table`. */
export function repairAdvice(table: string): string {
  return `restore the file from a backup, or roll ${table} back to a snapshot without it (silt table snapshots ${table}, then silt table rollback ${table} <snapshot-id>)`;
}

/** Stat calls in flight at once: a local stat is a few microseconds, an object store HEAD far more. */
const PARALLEL = 16;

/**
 * Throws EnvironmentFault naming the first damaged file among `files` before a query reads them:
 * always checks presence and size (one stat each), and the checksum when `checksums` is set.
 */
export async function verifyDataFiles(store: ObjectStore, files: readonly DataFile[], opts: { table: string; checksums: boolean }): Promise<void> {
  for (let i = 0; i < files.length; i += PARALLEL) {
    const found = await Promise.all(files.slice(i, i + PARALLEL).map((f) => inspectDataFile(store, f, { checksum: opts.checksums })));
    const bad = found.find((r) => r.problem)?.problem;
    if (bad) throw new EnvironmentFault(`${opts.table}: ${bad.message}; ${repairAdvice(opts.table)}; silt check ${opts.table} lists every damaged file`);
  }
}
