import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { InvalidInput, NotFound } from '../errors.js';
import { machineFault } from '../storage/index.js';

export type FileFormat = 'csv' | 'tsv' | 'json' | 'ndjson' | 'parquet';
export type Compression = 'none' | 'gzip' | 'zstd';

const FORMAT_BY_EXTENSION: Record<string, FileFormat> = {
  csv: 'csv',
  txt: 'csv',
  tsv: 'tsv',
  tab: 'tsv',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  parquet: 'parquet',
  pq: 'parquet',
};

const COMPRESSION_BY_EXTENSION: Record<string, Compression> = { gz: 'gzip', gzip: 'gzip', zst: 'zstd', zstd: 'zstd' };

const SNIFF_BYTES = 64 * 1024;

/** Splits `orders.csv.gz` into its format extension and compression. */
export function compressionOf(path: string): Compression {
  const ext = extensions(path).at(-1);
  return (ext && COMPRESSION_BY_EXTENSION[ext]) || 'none';
}

/**
 * The format of a file: by extension (compressed ones too: `.csv.gz`, `.ndjson.zst`, `.jsonl`),
 * else by looking at its first bytes.
 */
export function detectFormat(path: string): FileFormat {
  assertReadableFile(path);
  const exts = extensions(path);
  const compression = compressionOf(path);
  const formatExt = compression === 'none' ? exts.at(-1) : exts.at(-2);
  const byExtension = formatExt ? FORMAT_BY_EXTENSION[formatExt] : undefined;
  if (byExtension) return byExtension;
  const sniffed = sniffFormat(headBytes(path, compression));
  if (sniffed) return sniffed;
  throw new InvalidInput(
    `load: ${path}: unknown file format; expected .csv, .tsv, .json, .ndjson/.jsonl or .parquet (optionally .gz/.zst)`,
  );
}

/** NotFound for a missing path, InvalidInput for a directory or something else that is not a file. */
export function assertReadableFile(path: string): number {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new InvalidInput(`load: ${path} is a directory, not a file`, { code: 'file_rejected', details: { file: path } });
    if (!stat.isFile()) throw new InvalidInput(`load: ${path} is not a regular file`);
    size = stat.size;
  } catch (e) {
    throw unreadable(e, path);
  }
  return size;
}

/** What the system said about a path it could not stat, as an error naming the path. */
function unreadable(e: unknown, path: string): unknown {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new NotFound(`load: ${path}: no such file`, { code: 'file_not_found', details: { file: path } });
    case 'ELOOP':
      return new InvalidInput(`load: ${path}: too many symbolic links (a link that points back to itself?); give the file's real path`);
    case 'ENAMETOOLONG':
      return new InvalidInput(`load: ${path}: the name is too long for the file system`);
    default:
      return machineFault(e, 'read', path);
  }
}

/** Whether an engine path is a URL (`s3://…`) rather than a local file Node can open. */
export function isRemotePath(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path);
}

function extensions(path: string): string[] {
  const base = path.split(/[\\/]/).at(-1) ?? '';
  return base.toLowerCase().split('.').slice(1);
}

/** Up to the first `bytes` bytes of a file, gunzipped (a gzip file's first `bytes` compressed bytes); empty for zstd. */
export function headBytes(path: string, compression: Compression, bytes = SNIFF_BYTES): Uint8Array {
  const fd = openSync(path, 'r');
  let head: Uint8Array;
  try {
    const buf = new Uint8Array(bytes);
    head = buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
  if (compression === 'gzip') {
    try {
      return new Uint8Array(gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH }));
    } catch {
      return new Uint8Array(0);
    }
  }
  // Node 20 has no zstd; a .zst file needs its inner extension (`x.csv.zst`).
  return compression === 'zstd' ? new Uint8Array(0) : head;
}


/**
 * A whole file's bytes, gunzipped (as far as it goes, if cut short); null when it holds more than
 * `limit` bytes, or is zstd, which Node 20 cannot inflate.
 */
export function documentBytes(path: string, compression: Compression, limit: number): Uint8Array | null {
  if (compression === 'zstd' || statSync(path).size > limit) return null;
  const raw = new Uint8Array(readFileSync(path));
  if (compression === 'none') return raw;
  try {
    return new Uint8Array(gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: limit }));
  } catch {
    return null;
  }
}

function sniffFormat(head: Uint8Array): FileFormat | undefined {
  if (head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet'; // PAR1
  const text = new TextDecoder('utf-8').decode(head).replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) return 'json';
  if (trimmed.startsWith('{')) {
    const firstLine = trimmed.split('\n', 1)[0] ?? '';
    try {
      JSON.parse(firstLine);
      return 'ndjson';
    } catch {
      return 'json';
    }
  }
  const firstLine = text.split('\n', 1)[0] ?? '';
  if (firstLine.includes('\t')) return 'tsv';
  if (/[,;|]/.test(firstLine)) return 'csv';
  return undefined;
}

/** The format a file's name gives (`orders.csv.gz` → csv), without reading it; undefined when it gives none. */
export function formatOfName(path: string): FileFormat | undefined {
  const exts = extensions(path);
  const formatExt = compressionOf(path) === 'none' ? exts.at(-1) : exts.at(-2);
  return formatExt ? FORMAT_BY_EXTENSION[formatExt] : undefined;
}
