import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Set once per process: two servers (or a restarted one) never name a file alike. */
const PROCESS_TAG = randomBytes(4).toString('hex');
let sequence = 0;

/**
 * The key of a new batch file under a source's landing prefix:
 * `push-20261207T131418123Z-1a2b3c4d-000001.ndjson.gz`. Names sort by the time the batch closed.
 */
export function pushFileKey(prefix: string, kind: 'ndjson' | 'csv' | 'tsv', nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').replace('.', '');
  sequence = (sequence + 1) % 1_000_000;
  return `${prefix}push-${stamp}-${PROCESS_TAG}-${String(sequence).padStart(6, '0')}.${kind}.gz`;
}

/**
 * The batch as gzip data whose header carries the file's name (FNAME, as `gzip` itself records it).
 * Ingest skips a file whose bytes it has ingested before, and two batches may well hold the same
 * records (a device sending the same reading twice); their names keep their bytes apart.
 */
export function gzipNamed(text: string, name: string): Uint8Array {
  const zipped = gzipSync(new TextEncoder().encode(text), { level: 1 });
  const gz = new Uint8Array(zipped.buffer as ArrayBuffer, zipped.byteOffset, zipped.byteLength);
  const fname = new TextEncoder().encode(name.replace(/[^\x20-\x7e]/g, '_') + '\0');
  const out = new Uint8Array(gz.length + fname.length);
  out.set(gz.subarray(0, 10));
  out[3]! |= 0x08; // FLG.FNAME: a zero-terminated name follows the 10-byte header
  out.set(fname, 10);
  out.set(gz.subarray(10), 10 + fname.length);
  return out;
}
