import { type Engine, quoteFilePath, quoteIdent, quoteLiteral } from '../core/index.js';
import type { InputFile } from './file-input.js';
import { documentBytes, headBytes, type Compression } from './file-format.js';
import { CRASH_GUARD_BYTES, MAX_JSON_DEPTH, structureDepth, takeTooDeep } from './file-json-depth.js';
import { takeRepeatedKeys } from './file-json-keys.js';
import { splitDocument } from './file-json-split.js';
import { checkedRejects, doubleColumn, integerColumn, integralColumns, suspectDoubles, type CheckedColumn } from './file-json-numbers.js';
import { scanPlainStructure, type ScannedStructure } from './file-json-structure.js';
import { jsonColumns, jsonKind, keyNames, transformShape, type Shape } from './file-json-types.js';
import { jsonSyntaxError } from './json-syntax.js';
import {
  decompressionError,
  dropTables,
  duckdbLineSize,
  linesSource,
  longLineReason,
  MAX_LINE_BYTES,
  newRejectTables,
  noCrOrNul,
  notUtf8,
  shiftLinesSql,
  tempName,
  wholeText,
} from './file-lines.js';
import type { FileRead, Reject } from './file-types.js';

/** `records`: each document's array at a JSON path holds the records (see ReadOptions.records). */
type JsonLayout = 'lines' | 'array' | 'unstructured' | { records: string };

/** Rejects V8 reads but DuckDB does not: their DuckDB message is looked up one by one up to this many a file. */
const DETAILED_REASONS = 20;
const RAW_CHARS = 4096;
/** Files up to this size may be read whole (see loadWholeLines). */
const WHOLE_FILE_BYTES = 256 * 1024 ** 2;
/** How many times its size a file read whole may take of DuckDB's memory limit at most. */
const WHOLE_FILE_FOOTPRINT = 12;
/** Bytes of a file's start that show its encoding and layout. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Reads NDJSON (one record per line, numbered by physical line) or a JSON document (an array of
 * records, or records one after another, numbered by record). Records are parsed by DuckDB's
 * JSON functions from a table of the file's records, so every record is accounted for: loaded, or
 * rejected as malformed, not an object, or holding a value that does not fit its column. A cut
 * gzip file or UTF-16 text is turned away before (see checkedBytes in file-reader.ts).
 */
export async function readJson(engine: Engine, file: InputFile, compression: Compression, ndjson: boolean, records?: string): Promise<FileRead> {
  const layout: JsonLayout = records !== undefined ? { records } : ndjson ? 'lines' : await guessLayout(engine, file, compression);
  try {
    return await readLayout(engine, file, compression, layout, true);
  } catch (e) {
    // The scan reads strict JSON only, so DuckDB should read every record it read; should DuckDB
    // still find one malformed, the file is read again with every record checked by DuckDB.
    if (!/Malformed JSON/.test(e instanceof Error ? e.message : '')) throw e;
    return readLayout(engine, file, compression, layout, false);
  }
}

