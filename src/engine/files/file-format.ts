import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { InvalidInput } from '../../errors.js';
import { assertReadableFile, type InputFile } from './file-input.js';

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
export async function detectFormat(file: InputFile): Promise<FileFormat> {
  await assertReadableFile(file);
  const byExtension = formatOfName(file.path);
  if (byExtension) return byExtension;
  const sniffed = sniffFormat(await headBytes(file, compressionOf(file.path)));
  if (sniffed) return sniffed;
  throw new InvalidInput(
    `load: ${file.path}: unknown file format; expected .csv, .tsv, .json, .ndjson/.jsonl or .parquet (optionally .gz/.zst)`,
  );
}

function extensions(path: string): string[] {
  const base = path.split(/[\\/]/).at(-1) ?? '';
  return base.toLowerCase().split('.').slice(1);
}

/** Up to the first `bytes` bytes of a file, gunzipped (a gzip file's first `bytes` compressed bytes); empty for zstd. */
export async function headBytes(file: InputFile, compression: Compression, bytes = SNIFF_BYTES): Promise<Uint8Array> {
  const head = new Uint8Array(await file.store.read(file.key, { offset: 0, length: bytes }));
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
export async function documentBytes(file: InputFile, compression: Compression, limit: number): Promise<Uint8Array | null> {
  if (compression === 'zstd' || (await file.store.size(file.key)) > limit) return null;
  const raw = new Uint8Array(await file.store.get(file.key));
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
