import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, isAbsolute } from 'node:path';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LocalStore } from '../../storage/index.js';
import type { Engine } from '../core/index.js';
import type { Compression } from './file-format.js';
import { storeInput, type InputFile } from './file-input.js';
import { longLineReason, MAX_LINE_BYTES } from './file-lines.js';
import type { FileRead, FileStream, Reject } from './file-types.js';

/**
 * Lines longer than MAX_LINE_BYTES never reach DuckDB. Its CSV reader (which the line scans use
 * too) rejects such a line only where it lies within one read buffer; one running across two
 * buffers is skipped without a reject and without being counted, so the row count would come from
 * what the parser kept, not from the file. A file holding such a line (found cheaply: see
 * longestPlainLine, LongLineWatch) is read from a plain copy in which each record holding one is
 * blank lines (which every reader skips but counts), and that record is a reject made here, with
 * its file, first line and size.
 */
export interface LongLine {
  /** Byte offset (of the uncompressed text) where the line starts. */
  offset: number;
  /** Its length in bytes, without the newline. */
  bytes: number;
}

const BLOCK = 64 * 1024;

// DuckDB ends a line at a lone carriage return too (old Mac files), so a line is only long when it
// holds neither byte for that long.
function firstBreak(bytes: Buffer): number {
  const nl = bytes.indexOf(10);
  const cr = bytes.indexOf(13);
  return nl < 0 ? cr : cr < 0 ? nl : Math.min(nl, cr);
}

function lastBreak(bytes: Buffer): number {
  return Math.max(bytes.lastIndexOf(10), bytes.lastIndexOf(13));
}

/**
 * The longest line of a plain file when it is longer than MAX_LINE_BYTES, else null. Lines are
 * checked a window at a time: the last newline within MAX_LINE_BYTES of a line's start is looked
 * for backwards, so an ordinary file costs one small read per 16 MiB.
 */