/** readJson for a layout; `scanFirst`: a plain file read whole is scanned first (see loadWholeLines). */
async function readLayout(engine: Engine, file: InputFile, compression: Compression, layout: JsonLayout, scanFirst: boolean): Promise<FileRead> {
  const { path } = file;
  const records = tempName('json');
  const rejects: Reject[] = [];
  const warnings: string[] = [];
  let scanned: ScannedStructure | undefined;
  try {
    if (layout === 'lines') {
      const loaded = await loadLines(engine, file, compression, records, scanFirst).catch((e: unknown) => {
        const damaged = decompressionError(e, compression);
        if (damaged === null) throw e;
        return damaged;
      });
      if (typeof loaded === 'string') return unreadable(fileReject(path, loaded));
      rejects.push(...loaded.rejects);
      scanned = loaded.scan;
      if (!loaded.exact) warnings.push(`${path}: holds a stray carriage return; line numbers after it may be off`);
    }
    else {
      const loaded = typeof layout === 'object' ? await loadRecordsAt(engine, file, compression, layout.records, records) : await loadDocument(engine, file, compression, layout, records);
      if (loaded.unreadable) return unreadable(loaded.unreadable);
      rejects.push(...loaded.rejects);
      warnings.push(...loaded.warnings);
    }
    rejects.push(...(await takeTooDeep(engine, path, records, cut, CRASH_GUARD_BYTES)));
    rejects.push(...(await malformed(engine, path, records)));
    const scan = scanned && trusted(scanned, rejects) ? scanned : undefined;
    // A scan that read exactly the records DuckDB took also names those repeating a key: when it
    // found none, DuckDB need not parse every record again to look. It merges the shapes of such
    // records too, so when there are any, json_structure gives the shape without them.
    const repeated = scan?.repeated.length === 0 ? [] : await takeRepeatedKeys(engine, path, records, cut);
    rejects.push(...repeated);
    const parsed = await parseRecords(engine, path, records, scan?.repeated.length === 0 ? scan.structure : undefined);
    rejects.push(...parsed.rejects);
    rejects.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const tables = [...parsed.tables];
    if (parsed.query === null) return { query: null, columns: [], rows: 0, rejects, warnings, tables };
    const described = await engine.all<{ column_name: string; column_type: string }>(`DESCRIBE ${parsed.query}`);
    return {
      query: parsed.query,
      columns: described.filter((d) => d.column_name !== '_source_line').map((d) => ({ name: d.column_name, duckdbType: d.column_type })),
      rows: parsed.rows,
      rejects,
      warnings: [...warnings, ...parsed.changes.map((c) => `${path}: ${c}`)],
      tables,
    };
  } finally {
    await dropTables(engine, records);
  }
}

function unreadable(reject: Reject): FileRead {
  return { query: null, columns: [], rows: 0, rejects: [reject], warnings: [], tables: [] };
}

interface Parsed {
  /** SQL for the good rows (columns + `_source_line`); null when no record holds a key. */
  query: string | null;
  rows: number;
  rejects: Reject[];
  changes: string[];
  /** Temp tables `query` reads. */
  tables: string[];
}

/**
 * The object records as columns, one per top-level key of the shape merged from every record (so
 * no key is dropped for being rare, and a key whose values disagree becomes JSON text). Each
 * record is then parsed once, to that shape. `scanned` is that merged structure when it is known
 * already (see scannedStructure).
 */
async function parseRecords(engine: Engine, path: string, records: string, scanned: unknown): Promise<Parsed> {
  let structure = scanned === undefined ? await structureOf(engine, records) : scanned;
  const tooDeep: Reject[] = [];
  if (structureDepth(structure) > MAX_JSON_DEPTH) {
    tooDeep.push(...(await takeTooDeep(engine, path, records, cut)));
    structure = await structureOf(engine, records);
  }
  const parsed = await parseStructured(engine, path, records, structure);
  return { ...parsed, rejects: [...tooDeep, ...parsed.rejects] };
}

