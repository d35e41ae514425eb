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
/** JSON array, in fingerprint order, of `[store key, size, rows, rejects]`, plus why for a file rejected whole. */
export const SUMMARY_FILES = 'silt.files';

const REASON_CHARS = 300;

export interface CommittedFile {
  fingerprint: string;
  key: string;
  size: number;
  rows: number;
  rejects: number;
  /** Why none of the file could be read (a cut gzip file, UTF-16 text, …), when that is so. */
  rejectedWhole?: string;
}

export function batchSummary(source: string, batchId: string, files: readonly CommittedFile[]): Record<string, string> {
  const detail = (f: CommittedFile) => {
    const d: (string | number)[] = [f.key, f.size, f.rows, f.rejects];
    if (f.rejectedWhole !== undefined) d.push(f.rejectedWhole.slice(0, REASON_CHARS));
    return d;
  };
  return {
    [SUMMARY_SOURCE]: source,
    [SUMMARY_BATCH]: batchId,
    [SUMMARY_FINGERPRINTS]: files.map((f) => f.fingerprint).join(','),
    [SUMMARY_FILES]: JSON.stringify(files.map(detail)),
  };
}

/** Files recorded in the summaries of the current snapshot and its ancestors (rolled-back commits do not count). */
export function committedFiles(metadata: TableMetadata, source: string): IngestedFile[] {
  return summaryFiles(metadata, source).map((f) => f.file);
}

/** Fingerprint → why the file was rejected whole, for the committed files that were. */
export function rejectedWholeFiles(metadata: TableMetadata, source: string): Map<string, string> {
  return new Map(summaryFiles(metadata, source).flatMap((f) => (f.rejectedWhole === undefined ? [] : [[f.file.fingerprint, f.rejectedWhole]])));
}

function summaryFiles(metadata: TableMetadata, source: string): SummaryFile[] {
  const byId = new Map(metadata.snapshots.map((s) => [s['snapshot-id'], s]));
  const out: SummaryFile[] = [];
  let id = metadata['current-snapshot-id'];
  while (id !== undefined && id !== -1n) {
    const snapshot = byId.get(id);
    if (!snapshot) break;
    out.push(...fromSummary(snapshot, source));
    id = snapshot['parent-snapshot-id'];
  }
  return out;
}

interface SummaryFile {
  file: IngestedFile;
  rejectedWhole?: string;
}

function fromSummary(snapshot: Snapshot, source: string): SummaryFile[] {
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
    const file: IngestedFile = {
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
    return typeof d[4] === 'string' ? { file, rejectedWhole: d[4] } : { file };
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
