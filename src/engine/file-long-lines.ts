import { closeSync, createReadStream, openSync, readSync, fstatSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InvalidInput } from '../errors.js';
import type { Engine } from './duckdb.js';
import type { Compression } from './file-format.js';
import { DEFAULT_BUFFER_BYTES, MAX_LINE_BYTES } from './file-lines.js';

/**
 * Finding physical lines longer than MAX_LINE_BYTES before DuckDB reads a file. DuckDB 1.5's CSV
 * reader (which the line scans use too) skips a line longer than its `buffer_size` without a
 * reject and without counting it; a line between `max_line_size` and `buffer_size` is a reject
 * like any other. So a file with a longer line is read with a buffer that holds it (see
 * readBufferBytes), and DuckDB then rejects it with its line and size.
 */
export interface LongLine {
  /** Byte offset (of the uncompressed text) where the line starts. */
  offset: number;
  /** Its length in bytes, without the newline. */
  bytes: number;
}

const BLOCK = 64 * 1024;

/**
 * The longest line of a plain file when it is longer than MAX_LINE_BYTES, else null. Lines are
 * checked a window at a time: the last newline within MAX_LINE_BYTES of a line's start is looked
 * for backwards, so an ordinary file costs one small read per 16 MiB.
 */
export function longestPlainLine(path: string): LongLine | null {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const bytes = new Uint8Array(BLOCK);
    const buf = Buffer.from(bytes.buffer);
    const read = (from: number, to: number): Buffer => buf.subarray(0, readSync(fd, bytes, 0, to - from, from));
    let longest: LongLine | null = null;
    let start = 0;
    while (size - start > MAX_LINE_BYTES) {
      const windowEnd = start + MAX_LINE_BYTES + 1;
      let nl = -1;
      for (let to = windowEnd; to > start && nl < 0; to -= BLOCK) {
        const from = Math.max(start, to - BLOCK);
        const at = read(from, to).lastIndexOf(10);
        if (at >= 0) nl = from + at;
      }
      if (nl >= 0) {
        start = nl + 1;
        continue;
      }
      let end = size;
      for (let from = windowEnd; from < size; from += BLOCK) {
        const at = read(from, Math.min(size, from + BLOCK)).indexOf(10);
        if (at >= 0) {
          end = from + at;
          break;
        }
      }
      if (!longest || end - start > longest.bytes) longest = { offset: start, bytes: end - start };
      start = end + 1;
    }
    return longest;
  } finally {
    closeSync(fd);
  }
}

/**
 * Watches the chunks of a text going by (an inflating gzip file) for a line longer than
 * MAX_LINE_BYTES: a chunk costs two searches, since only lines running across chunks can be long.
 */
export class LongLineWatch {
  longest: LongLine | null = null;
  private offset = 0;
  private lineStart = 0;

  feed(chunk: Buffer): void {
    if (chunk.length > MAX_LINE_BYTES) {
      for (let i = 0; i < chunk.length; i += MAX_LINE_BYTES) this.feed(chunk.subarray(i, i + MAX_LINE_BYTES));
      return;
    }
    const first = chunk.indexOf(10);
    if (first >= 0) {
      this.close(this.offset + first);
      this.lineStart = this.offset + chunk.lastIndexOf(10) + 1;
    }
    this.offset += chunk.length;
  }

  finish(): LongLine | null {
    this.close(this.offset);
    return this.longest;
  }

  private close(end: number): void {
    const bytes = end - this.lineStart;
    if (bytes > MAX_LINE_BYTES && bytes > (this.longest?.bytes ?? 0)) this.longest = { offset: this.lineStart, bytes };
  }
}

/**
 * DuckDB's `buffer_size` for a file whose longest line is `long` (null: none over MAX_LINE_BYTES).
 * DuckDB holds about three buffers while it sets such a line aside, outside its memory limit, so a
 * line longer than a quarter of the limit is refused, naming it, rather than risk the machine.
 */
export async function readBufferBytes(engine: Engine, path: string, compression: Compression, long: LongLine | null): Promise<number> {
  const needed = long === null ? 0 : long.bytes + 2 * 1024 ** 2;
  if (needed <= DEFAULT_BUFFER_BYTES) return DEFAULT_BUFFER_BYTES;
  const limit = await engine.memoryLimitBytes();
  if (needed * 4 > limit) {
    const line = await lineNumberAt(path, compression, (long as LongLine).offset);
    throw new InvalidInput(
      `load: ${path}: line ${line} is ${(long as LongLine).bytes.toLocaleString('en-US')} bytes, more than the ${MAX_LINE_BYTES / 1024 ** 2} MiB ` +
        `Silt reads in one line, and too long to set aside within engine.memory_limit (${Math.round(limit / 1024 ** 2)} MiB); ` +
        'split that line (or raise engine.memory_limit to four times its size) and put the file back',
    );
  }
  return Math.ceil(needed / 1024 ** 2) * 1024 ** 2;
}

/** The 1-based physical line starting at byte `offset` of the (uncompressed) text. */
async function lineNumberAt(path: string, compression: Compression, offset: number): Promise<number> {
  let line = 1;
  let seen = 0;
  const input = createReadStream(path);
  const stream = compression === 'gzip' ? input.pipe(createGunzip()) : input;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const part = chunk.subarray(0, Math.max(0, offset - seen));
      for (let i = part.indexOf(10); i >= 0; i = part.indexOf(10, i + 1)) line += 1;
      seen += chunk.length;
      if (seen >= offset) break;
    }
  } finally {
    input.destroy();
  }
  return line;
}
