import { stringify } from 'lossless-json';
import { gzipNamed } from '../push-file.js';

/**
 * The landing key of a pulled chunk: `pull-20261208T010203123Z-000001.ndjson.gz`, the pull's start
 * and the chunk's number in it, so names sort in pull order across runs.
 */
export function pullFileKey(prefix: string, startedMs: number, chunk: number): string {
  const stamp = new Date(startedMs).toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${prefix}pull-${stamp}-${String(chunk).padStart(6, '0')}.ndjson.gz`;
}

/** A pull's landing file: put whole (an atomic put), so ready to ingest however young. */
export function isPullFile(key: string): boolean {
  return /(^|\/)pull-\d{8}T\d{9}Z-\d{6}\.ndjson\.gz$/.test(key);
}

/** The chunk's records as gzipped NDJSON whose header carries the file's name (two chunks of equal rows are two files). */
export function pullFileBytes(key: string, records: readonly Record<string, unknown>[]): Uint8Array {
  const name = key.slice(key.lastIndexOf('/') + 1).replace(/\.gz$/, '');
  return gzipNamed(records.map(recordLine).join('\n') + '\n', name);
}

/** A record as one JSON line, exact for integers past 2^53 (bigints, which JSON.stringify refuses). */
function recordLine(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return stringify(record) ?? 'null';
  }
}
