import { createGunzip } from 'node:zlib';
import type { InputFile } from './file-input.js';
import type { CsvRejectedRecord } from './file-csv-rejects.js';
import type { Compression } from './file-format.js';
import type { Reject } from './file-types.js';

/**
 * The rejects of one CSV read as the user gets them, given each record's physical line:
 * - a quote that never closes swallows every line after it into one DuckDB record; each of those
 *   lines becomes its own reject, the first saying "unclosed quote starting at line N", so a count
 *   of rejects is a count of lines not loaded and the user sees where the damage starts;
 * - DuckDB shows invalid UTF-8 as `?`; the raw text is re-read from the file's bytes, with U+FFFD
 *   for each bad sequence, and the reason names the bytes and where they sit in the line.
 */
export async function detailCsvRejects(
  file: InputFile,
  compression: Compression,
  delimiter: string,
  rejected: readonly CsvRejectedRecord[],
  lines: readonly (number | undefined)[],
): Promise<Reject[]> {
  const encoding = rejected.flatMap((r, i) => (r.type === 'INVALID ENCODING' && lines[i] !== undefined ? [lines[i] as number] : []));
  const bytes = encoding.length > 0 ? await lineBytes(file, compression, encoding) : new Map<number, Uint8Array>();
  const { path } = file;
  return rejected.flatMap((r, i): Reject[] => {
    const line = lines[i] ?? null;
    const reject: Reject = { file: path, line, column: r.column, raw: r.raw, error: r.error };
    if (r.type === 'UNQUOTED VALUE' && r.raw !== null && (r.raw.includes('\n') || endsInsideQuotes(r.raw, delimiter))) return unclosedQuote(reject, r.raw);
    const original = line === null ? undefined : bytes.get(line);
    // Without bad bytes the line found is not the record's (line numbers were approximate).
    const bad = original ? invalidSequences(original) : [];
    if (r.type === 'INVALID ENCODING' && original && bad.length > 0) return [{ ...reject, raw: new TextDecoder('utf-8').decode(original), error: badUtf8(bad) }];
    return [reject];
  });
}

/** Whether a one-line record ends inside a quoted value (RFC 4180: a quote opens a value only at its start). */
function endsInsideQuotes(text: string, delimiter: string): boolean {
  let inQuotes = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"' && text[i + 1] === '"') i += 1;
      else if (ch === '"') inQuotes = false;
    } else if (ch === '"' && fieldStart) inQuotes = true;
    fieldStart = !inQuotes && ch === delimiter;
  }
  return inQuotes;
}

function unclosedQuote(reject: Reject, raw: string): Reject[] {
  const pieces = raw.split('\n').map((p) => p.replace(/\r$/, ''));
  const start = reject.line;
  const at = start === null ? '' : ` starting at line ${start}`;
  if (pieces.length === 1) {
    return [{ ...reject, error: `unclosed quote${at}: the quote never closes before the end of the file; close it (a quote inside a value is written "") and put the file back` }];
  }
  const last = start === null ? null : start + pieces.length - 1;
  const span = start === null ? `the ${pieces.length} lines from there` : `lines ${start}-${last}`;
  const first: Reject = {
    ...reject,
    raw: pieces[0] ?? '',
    error: `unclosed quote${at}: the quoted value runs on over ${span}, which were not read as records (each is rejected); fix the quote and put the file back`,
  };
  const rest = pieces.slice(1).flatMap((text, k): Reject[] =>
    text === '' ? [] : [{ file: reject.file, line: start === null ? null : start + k + 1, column: null, raw: text, error: `not read: inside the unclosed quote${at}` }],
  );
  return [first, ...rest];
}

/**
 * The bytes of some physical lines of a file (gunzipped), read through its store; none for zstd.
 * Read here, not by DuckDB: its latin-1 decoding refuses bytes 0x80-0x9F, common in bad UTF-8.
 */
async function lineBytes(source: InputFile, compression: Compression, lines: number[]): Promise<Map<number, Uint8Array>> {
  const out = new Map<number, Uint8Array>();
  if (compression === 'zstd') return out;
  const wanted = new Set(lines);
  const last = Math.max(...lines);
  const file = await source.store.stream(source.key);
  const input = compression === 'gzip' ? file.pipe(createGunzip()) : file;
  let line = 1;
  let parts: Uint8Array[] = [];
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(10, from); ; nl = chunk.indexOf(10, from)) {
        if (wanted.has(line)) parts.push(new Uint8Array(chunk.subarray(from, nl < 0 ? chunk.length : nl)));
        if (nl < 0) break;
        if (wanted.has(line)) out.set(line, stripCr(Buffer.concat(parts)));
        parts = [];
        line += 1;
        from = nl + 1;
      }
      if (line > last) break;
    }
    if (wanted.has(line) && parts.length > 0) out.set(line, stripCr(Buffer.concat(parts)));
  } finally {
    file.destroy();
  }
  return out;
}

function stripCr(line: Buffer): Uint8Array {
  return new Uint8Array(line.at(-1) === 13 ? line.subarray(0, -1) : line);
}

/** What is wrong with a line's bytes as UTF-8: the bad sequences (up to three) in hex, at their 1-based byte positions. */
function badUtf8(bad: { at: number; hex: string }[]): string {
  const shown = bad.slice(0, 3).map((b) => `${b.hex} at byte ${b.at}`);
  const more = bad.length > 3 ? ` and ${bad.length - 3} more` : '';
  const list = shown.length === 0 ? '' : `: ${shown.join(', ')}${more} of the line`;
  return `invalid UTF-8${list} (shown as U+FFFD in raw); the file is not all UTF-8: save it as UTF-8 and put it back`;
}

/** The maximal invalid subparts of `b`, as a decoder replaces each with one U+FFFD. */
function invalidSequences(b: Uint8Array): { at: number; hex: string }[] {
  const out: { at: number; hex: string }[] = [];
  let i = 0;
  while (i < b.length) {
    const lead = b[i] as number;
    const need = lead < 0x80 ? 0 : lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : -1;
    let ok = need >= 0;
    let j = i + 1;
    for (let k = 0; ok && k < need; k++, j++) {
      const c = b[j];
      const lo = k === 0 && lead === 0xe0 ? 0xa0 : k === 0 && lead === 0xf0 ? 0x90 : 0x80;
      const hi = k === 0 && lead === 0xed ? 0x9f : k === 0 && lead === 0xf4 ? 0x8f : 0xbf;
      if (c === undefined || c < lo || c > hi) ok = false;
    }
    if (ok) {
      i = j;
      continue;
    }
    const end = need < 0 ? i + 1 : Math.max(i + 1, j - 1);
    out.push({ at: i + 1, hex: [...b.subarray(i, end)].map((x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ') });
    i = end;
  }
  return out;
}