async function parseStructured(engine: Engine, path: string, records: string, structure: unknown): Promise<Parsed> {
  if (structure === null || typeof structure !== 'object' || Array.isArray(structure)) return { query: null, rows: 0, rejects: [], changes: [], tables: [] };
  const shape = transformShape(structure, true);
  if (!isRecordShape(shape)) return parseKeyByKey(engine, path, structure, records);
  const field = (key: string) => `struct_extract(t, ${quoteLiteral(key)})`;
  const parsed = tempName('parsed');
  const parse = async (keysAsText: Set<string>) => {
    const read = Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, keysAsText.has(k) ? 'VARCHAR' : s]));
    await engine.run(
      `CREATE OR REPLACE TABLE ${quoteIdent(parsed)} AS
       SELECT line, json_transform(text, ${quoteLiteral(JSON.stringify(read))}) AS t FROM ${quoteIdent(records)} WHERE ok`,
    );
  };
  await parse(new Set());
  // Double columns holding a value a double may not hold exactly are read again as written.
  const doubles = Object.keys(shape).filter((k) => shape[k] === 'DOUBLE');
  const suspect = await suspectDoubles(engine, quoteIdent(parsed), new Map(doubles.map((k) => [k, field(k)])));
  if (suspect.size > 0) await parse(suspect);
  const integral = await integralColumns(engine, quoteIdent(parsed), new Map([...suspect].map((k) => [k, field(k)])));
  const cleaned = keyNames(Object.keys(shape));
  const columns = Object.entries(shape).map(([key, s], i): CheckedColumn => {
    const name = cleaned.names[i] ?? key;
    if (suspect.has(key)) return integral.has(key) ? integerColumn(name, field(key), field(key)) : doubleColumn(name, field(key));
    if (typeof s === 'string' && INTEGER.test(s) && s !== 'BIGINT') return integerColumn(name, field(key), `${field(key)}::VARCHAR`);
    return { name, value: field(key), checks: [] };
  });
  const checked = await checkedRejects(engine, path, quoteIdent(parsed), records, columns, cut);
  const query = `SELECT ${[...columns.map((c) => `${c.value} AS ${quoteIdent(c.name)}`), 'line::BIGINT AS _source_line'].join(', ')}
    FROM ${quoteIdent(parsed)} WHERE NOT (${checked.failing})`;
  const objects = Number((await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(parsed)}`))[0]?.n ?? 0);
  return { query, rows: objects - checked.rejects.length, rejects: checked.rejects, changes: cleaned.changes, tables: [parsed] };
}

/**
 * Whether the scan of a file read whole (its merged structure costs about half of json_structure)
 * may stand for DuckDB's: only when the lines it could not read are exactly those DuckDB did not
 * take as object records (`rejected`).
 */
function trusted(scan: ScannedStructure, rejected: Reject[]): boolean {
  const lines = rejected.map((r) => r.line).sort((a, b) => (a ?? 0) - (b ?? 0));
  return scan.unread.length === lines.length && scan.unread.every((line, i) => line === lines[i]);
}

function isRecordShape(shape: Shape): shape is { [key: string]: Shape } {
  return typeof shape === 'object' && !Array.isArray(shape);
}

/**
 * The merged structure of the object records: every record's, so a key that first appears deep in
 * the file is not missed. Merging is cheapest a batch of 1000 records at a time, and the structure
 * of a set of records depends only on the structures of its parts, so only the first batch of each
 * distinct structure is kept; within those, one record per distinct structure. The survivors merge
 * in line order, which fixes the order of keys.
 */
async function structureOf(engine: Engine, records: string): Promise<unknown> {
  const batched = `SELECT CASE WHEN strlen(text) > ${BATCH_RECORD_BYTES} THEN -line ELSE line // ${BATCH_RECORDS} END AS b, line, text
    FROM ${quoteIdent(records)} WHERE ok`;
  const firsts = await firstBatches(engine, records, batched);
  if (firsts.length === 0) return null;
  const rows = await engine.all<{ s: string | null }>(
    `WITH survivors AS (
       SELECT arg_min(text, line) AS text, min(line) AS line FROM (${batched})
       WHERE b IN (${firsts.join(', ')}) GROUP BY json_structure(text))
     SELECT json_structure('[' || string_agg(text, ',' ORDER BY line) || ']')::VARCHAR AS s FROM survivors`,
  );
  const s = rows[0]?.s;
  return s ? (JSON.parse(s) as unknown[])[0] : null;
}

/**
 * The first batch of each distinct batch structure. DuckDB holds the parsed JSON of every batch
 * whose structure one statement takes (several times the text) until the statement ends, so the
 * batches go a span of lines at a time, holding a 64th of the memory limit in text: with memory to
 * spare, the whole file in one statement.
 */
async function firstBatches(engine: Engine, records: string, batched: string): Promise<number[]> {
  const [size] = await engine.all<{ lines: bigint | null; bytes: bigint | null }>(
    `SELECT max(line) AS lines, sum(strlen(text)) AS bytes FROM ${quoteIdent(records)} WHERE ok`,
  );
  const lines = Number(size?.lines ?? 0);
  if (lines === 0) return [];
  const linesPerByte = lines / Math.max(1, Number(size?.bytes ?? 0));
  const span = BATCH_RECORDS * Math.max(1, Math.floor(((await engine.memoryLimitBytes()) / 64) * linesPerByte / BATCH_RECORDS));
  const first = new Map<string, number>();
  for (let from = 0; from <= lines; from += span) {
    const rows = await engine.all<{ b: bigint; s: string }>(
      `SELECT b, json_structure('[' || string_agg(text, ',') || ']')::VARCHAR AS s
       FROM (${batched}) WHERE line >= ${from} AND line < ${from + span} GROUP BY b`,
    );
    for (const { b, s } of rows) first.set(s, Math.min(first.get(s) ?? Infinity, Number(b)));
  }
  return [...first.values()];
}

/** Records per batch when merging structures; a record longer than BATCH_RECORD_BYTES is a batch of its own. */
const BATCH_RECORDS = 1000;
const BATCH_RECORD_BYTES = 65536;

const INTEGER = /^(U?BIGINT|U?HUGEINT)$/;

/** Records whose top-level keys cannot be one STRUCT: each key is extracted on its own. */
async function parseKeyByKey(engine: Engine, path: string, structure: unknown, records: string): Promise<Parsed> {
  const { columns, changes } = jsonColumns(structure);
  if (columns.length === 0) return { query: null, rows: 0, rejects: [], changes: [], tables: [] };
  const kept = tempName('objects');
  await engine.run(`CREATE TABLE ${quoteIdent(kept)} AS SELECT line, text::JSON AS j FROM ${quoteIdent(records)} WHERE ok`);
  const checked = await checkedRejects(engine, path, quoteIdent(kept), records, columns, cut);
  const select = columns.map((c) => `${c.value} AS ${quoteIdent(c.name)}`);
  const query = `SELECT ${[...select, 'line::BIGINT AS _source_line'].join(', ')} FROM ${quoteIdent(kept)} WHERE NOT (${checked.failing})`;
  const rows = Number((await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM (${query})`))[0]?.n ?? 0);
  return { query, rows, rejects: checked.rejects, changes, tables: [kept] };
}

