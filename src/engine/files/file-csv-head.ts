import type { Engine } from '../core/index.js';
import type { InputFile } from './file-input.js';
import { headBytes, type Compression } from './file-format.js';
import { dropTables, linesSource, newRejectTables } from './file-lines.js';

const HEAD_LINES = 200;
const HEAD_BYTES = 64 * 1024;

/** The first lines of the file as text, from its first 64 KiB (DuckDB's line scan for zstd or a longer first line). */
export async function headLines(engine: Engine, file: InputFile, compression: Compression): Promise<string[]> {
  const { path } = file;
  const bytes = compression === 'zstd' ? null : await headBytes(file, compression, HEAD_BYTES);
  const text = bytes === null ? null : Buffer.from(bytes).toString('utf8');
  const whole = bytes !== null && (await file.store.size(file.key)) < HEAD_BYTES;
  // No newline: the first line is longer than we read, or the line ends are old-Mac `\r`.
  if (text === null || (!text.includes('\n') && (!whole || text.includes('\r')))) return duckdbHeadLines(engine, path, compression);
  const lines = text.split('\n');
  // The piece after the last newline is a cut line, or nothing when the file ends there.
  if (!whole || lines.at(-1) === '') lines.pop();
  const head = lines.slice(0, HEAD_LINES).map((l) => l.replace(/\r$/, ''));
  if (head[0] !== undefined) head[0] = head[0].replace(/^\uFEFF/, '');
  return head;
}

async function duckdbHeadLines(engine: Engine, path: string, compression: Compression): Promise<string[]> {
  const rejects = newRejectTables();
  try {
    const head = (strict: boolean) =>
      engine.all<{ text: string | null }>(
        `SELECT text FROM ${linesSource(path, compression, 'latin-1', rejects, strict)} LIMIT ${HEAD_LINES}`,
      );
    const rows = await head(true).catch(() => head(false));
    // latin-1 never fails to decode; turn the bytes back into UTF-8 text.
    const lines = rows.map((r) => Buffer.from(r.text ?? '', 'latin1').toString('utf8').replace(/\r$/, ''));
    if (lines[0] !== undefined) lines[0] = lines[0].replace(/^\uFEFF/, '');
    return lines;
  } finally {
    await dropTables(engine, rejects.errors, rejects.scans);
  }
}
