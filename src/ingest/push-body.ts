import { InvalidInput } from '../errors.js';
import type { SourceConfig } from './source-config.js';

/** What a push's Content-Type says its body is. */
export type PushMedia = 'json' | 'ndjson' | 'csv' | 'tsv';

const MEDIA: Record<string, PushMedia> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
  'text/csv': 'csv',
  'text/tab-separated-values': 'tsv',
};

export const PUSH_MEDIA_TYPES: readonly string[] = Object.keys(MEDIA);

/** A push's records as they go into a batch file: NDJSON lines, or CSV/TSV records under a header. */
export interface PushRecords {
  kind: 'ndjson' | 'csv' | 'tsv';
  /** The header record of a CSV/TSV body (with its newline); '' for NDJSON or a source without headers. */
  header: string;
  /** The records, each ending in a newline. */
  text: string;
  rows: number;
}

/** 415: a body of a media type the source cannot take. */
export function unsupportedMedia(message: string, source: string): InvalidInput {
  return new InvalidInput(message, { code: 'unsupported_media_type', details: { key: source } });
}

/** The media a Content-Type header names, or a 415 naming the source and the types it takes. */
export function pushMedia(source: string, config: SourceConfig, contentType: string | undefined): PushMedia {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const media = MEDIA[essence];
  const takes = acceptedMedia(config);
  if (config.pull) {
    throw new InvalidInput(`push: source ${source} is pulled (its pull: in silt.yaml), so it takes no pushes; push to a source without pull:`, { code: 'source_pulled', details: { key: source } });
  }
  if (takes.length === 0) {
    throw unsupportedMedia(`push: source ${source} takes ${config.format} files, which cannot be pushed; push to a source of format csv, tsv, json or ndjson`, source);
  }
  if (!media || !takes.includes(media)) {
    const types = PUSH_MEDIA_TYPES.filter((t) => takes.includes(MEDIA[t]!));
    const declared = config.format ? ` (its format is ${config.format})` : '';
    throw unsupportedMedia(`push: source ${source}${declared} takes Content-Type ${types.join(', ')}; got ${essence || 'none'}`, source);
  }
  return media;
}

function acceptedMedia(config: SourceConfig): PushMedia[] {
  switch (config.format) {
    case undefined:
      return ['json', 'ndjson', 'csv', 'tsv'];
    case 'json':
    case 'ndjson':
      return ['json', 'ndjson'];
    case 'csv':
      return ['csv'];
    case 'tsv':
      return ['tsv'];
    default:
      return [];
  }
}

/**
 * The records of a push body: a JSON object or array of objects, NDJSON (one object a line) or
 * CSV/TSV (with a header unless the source says `header: false`). Each JSON record keeps its text
 * as sent (numbers beyond doubles, keys as written), on one line. A body that is not UTF-8, holds
 * no record, or is malformed is InvalidInput naming the line (and column) where it goes wrong.
 */
export function readPushBody(source: string, config: SourceConfig, media: PushMedia, body: Uint8Array): PushRecords {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    throw bad(source, 'the body is not UTF-8 text; send UTF-8');
  }
  if (text.trim() === '') throw bad(source, 'the body is empty; send at least one record', 'empty_body');
  if (media === 'json') return jsonRecords(source, text);
  if (media === 'ndjson') return ndjsonRecords(source, text);
  return csvRecords(source, media, text, config.header !== false);
}

function bad(source: string, what: string, code = 'bad_push_body', at: { line?: number; column?: number } = {}): InvalidInput {
  const where = at.line === undefined ? '' : ` line ${at.line}${at.column === undefined ? '' : `, column ${at.column}`}:`;
  return new InvalidInput(`push: source ${source}:${where} ${what}`, { code, details: { key: source, ...at } });
}