/** Whether a JSON file holds one record per line (NDJSON), as readJson reads it. */
export async function jsonHoldsLines(engine: Engine, file: InputFile, compression: Compression): Promise<boolean> {
  return (await guessLayout(engine, file, compression)) === 'lines';
}

/**
 * Array, lines or concatenated objects, by the first non-blank line: from the file's first bytes,
 * or (zstd, which Node cannot inflate) from a line scan, which gives the start of an over-long line.
 */
async function guessLayout(engine: Engine, file: InputFile, compression: Compression): Promise<JsonLayout> {
  const { path } = file;
  const head = compression === 'zstd' ? null : await headBytes(file, compression, SNIFF_BYTES);
  if (head !== null) {
    const lines = Buffer.from(head).toString('utf8').split('\n');
    // The last line may be cut off at the end of the head.
    return layoutOf(head.length < SNIFF_BYTES ? lines : lines.slice(0, -1), lines.at(-1) ?? '');
  }
  const rejects = newRejectTables();
  try {
    const first = (strict: boolean) =>
      engine.all<{ text: string }>(
        `SELECT text FROM ${linesSource(path, compression, 'latin-1', rejects, strict)} WHERE trim(text, ' \t\r') <> '' LIMIT 1`,
      );
    const rows = await first(true).catch(() => first(false));
    if (rows.length > 0) return layoutOf([Buffer.from(rows[0]?.text ?? '', 'latin1').toString('utf8')], '');
    const long = await engine
      .all<{ text: string }>(`SELECT csv_line AS text FROM ${quoteIdent(rejects.errors)} ORDER BY line LIMIT 1`)
      .catch(() => []);
    return layoutOf([], Buffer.from(long[0]?.text ?? '', 'latin1').toString('utf8'));
  } finally {
    await dropTables(engine, rejects.errors, rejects.scans);
  }
}

/**
 * The layout from the first complete lines (`lines`) and the start of a line cut off after them
 * (`cut`): an array; else NDJSON when a line holds a JSON value on its own (or only a cut-off
 * line that starts a record), which a pretty-printed document's lines do not; else objects one
 * after another.
 */