export async function longestPlainLine(file: InputFile): Promise<LongLine | null> {
  const size = await file.store.size(file.key);
  const read = (from: number, to: number): Promise<Buffer> => file.store.read(file.key, { offset: from, length: to - from });
  let longest: LongLine | null = null;
  let start = 0;
  while (size - start > MAX_LINE_BYTES) {
    const windowEnd = start + MAX_LINE_BYTES + 1;
    let nl = -1;
    for (let to = windowEnd; to > start && nl < 0; to -= BLOCK) {
      const from = Math.max(start, to - BLOCK);
      const at = lastBreak(await read(from, to));
      if (at >= 0) nl = from + at;
    }
    if (nl >= 0) {
      start = nl + 1;
      continue;
    }
    let end = size;
    for (let from = windowEnd; from < size; from += BLOCK) {
      const at = firstBreak(await read(from, Math.min(size, from + BLOCK)));
      if (at >= 0) {
        end = from + at;
        break;
      }
    }
    if (!longest || end - start > longest.bytes) longest = { offset: start, bytes: end - start };
    start = end + 1;
  }
  return longest;
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
    const first = firstBreak(chunk);
    if (first >= 0) {
      this.close(this.offset + first);
      this.lineStart = this.offset + lastBreak(chunk) + 1;
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

/** A plain copy of a file with its long records blanked, and those records as rejects of the file. */
export interface LinesAside {
  /** The copy, in DuckDB's temporary folder. */
  copy: InputFile;
  rejects: Reject[];
  remove(): Promise<void>;
}

/** Characters of a set-aside record kept as its raw text. */
const RAW_CHARS = 4096;

/**
 * The copy of `path` (inflated if gzip) with every record holding a line longer than
 * MAX_LINE_BYTES replaced by as many empty lines. A CSV record runs over the lines a quoted value
 * spans (quote state carried across lines; `""` counts twice, so the parity alone tells); an NDJSON
 * record is its line. Two passes over the file: one finds the records, one writes the copy.
 */
export async function setAsideLongLines(engine: Engine, file: InputFile, compression: Compression, csv: boolean, advice: string): Promise<LinesAside> {
  const records = await longRecords(file, compression, csv);
  const scratch = await spillStore(engine);
  const key = `silt-long-lines-${randomUUID()}-${basename(file.path).replace(/\.(gz|gzip)$/i, '')}`;
  const blanked = pipeline(await inflated(file, compression), blanking(records), () => undefined);
  await scratch.putStream(key, blanked);
  const rejects = records.map((r): Reject => ({ file: file.path, line: r.line, column: null, raw: r.raw, error: longLineReason(r.bytes, advice) }));
  return { copy: await storeInput(scratch, key), rejects, remove: () => scratch.delete(key) };
}

/** DuckDB's spill folder when set (a project's, on its disk), else the system's temp folder: the copy may be as big as the file inflated. */
async function spillStore(engine: Engine): Promise<LocalStore> {
  const [row] = await engine.all<{ dir: string | null }>(`SELECT current_setting('temp_directory') AS dir`);
  const store = new LocalStore(row?.dir && isAbsolute(row.dir) ? row.dir : tmpdir());
  await store.engineFolder('');
  return store;
}

interface LongRecord {
  line: number;
  /** Byte offsets of its text: from the start of its first line to the end of its last (no newline). */
  start: number;
  end: number;
  /** Newlines inside it (lines it spans, less one). */
  newlines: number;
  bytes: number;
  raw: string;
}

async function inflated(file: InputFile, compression: Compression): Promise<Readable> {
  const input = await file.store.stream(file.key);
  return compression === 'gzip' ? pipeline(input, createGunzip(), () => undefined) : input;
}

async function longRecords(file: InputFile, compression: Compression, csv: boolean): Promise<LongRecord[]> {
  const found: LongRecord[] = [];
  let offset = 0;
  let line = 1;
  let lineStart = 0;
  let inQuotes = false;
  let record = { line: 1, start: 0, long: false, head: '' };
  const endLine = (end: number, odd: boolean) => {
    if (end - lineStart > MAX_LINE_BYTES) record.long = true;
    if (csv && odd) inQuotes = !inQuotes;
    if (!inQuotes) {
      if (record.long) {
        found.push({ line: record.line, start: record.start, end, newlines: line - record.line, bytes: end - record.start, raw: `${record.head.replace(/\n$/, '')}…` });
      }
      record = { line: line + 1, start: end + 1, long: false, head: '' };
    }
  };
  let odd = false;
  for await (const chunk of (await inflated(file, compression)) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; ) {
      const nl = chunk.indexOf(10, i);
      const end = nl < 0 ? chunk.length : nl;
      const piece = chunk.subarray(i, end);
      if (record.head.length < RAW_CHARS) {
        record.head += piece.toString('utf8', 0, Math.min(piece.length, RAW_CHARS - record.head.length)) + (nl < 0 ? '' : '\n');
      }
      if (csv) for (let q = piece.indexOf(34); q >= 0; q = piece.indexOf(34, q + 1)) odd = !odd;
      if (nl < 0) break;
      endLine(offset + nl, odd);
      odd = false;
      line += 1;
      lineStart = offset + nl + 1;
      i = nl + 1;
    }
    offset += chunk.length;
  }
  if (offset > lineStart || inQuotes) {
    inQuotes = false;
    endLine(offset, false);
  }
  return found;
}

/** Passes the bytes through, but each long record's as its newlines only. */
function blanking(records: LongRecord[]): Transform {
  let offset = 0;
  let k = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const from = offset;
      offset += chunk.length;
      let at = from;
      while (k < records.length && (records[k] as LongRecord).start < offset) {
        const r = records[k] as LongRecord;
        if (r.start > at) this.push(chunk.subarray(at - from, r.start - from));
        if (at <= r.start) this.push(Buffer.from('\n'.repeat(r.newlines)));
        at = Math.max(at, Math.min(r.end, offset));
        if (r.end > offset) break;
        k += 1;
      }
      if (at < offset) this.push(chunk.subarray(at - from));
      done();
    },
  });
}

/** `read` (of the copy) as a read of `path`: the copy's rejects and warnings name `path`, and the long records are among the rejects. */
export function readOfOriginal(read: FileRead, aside: LinesAside, path: string): FileRead {
  return {
    ...read,
    rejects: [...aside.rejects, ...read.rejects.map((r) => ({ ...r, file: r.file === aside.copy.path ? path : r.file }))].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)),
    warnings: read.warnings.map((w) => w.split(aside.copy.path).join(path)),
  };
}

/** readOfOriginal for a stream; its close removes the copy. */
export function streamOfOriginal(stream: FileStream, aside: LinesAside, path: string): FileStream {
  return {
    columns: stream.columns,
    get warnings() {
      return stream.warnings.map((w) => w.split(aside.copy.path).join(path));
    },
    query: () => stream.query(),
    readLeniently: (e) => stream.readLeniently(e),
    async rejects() {
      const read = { query: null, columns: [], rows: 0, rejects: await stream.rejects(), warnings: [], tables: [] };
      return readOfOriginal(read, aside, path).rejects;
    },
    async close() {
      try {
        await stream.close();
      } finally {
        await aside.remove();
      }
    },
  };
}

/** An error from reading the copy, as one of reading `path`. */
export function errorOfOriginal(e: unknown, aside: LinesAside, path: string): unknown {
  if (e instanceof Error) e.message = e.message.split(aside.copy.path).join(path);
  return e;
}