function jsonRecords(source: string, text: string): PushRecords {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const { reason, position } = syntaxError(e, text);
    throw bad(source, `malformed JSON: ${reason}`, 'bad_push_body', lineAndColumn(text, position));
  }
  const elements = Array.isArray(value) ? value : [value];
  if (elements.length === 0) throw bad(source, 'the array holds no record; send at least one object', 'empty_body');
  const notObject = elements.findIndex((v) => !isObject(v));
  if (notObject >= 0) {
    const what = Array.isArray(value) ? `element ${notObject + 1} of the array is` : 'the body is';
    throw bad(source, `${what} ${kindOf(elements[notObject])}, not an object; a record is a JSON object`);
  }
  const raw = Array.isArray(value) ? arrayElements(text) : [text.trim()];
  // A newline may only stand between tokens in JSON (inside strings it is escaped), so replacing
  // each by a space puts a record on one line without changing it.
  const lines = raw.map((r) => r.replace(/[\r\n]+/g, ' '));
  return { kind: 'ndjson', header: '', text: lines.join('\n') + '\n', rows: lines.length };
}

function ndjsonRecords(source: string, text: string): PushRecords {
  const lines: string[] = [];
  text.split('\n').forEach((physical, i) => {
    const line = physical.replace(/\r$/, '');
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      const { reason, position } = syntaxError(e, line);
      throw bad(source, `malformed JSON: ${reason}`, 'bad_push_body', { line: i + 1, ...(position === undefined ? {} : { column: position + 1 }) });
    }
    if (!isObject(value)) throw bad(source, `${kindOf(value)}, not an object; each line holds one JSON object`, 'bad_push_body', { line: i + 1 });
    lines.push(line.trim().replace(/\r/g, ' '));
  });
  return { kind: 'ndjson', header: '', text: lines.join('\n') + '\n', rows: lines.length };
}

/**
 * CSV/TSV records (quoted fields may hold newlines), each ending in '\n'; blank lines are dropped
 * so the rows counted are the rows bronze gets.
 */
function csvRecords(source: string, kind: 'csv' | 'tsv', text: string, withHeader: boolean): PushRecords {
  const records: string[] = [];
  let start = 0;
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  const body = text.endsWith('\n') ? text : text + '\n';
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 34) {
      quoted = !quoted;
      if (quoted) quoteLine = line;
    } else if (c === 10) {
      line++;
      if (quoted) continue;
      const record = body.slice(start, i).replace(/\r$/, '');
      if (record.trim() !== '') records.push(record + '\n');
      start = i + 1;
    }
  }
  if (quoted) throw bad(source, 'a quoted field opened here is never closed', 'bad_push_body', { line: quoteLine });
  const header = withHeader ? (records.shift() ?? '') : '';
  if (records.length === 0) throw bad(source, withHeader ? 'the body holds a header but no record' : 'the body holds no record', 'empty_body');
  return { kind, header, text: records.join(''), rows: records.length };
}

/** The text of each element of a JSON array (the text is known to be valid JSON). */
function arrayElements(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (depth === 1) start = i;
      depth++;
    } else if (c === 125 || c === 93) {
      depth--;
      if (depth === 1) out.push(text.slice(start, i + 1));
    }
  }
  return out;
}

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

/** V8's reason, and the character where it gave up when it says (at the end for a cut text). */
function syntaxError(e: unknown, text: string): { reason: string; position?: number } {
  const message = e instanceof Error ? e.message : String(e);
  if (/^Unexpected end of JSON input/.test(message)) return { reason: 'the text ends early', position: text.length };
  const at = / (?:in JSON )?at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(message);
  const reason = message.slice(0, at?.index).replace(/, ".*" is not valid JSON$/s, '');
  return { reason: reason.charAt(0).toLowerCase() + reason.slice(1), ...(at ? { position: Number(at[1]) } : {}) };
}

function lineAndColumn(text: string, position: number | undefined): { line?: number; column?: number } {
  if (position === undefined) return {};
  const before = text.slice(0, position);
  const lastNewline = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: position - lastNewline };
}