function layoutOf(lines: string[], cut: string): JsonLayout {
  const complete = lines.map((l) => l.replace(/^\uFEFF/, '').trim()).filter((l) => l !== '');
  const first = complete[0] ?? cut.replace(/^\uFEFF/, '').trim();
  if (first.startsWith('[')) return 'array';
  if (complete.length === 0) return 'lines';
  const parses = (line: string) => {
    try {
      JSON.parse(line);
      return true;
    } catch {
      return false;
    }
  };
  return complete.slice(0, LAYOUT_LINES).some(parses) ? 'lines' : 'unstructured';
}

/** Lines looked at for one that holds a whole record (the first may be broken). */
const LAYOUT_LINES = 20;

/** The records table's columns over `source` (line, text): `ok` when the record is a JSON object. */
function recordColumns(source: string): string {
  // Nearly every record starts with its brace. Each CASE tests that first, so only the other lines
  // pay for a trim (which copies) or a byte-order-mark check: projected with OR, DuckDB evaluates
  // both sides on every line, which doubles the cost of this statement. A byte-order mark starts a
  // line where files that had one were joined (cat a.ndjson b.ndjson).
  return `SELECT line, text, CASE WHEN starts_with(text, '{') THEN json_valid(text) ELSE json_valid(text) AND ltrim(text, ' \t\r\n')[1] = '{' END AS ok
    FROM (SELECT line, CASE WHEN starts_with(text, '{') THEN text WHEN starts_with(text, chr(65279)) THEN substr(text, 2) ELSE text END AS text
      FROM (${source}))`;
}

/**
 * `records` (see recordColumns): one row per non-blank line; lines DuckDB could not even read come
 * back as rejects.
 */
async function loadLines(
  engine: Engine,
  file: InputFile,
  compression: Compression,
  records: string,
  scanFirst: boolean,
): Promise<{ rejects: Reject[]; exact: boolean; scan?: ScannedStructure }> {
  const { path } = file;
  const whole = compression === 'none' ? await loadWholeLines(engine, file, records, scanFirst) : null;
  if (whole) return { rejects: [], exact: true, scan: whole };
  const scanRejects = newRejectTables();
  try {
    const scan = (strict: boolean) =>
      engine.run(
        `CREATE OR REPLACE TABLE ${quoteIdent(records)} AS ${recordColumns(
          `SELECT line, text FROM (SELECT row_number() OVER () AS line, text FROM ${linesSource(path, compression, 'utf-8', scanRejects, strict)})
           WHERE ${NON_BLANK}`,
        )}`,
      );
    const exact = await scan(true).then(
      () => true,
      () => scan(false).then(() => false),
    );
    const failed = await engine
      .all<{ line: bigint; error_type: string; error_message: string; csv_line: string | null }>(
        `SELECT line, any_value(error_type::VARCHAR) AS error_type, any_value(error_message) AS error_message,
           any_value(csv_line) AS csv_line
         FROM ${quoteIdent(scanRejects.errors)} GROUP BY line ORDER BY line`,
      )
      .catch(() => []);
    // Rows count only the lines DuckDB could read; renumber them around the ones it could not.
    if (failed.length > 0) {
      const excluded = `SELECT line FROM ${quoteIdent(scanRejects.errors)}`;
      await engine.run(
        `CREATE OR REPLACE TABLE ${quoteIdent(records)} AS SELECT line, text, ok
         FROM (${shiftLinesSql(`SELECT line AS ord, text, ok FROM ${quoteIdent(records)}`, excluded)})`,
      );
    }
    const raw = await undecodedLines(engine, path, compression, failed.filter((f) => f.error_type === 'INVALID ENCODING').map((f) => Number(f.line)));
    const rejects = failed.map((f) => ({
      file: path,
      line: Number(f.line),
      column: null,
      raw: raw.get(Number(f.line)) ?? (TEXT_KEPT.includes(f.error_type) && f.csv_line !== null ? cut(f.csv_line, f.error_type !== 'TOO MANY COLUMNS') : null),
      error: lineScanError(f.error_type, f.error_message),
    }));
    return { rejects, exact };
  } finally {
    await dropTables(engine, scanRejects.errors, scanRejects.scans);
  }
}

