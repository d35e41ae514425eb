import { InvalidInput } from '../../errors.js';
import { headBytes, type Compression } from './file-format.js';
import type { InputFile } from './file-input.js';

const SAMPLE = 4096;

/**
 * Refuses, with what to do instead, a "text" file that is not text Silt can read: UTF-16 or UTF-32
 * (by byte order mark or, without one, the NUL byte in every other position that ASCII text has in
 * UTF-16), a known binary format under a text name (an Excel workbook saved as .csv, Parquet, a
 * compressed file without its .gz/.zst), or bytes that are mostly control characters. Read as UTF-8
 * such a file is garbage: a column name of binary noise, rows of it, nothing useful.
 */
export async function assertTextFile(file: InputFile, compression: Compression): Promise<void> {
  const { path } = file;
  const head = await headBytes(file, compression, SAMPLE);
  // Load and ingest both turn it away: an empty file is an export that failed or was cut, never data.
  if (compression === 'none' && isBlank(head)) {
    throw new InvalidInput(`load: ${path}: the file is empty (no header, no records); put the complete file back, or remove it`, { code: 'file_rejected', details: { file: path } });
  }
  const encoding = wideEncoding(head);
  if (encoding !== null) {
    throw new InvalidInput(`load: ${path}: the file is ${encoding}; Silt reads text files as UTF-8: save it as UTF-8 (in Excel: "CSV UTF-8") and put it back`, { code: 'file_rejected', details: { file: path } });
  }
  const binary = binaryKind(head);
  if (binary !== null) throw new InvalidInput(`load: ${path}: the file is not text but ${binary}`, { code: 'file_rejected', details: { file: path } });
}

/** The whole file (shorter than the sample) is whitespace, after a UTF-8 byte order mark if any. */
function isBlank(head: Uint8Array): boolean {
  if (head.length >= SAMPLE) return false;
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  return head.subarray(start).every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d);
}

const MAGIC: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an Excel .xlsx workbook is one): export the sheet as CSV UTF-8, or unzip it, and put that in the landing folder'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Office document (an Excel .xls workbook?): export the sheet as CSV UTF-8 and put that in the landing folder'],
  [[0x50, 0x41, 0x52, 0x31], 'a Parquet file: give it a .parquet name'],
  [[0x1f, 0x8b], 'gzip data: give it a .gz name (e.g. orders.csv.gz)'],
  [[0x28, 0xb5, 0x2f, 0xfd], 'zstd data: give it a .zst name (e.g. orders.csv.zst)'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document: Silt reads CSV, JSON and Parquet'],
];

function binaryKind(head: Uint8Array): string | null {
  for (const [magic, kind] of MAGIC) if (magic.every((b, i) => head[i] === b)) return kind;
  let control = 0;
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control += 1;
  // Text has next to none; a stray NUL or two in a CSV is a value's problem, not the file's.
  return head.length >= 16 && control > head.length * 0.1 ? 'binary data (many control bytes in its first 4 KB): Silt reads CSV, JSON and Parquet' : null;
}

export function wideEncoding(head: Uint8Array): string | null {
  const [a, b, c, d] = head;
  if (a === 0xff && b === 0xfe && c === 0 && d === 0) return 'UTF-32 LE encoded (byte order mark FF FE 00 00)';
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return 'UTF-32 BE encoded (byte order mark 00 00 FE FF)';
  if (a === 0xff && b === 0xfe) return 'UTF-16 LE encoded (byte order mark FF FE)';
  if (a === 0xfe && b === 0xff) return 'UTF-16 BE encoded (byte order mark FE FF)';
  const pairs = Math.floor(head.length / 2);
  if (pairs < 2) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) evenNul += 1;
    if (head[i + 1] === 0) oddNul += 1;
  }
  // Mostly-ASCII UTF-16 has a NUL in nearly every pair; text with a few stray NULs does not.
  if (oddNul >= pairs * 0.7 && evenNul <= pairs * 0.1) return 'UTF-16 LE encoded (no byte order mark)';
  if (evenNul >= pairs * 0.7 && oddNul <= pairs * 0.1) return 'UTF-16 BE encoded (no byte order mark)';
  return null;
}

