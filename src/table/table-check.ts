import type { ObjectStore } from '../storage/index.js';
import { inspectDataFile, type FileProblem } from './file-integrity.js';
import { currentSnapshot } from './table-metadata.js';
import { ManifestReader } from './table-io.js';
import type { DataFile, Snapshot, TableMetadata } from './types.js';

export interface TableCheckOptions {
  /** Every snapshot the metadata keeps, not only the current one. */
  allSnapshots?: boolean;
  /** Called after each data file, with the running totals. */
  onProgress?: (done: { files: number; bytes: number }) => void;
}

export interface TableCheckResult {
  snapshots: number;
  manifests: number;
  files: number;
  bytes: number;
  /** Files whose bytes matched the checksum recorded when Silt wrote them. */
  checksumsMatched: number;
  /** Files with no recorded checksum (written before Silt recorded them, or by another engine). */
  checksumsUnrecorded: number;
  problems: FileProblem[];
}

/**
 * Reads every manifest list and manifest of the snapshots checked (they must parse and have their
 * recorded length), and inspects every live data file they reference: present, at its recorded
 * size, with its recorded checksum. Problems are collected, not thrown, so one scan lists them all.
 */
export async function checkTableFiles(store: ObjectStore, table: string, m: TableMetadata, opts: TableCheckOptions = {}): Promise<TableCheckResult> {
  const result: TableCheckResult = { snapshots: 0, manifests: 0, files: 0, bytes: 0, checksumsMatched: 0, checksumsUnrecorded: 0, problems: [] };
  const current = currentSnapshot(m);
  const snapshots: readonly Snapshot[] = opts.allSnapshots ? m.snapshots : current ? [current] : [];
  const reader = new ManifestReader(store, table);
  const files = new Map<string, DataFile>();
  const seenManifests = new Set<string>();
  const problem = (file: string, kind: FileProblem['kind'], message: string): void => {
    result.problems.push({ file, kind, message });
  };
  for (const snapshot of snapshots) {
    result.snapshots++;
    const list = snapshot['manifest-list'];
    let manifests;
    try {
      manifests = await reader.manifests(snapshot);
    } catch (e) {
      problem(list, 'unreadable', `manifest list ${list} of snapshot ${snapshot['snapshot-id']} cannot be read: ${messageOf(e)}`);
      continue;
    }
    for (const mf of manifests) {
      if (seenManifests.has(mf.manifestPath)) continue;
      seenManifests.add(mf.manifestPath);
      result.manifests++;
      try {
        const size = await store.size(store.keyOf(mf.manifestPath));
        if (size !== mf.manifestLength) {
          problem(mf.manifestPath, 'size', `manifest ${mf.manifestPath} has ${size} bytes, its manifest list records ${mf.manifestLength}`);
          continue;
        }
        for (const e of await reader.entries(m, mf)) if (e.status !== 2) files.set(e.dataFile.filePath, e.dataFile);
      } catch (e) {
        problem(mf.manifestPath, 'unreadable', `manifest ${mf.manifestPath} cannot be read: ${messageOf(e)}`);
      }
    }
  }
  for (const f of files.values()) {
    const found = await inspectDataFile(store, f, { checksum: true });
    result.files++;
    result.bytes += f.fileSizeInBytes;
    if (found.problem) result.problems.push(found.problem);
    else if (found.checksum === 'match') result.checksumsMatched++;
    else if (found.checksum === 'unrecorded') result.checksumsUnrecorded++;
    opts.onProgress?.({ files: result.files, bytes: result.bytes });
  }
  return result;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