const NON_BLANK = `CASE WHEN starts_with(text, '{') THEN true ELSE text IS NOT NULL AND trim(text, ' \t\r') <> '' END`;

/**
 * `records` for a plain file of ordinary lines: read as one text and split at newlines, which
 * numbers the lines without a window over a line scan (about half the cost), and scanned in Node
 * (file-json-structure.ts), whose scan it returns. Only for a file of at most WHOLE_FILE_BYTES
 * (and a twelfth of the memory limit), valid UTF-8 with no byte-order mark, carriage return or NUL
 * byte, and no line longer than MAX_LINE_BYTES; for any other file it makes nothing and returns
 * null, and the line scan, which reports those lines, reads it.
 *
 * With `scanFirst`, the scan comes first and DuckDB checks only the lines it could not read: the
 * scan reads strict JSON objects only, all of which DuckDB reads too, so json_valid need not
 * parse every record (readJson reads the file again without this should DuckDB disagree).
 */
async function loadWholeLines(engine: Engine, file: InputFile, records: string, scanFirst: boolean): Promise<ScannedStructure | null> {
  // The text, its lines and their records are held at once, by each lane reading side by side.
  const text = await wholeText(engine, file.path, WHOLE_FILE_BYTES, WHOLE_FILE_FOOTPRINT);
  if (text === null) return null;
  // Streamed: the file is never held whole in Node (a fresh buffer its size cost more than the reading).
  const scan = async () => scanPlainStructure(await file.store.stream(file.key));
  let first: ScannedStructure | null = null;
  if (scanFirst) {
    first = await scan();
    if (first === null) return null;
  }
  // A file that is not plain makes no rows here, and goes to the line scan (as does one of blank lines).
  const plain = `${noCrOrNul('content')} AND NOT starts_with(content, chr(65279))`;
  const lines = `SELECT line, text FROM (SELECT generate_subscripts(parts, 1) AS line, unnest(parts) AS text
    FROM (SELECT string_split(content, chr(10)) AS parts FROM ${text} WHERE ${plain})) WHERE ${NON_BLANK}`;
  const table = quoteIdent(records);
  try {
    if (first === null) await engine.run(`CREATE TABLE ${table} AS ${recordColumns(lines)}`);
    else {
      await engine.run(`CREATE TABLE ${table} AS SELECT line, text, true AS ok FROM (${lines})`);
      if (first.unread.length > 0) {
        const unread = `SELECT line, text FROM ${table} WHERE line IN (SELECT unnest(from_json(?::VARCHAR, '["BIGINT"]')))`;
        await engine.run(`UPDATE ${table} SET text = u.text, ok = u.ok FROM (${recordColumns(unread)}) AS u WHERE ${table}.line = u.line`, [
          JSON.stringify(first.unread),
        ]);
      }
    }
  } catch (e) {
    if (notUtf8(e)) return null;
    throw e;
  }
  const [read] = await engine.all<{ n: bigint; longest: bigint | null }>(`SELECT count(*) AS n, max(strlen(text)) AS longest FROM ${table}`);
  const scanned = Number(read?.n ?? 0) > 0 && Number(read?.longest ?? 0) <= MAX_LINE_BYTES ? (first ?? (await scan())) : null;
  if (scanned) return scanned;
  await dropTables(engine, records);
  return null;
}

/**
 * The text of lines that are not valid UTF-8, with each bad byte shown as U+FFFD, so the reject
 * shows what was there. Read as latin-1, which decodes any byte; if that read has to skip a line
 * itself (a NUL byte), its numbering is off and no text is given.
 */
async function undecodedLines(engine: Engine, path: string, compression: Compression, lines: number[]): Promise<Map<number, string>> {
  if (lines.length === 0) return new Map();
  const rejects = newRejectTables();
  try {
    const rows = await engine.all<{ line: bigint; text: string | null }>(
      `SELECT line, text FROM (SELECT row_number() OVER () AS line, text FROM ${linesSource(path, compression, 'latin-1', rejects)})
       WHERE line IN (${lines.map((l) => String(Math.trunc(l))).join(', ')})`,
    );
    const skipped = await engine.all(`SELECT 1 FROM ${quoteIdent(rejects.errors)} LIMIT 1`).catch(() => []);
    if (skipped.length > 0) return new Map();
    return new Map(rows.map((r) => [Number(r.line), cut(Buffer.from(r.text ?? '', 'latin1').toString('utf8'))]));
  } finally {
    await dropTables(engine, rejects.errors, rejects.scans);
  }
}

