import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidInput } from '../../errors.js';
import type { Compression } from './file-format.js';
import type { InputFile } from './file-input.js';

/**
 * Checks that a compressed file is whole, before DuckDB reads it: DuckDB reads the start of a gzip
 * or zstd file cut short (a copy still running, a failed download) without complaint, which would
 * load part of the file and mark it done. gzip is inflated once here (its trailer holds a CRC and
 * the length); zstd's frames and blocks are walked by their headers (Node has no zstd), both read
 * through the file's store. `watch` sees the inflated bytes of a gzip file go by.
 */
export async function assertWholeCompressedFile(file: InputFile, compression: Compression, watch?: (chunk: Buffer) => void): Promise<void> {
  if (compression === 'none') return;
  const { path } = file;
  const size = await file.store.size(file.key);
  const empty = size === 0 ? `the file is empty, so not ${compression} data` : null;
  const problem = empty ?? (compression === 'gzip' ? await gzipProblem(file, watch) : await zstdProblem(file, size));
  if (problem === null) return;
  const ext = compression === 'gzip' ? '.gz' : '.zst';
  throw new InvalidInput(`load: ${path}: ${problem}; put the complete ${compression} file back (or drop ${ext} from its name if it is not compressed)`, { code: 'file_rejected', details: { file: path } });
}

/** `watch` sees the inflated bytes go by. */
async function gzipProblem(file: InputFile, watch?: (chunk: Buffer) => void): Promise<string | null> {
  const discard = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      watch?.(chunk);
      done();
    },
  });
  try {
    await pipeline(await file.store.stream(file.key), createGunzip(), discard);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR') return 'the gzip data ends early: the file was cut short (a copy not finished, or a broken download)';
    if (code === 'Z_DATA_ERROR') return `not valid gzip data (${(e as Error).message})`;
    throw e;
  }
  return null;
}

const ZSTD_MAGIC = 0xfd2fb528;

/** Walks zstd frames by their headers; a file ending inside a frame was cut short. */
async function zstdProblem(file: InputFile, size: number): Promise<string | null> {
  const read = async (at: number, n: number): Promise<Buffer | null> => {
    if (at + n > size) return null;
    return file.store.read(file.key, { offset: at, length: n });
  };
  const cut = 'the zstd data ends early: the file was cut short (a copy not finished, or a broken download)';
  let at = 0;
  while (at < size) {
    const magic = await read(at, 4);
    if (!magic) return cut;
    const m = magic.readUInt32LE(0);
    if ((m & 0xfffffff0) === 0x184d2a50) {
      const skip = await read(at + 4, 4);
      if (!skip) return cut;
      at += 8 + skip.readUInt32LE(0);
      if (at > size) return cut;
      continue;
    }
    if (m !== ZSTD_MAGIC) return at === 0 ? 'not zstd data (it does not start with the zstd magic number)' : `not valid zstd data after byte ${at}`;
    const fhd = await read(at + 4, 1);
    if (!fhd) return cut;
    const d = fhd[0] as number;
    const single = (d >> 5) & 1;
    const fcsFlag = d >> 6;
    const fcsBytes = fcsFlag === 0 ? single : [0, 2, 4, 8][fcsFlag] as number;
    const dictBytes = [0, 1, 2, 4][d & 3] as number;
    const checksum = (d >> 2) & 1;
    at += 5 + (single ? 0 : 1) + dictBytes + fcsBytes;
    for (let last = 0; !last; ) {
      const header = await read(at, 3);
      if (!header) return cut;
      const h = header.readUIntLE(0, 3);
      last = h & 1;
      const type = (h >> 1) & 3;
      if (type === 3) return `not valid zstd data (a reserved block type at byte ${at})`;
      at += 3 + (type === 1 ? 1 : h >> 3);
      if (at > size) return cut;
    }
    at += checksum * 4;
    if (at > size) return cut;
  }
  return null;
}
