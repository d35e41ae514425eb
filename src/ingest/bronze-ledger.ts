import type { Catalog, IngestedFile } from '../catalog/index.js';
import type { Snapshot, TableMetadata } from '../table/index.js';

/**
 * Snapshot summary keys a bronze commit carries, so the table itself records which files it holds:
 * the ledger (catalog.ingestedFiles) can be rebuilt from them when a crash came between the commit
 * and the ledger write.
 */
export const SUMMARY_SOURCE = 'silt.source';
export const SUMMARY_BATCH = 'silt.batch-id';
/** Comma-separated sha256 fingerprints of the files in the commit. */
export const SUMMARY_FINGERPRINTS = 'silt.fingerprints';
/** JSON array, in fingerprint order, of `[store key, size, rows, rejects]`. */
export const SUMMARY_FILES = 'silt.files';

export interface CommittedFile {
  fingerprint: string;
  key: string;
  size: number;
  rows: number;
  rejects: number;
}

export function batchSummary(source: string, batchId: string, files: readonly CommittedFile[]): Record<string, string> {
  return {
    [SUMMARY_SOURCE]: source,
    [SUMMARY_BATCH]: batchId,
    [SUMMARY_FINGERPRINTS]: files.map((f) => f.fingerprint).join(','),
    [SUMMARY_FILES]: JSON.stringify(files.map((f) => [f.key, f.size, f.rows, f.rejects])),
  };
}

/** Files recorded in the summaries of the current snapshot and its ancestors (rolled-back commits do not count). */
export function committedFiles(metadata: TableMetadata, source: string): IngestedFile[] {
  const byId = new Map(metadata.snapshots.map((s) => [s['snapshot-id'], s]));
  const out: IngestedFile[] = [];
  let id = metadata['current-snapshot-id'];
  while (id !== undefined && id !== -1n) {
    const snapshot = byId.get(id);
    if (!snapshot) break;
    out.push(...fromSummary(snapshot, source));
    id = snapshot['parent-snapshot-id'];
  }
  return out;
}

function fromSummary(snapshot: Snapshot, source: string): IngestedFile[] {
  const s = snapshot.summary;
  const fingerprints = s[SUMMARY_FINGERPRINTS];
  if (s[SUMMARY_SOURCE] !== source || !fingerprints) return [];
  let details: unknown[] = [];
  try {
    const parsed: unknown = JSON.parse(s[SUMMARY_FILES] ?? '[]');
    if (Array.isArray(parsed)) details = parsed;
  } catch {
    // Summaries written by hand or by another tool: fingerprints alone still make the files done.
  }
  return fingerprints.split(',').map((fingerprint, i) => {
    const d = Array.isArray(details[i]) ? (details[i] as unknown[]) : [];
    return {
      source,
      fingerprint,
      path: typeof d[0] === 'string' ? d[0] : '',
      size: Number(d[1] ?? 0),
      batchId: s[SUMMARY_BATCH] ?? '',
      snapshotId: String(snapshot['snapshot-id']),
      rows: Number(d[2] ?? 0),
      rejects: Number(d[3] ?? 0),
      ingestedMs: snapshot['timestamp-ms'],
    };
  });
}

/**
 * Records in the ledger every file the bronze table's snapshots hold but the ledger lacks.
 * Returns the files restored.
 */
export async function reconcileLedger(catalog: Catalog, metadata: TableMetadata, source: string): Promise<IngestedFile[]> {
  const known = new Set((await catalog.ingestedFiles.list(source)).map((f) => f.fingerprint));
  const missing = committedFiles(metadata, source).filter((f) => !known.has(f.fingerprint));
  await catalog.ingestedFiles.record(missing);
  return missing;
}