function lineScanError(type: string, message: string): string {
  if (type === 'INVALID ENCODING') return 'invalid UTF-8 (the file is not UTF-8 encoded)';
  if (type === 'TOO MANY COLUMNS') return 'line holds a NUL byte, which JSON allows only escaped (\\u0000)';
  if (type === 'LINE SIZE OVER MAXIMUM') return longLineReason(duckdbLineSize(message), JSON_LINE_ADVICE);
  return message.replace(/\.$/, '');
}

export const JSON_LINE_ADVICE = 'split the record, or land the records as a JSON array (.json), which takes longer ones';

/** Line errors whose scanned text (`csv_line`) is the line as found, or its start. */
const TEXT_KEPT = ['TOO MANY COLUMNS', 'LINE SIZE OVER MAXIMUM'];

/**
 * One row per record of an array / concatenated JSON document. A document DuckDB cannot read
 * whole (a trailing comma, a cut tail, one bad record) is split by its brackets instead, so its
 * good records still load; when it cannot be split (zstd, or too big to hold), it is one reject.
 */
async function loadDocument(
  engine: Engine,
  file: InputFile,
  compression: Compression,
  layout: 'array' | 'unstructured',
  records: string,
): Promise<{ unreadable?: Reject; rejects: Reject[]; warnings: string[] }> {
  const { path } = file;
  try {
    await engine.run(
      `CREATE TABLE ${quoteIdent(records)} AS ${recordColumns(
        `SELECT row_number() OVER () AS line, json::VARCHAR AS text FROM read_json_objects(${quoteFilePath(path)}, format = ${quoteLiteral(layout)}${compression === 'none' ? '' : `, compression = ${quoteLiteral(compression)}`})`,
      )}`,
    );
    return { rejects: [], warnings: [] };
  } catch (e) {
    const bytes = await documentBytes(file, compression, WHOLE_FILE_BYTES);
    if (bytes === null) return { unreadable: documentFailure(path, e), rejects: [], warnings: [] };
    const split = splitDocument(bytes);
    return { rejects: await loadPieces(engine, path, split.pieces, records), warnings: split.notes.map((n) => `${path}: ${n}`) };
  }
}

/**
 * `records` from the array at `at` (a JSON path) of each document in the file, numbered by record
 * across the file. A document without an array there makes the whole file one reject naming the path.
 */
async function loadRecordsAt(engine: Engine, file: InputFile, compression: Compression, at: string, records: string): Promise<{ unreadable?: Reject; rejects: Reject[]; warnings: string[] }> {
  const { path } = file;
  const docs = `(SELECT row_number() OVER () AS doc, json FROM read_json_objects(${quoteFilePath(path)}, format = 'unstructured'${compression === 'none' ? '' : `, compression = ${quoteLiteral(compression)}`}))`;
  const where = quoteLiteral(at);
  try {
    const [first] = await engine.all<{ doc: bigint; kind: string | null }>(
      `SELECT doc, json_type(json, ${where}) AS kind FROM ${docs} WHERE json_type(json, ${where}) IS DISTINCT FROM 'ARRAY' ORDER BY doc LIMIT 1`,
    );
    if (first) {
      const found = first.kind === null ? 'nothing there' : jsonKind(first.kind);
      const error = `expected an array of records at ${at} (the source's records path) in document ${first.doc}, found ${found}`;
      return { unreadable: { file: path, line: null, column: null, raw: null, error }, rejects: [], warnings: [] };
    }
    await engine.run(
      `CREATE TABLE ${quoteIdent(records)} AS ${recordColumns(
        `SELECT row_number() OVER (ORDER BY doc, i) AS line, e::VARCHAR AS text FROM (SELECT doc, unnest(json_extract(json, ${quoteLiteral(`${at}[*]`)})) AS e, unnest(generate_series(1, CAST(json_array_length(json, ${where}) AS BIGINT))) AS i FROM ${docs})`,
      )}`,
    );
    return { rejects: [], warnings: [] };
  } catch (e) {
    return { unreadable: documentFailure(path, e), rejects: [], warnings: [] };
  }
}

function documentFailure(path: string, e: unknown): Reject {
  const message = (e as Error).message.split('\n')[0] ?? '';
  const line = /in line (\d+)/.exec(message);
  const reason = message.replace(/^[A-Za-z ]+Error: /, '').replace(/ in file "[^"]*",/, '').replace(/\.\s*$/, '');
  return { file: path, line: line ? Number(line[1]) : null, column: null, raw: null, error: `cannot parse the JSON document: ${reason}` };
}

/** `records` from the pieces of a split document, numbered by record; pieces that are not UTF-8 come back as rejects. */
async function loadPieces(engine: Engine, path: string, pieces: Uint8Array[], records: string): Promise<Reject[]> {
  await engine.run(`CREATE TABLE ${quoteIdent(records)} (line BIGINT, text VARCHAR, ok BOOLEAN)`);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const rejects: Reject[] = [];
  let batch: { line: number; text: string }[] = [];
  let batchBytes = 0;
  const flush = async () => {
    const rows = `SELECT r.line, r.text FROM (SELECT unnest(from_json(?::VARCHAR, '[{"line":"BIGINT","text":"VARCHAR"}]')) AS r)`;
    if (batch.length > 0) await engine.run(`INSERT INTO ${quoteIdent(records)} ${recordColumns(rows)}`, [JSON.stringify(batch)]);
    [batch, batchBytes] = [[], 0];
  };
  for (const [n, piece] of pieces.entries()) {
    let text: string;
    try {
      text = decoder.decode(piece);
    } catch {
      rejects.push({ file: path, line: n + 1, column: null, raw: cut(Buffer.from(piece).toString('utf8')), error: 'invalid UTF-8 (the file is not UTF-8 encoded)' });
      continue;
    }
    batch.push({ line: n + 1, text });
    batchBytes += piece.length;
    if (batchBytes > INSERT_BYTES) await flush();
  }
  await flush();
  return rejects;
}

/** Split records are handed to DuckDB this many bytes at a time. */
const INSERT_BYTES = 32 * 1024 ** 2;

async function malformed(engine: Engine, path: string, records: string): Promise<Reject[]> {
  const rows = await engine.all<{ line: bigint; text: string; kind: string | null }>(
    `SELECT line, text, CASE WHEN json_valid(text) THEN json_type(text) END AS kind FROM ${quoteIdent(records)}
     WHERE NOT ok ORDER BY line`,
  );
  const out: Reject[] = [];
  for (const [i, r] of rows.entries()) {
    const error =
      r.kind !== null
        ? `expected a JSON object, found ${jsonKind(r.kind)}`
        : (jsonSyntaxError(r.text) ?? (i < DETAILED_REASONS ? await parserReason(engine, r.text) : 'malformed JSON'));
    out.push({ file: path, line: Number(r.line), column: null, raw: cut(r.text), error });
  }
  return out;
}

async function parserReason(engine: Engine, text: string): Promise<string> {
  try {
    await engine.all('SELECT json(?::VARCHAR) AS j', [text]);
    return 'malformed JSON';
  } catch (e) {
    const first = ((e as Error).message.split('\n')[0] ?? '').replace(/^[A-Za-z ]+Error: /, '');
    return first.replace(/\s+Input: .*$/s, '').replace(/\.$/, '').replace(/^Malformed JSON/, 'malformed JSON');
  }
}

/** `text` cut to RAW_CHARS; `partial` when it is already only the start of the record. */
function fileReject(path: string, error: string): Reject {
  return { file: path, line: null, column: null, raw: null, error };
}

function cut(text: string, partial = false): string {
  return text.length > RAW_CHARS || partial ? `${text.slice(0, RAW_CHARS)}…` : text;
}
