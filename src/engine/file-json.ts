import type { Engine } from './duckdb.js';
import type { Compression } from './file-format.js';
import { jsonColumns, type JsonColumn } from './file-json-types.js';
import { dropTables, linesSource, newRejectTables, shiftLinesSql, tempName } from './file-lines.js';
import type { FileRead, Reject } from './file-types.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';

type JsonLayout = 'lines' | 'array' | 'unstructured';

/** Rejects whose parser message we look up one by one; past this, "malformed JSON" only. */
const DETAILED_REASONS = 200;
const RAW_CHARS = 4096;

/**
 * Reads NDJSON (one record per line, numbered by physical line) or a JSON document (an array of
 * records, or records one after another, numbered by record). Records are parsed by DuckDB's
 * JSON functions from a table of raw record texts, so every record is accounted for: loaded, or
 * rejected as malformed, not an object, or holding a value that does not fit its column.
 */
export async function readJson(engine: Engine, path: string, compression: Compression, ndjson: boolean): Promise<FileRead> {
  const layout = ndjson ? 'lines' : await guessLayout(engine, path, compression);
  const records = tempName('json');
  const rejects: Reject[] = [];
  const warnings: string[] = [];
  try {
    if (layout === 'lines') {
      const loaded = await loadLines(engine, path, compression, records);
      rejects.push(...loaded.rejects);
      if (!loaded.exact) warnings.push(`${path}: holds a stray carriage return; line numbers after it may be off`);
    }
    else {
      const failure = await loadDocument(engine, path, compression, layout, records);
      if (failure) return { query: null, columns: [], rows: 0, rejects: [failure], warnings: [], tables: [] };
    }
    rejects.push(...(await malformed(engine, path, records)));
    const { columns, changes } = jsonColumns(await mergedStructure(engine, records));
    const objects = `SELECT line, text::JSON AS j FROM ${quoteIdent(records)} WHERE json_valid(text) AND json_type(text) = 'OBJECT'`;
    rejects.push(...(await misfits(engine, path, objects, columns)));
    rejects.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    if (columns.length === 0) return { query: null, columns: [], rows: 0, rejects, warnings, tables: [records] };
    const anyBad = columns.map((c) => c.bad).join(' OR ');
    const select = columns.map((c) => `${c.value} AS ${quoteIdent(c.name)}`);
    const query = `SELECT ${[...select, 'line::BIGINT AS _source_line'].join(', ')} FROM (${objects}) WHERE NOT (${anyBad})`;
    const rows = Number((await engine.all<{ n: bigint }>(`SELECT count(*) AS n FROM (${query})`))[0]?.n ?? 0);
    const described = await engine.all<{ column_name: string; column_type: string }>(`DESCRIBE ${query}`);
    return {
      query,
      columns: described.filter((d) => d.column_name !== '_source_line').map((d) => ({ name: d.column_name, duckdbType: d.column_type })),
      rows,
      rejects,
      warnings: [...warnings, ...changes.map((c) => `${path}: ${c}`)],
      tables: [records],
    };
  } catch (e) {
    await dropTables(engine, records);
    throw e;
  }
}

async function guessLayout(engine: Engine, path: string, compression: Compression): Promise<JsonLayout> {
  const rejects = newRejectTables();
  try {
    const first = (strict: boolean) =>
      engine.all<{ text: string }>(
        `SELECT text FROM ${linesSource(path, compression, 'latin-1', rejects, strict)} WHERE trim(text, ' \t\r') <> '' LIMIT 1`,
      );
    const rows = await first(true).catch(() => first(false));
    const text = Buffer.from(rows[0]?.text ?? '', 'latin1').toString('utf8').replace(/^\uFEFF/, '').trim();
    if (text.startsWith('[')) return 'array';
    try {
      JSON.parse(text);
      return 'lines';
    } catch {
      return text === '' ? 'lines' : 'unstructured';
    }
  } finally {
    await dropTables(engine, rejects.errors, rejects.scans);
  }
}

/** One row per non-blank line (`line`, `text`); lines DuckDB could not even read come back as rejects. */
async function loadLines(
  engine: Engine,
  path: string,
  compression: Compression,
  records: string,
): Promise<{ rejects: Reject[]; exact: boolean }> {
  const raw = tempName('lines');
  const scanRejects = newRejectTables();
  try {
    const scan = (strict: boolean) =>
      engine.run(
        `CREATE OR REPLACE TEMP TABLE ${quoteIdent(raw)} AS SELECT row_number() OVER () AS ord, text
         FROM ${linesSource(path, compression, 'utf-8', scanRejects, strict)}`,
      );
    const exact = await scan(true).then(
      () => true,
      () => scan(false).then(() => false),
    );
    const failed = await engine
      .all<{ line: bigint; error_type: string; error_message: string }>(
        `SELECT line, any_value(error_type::VARCHAR) AS error_type, any_value(error_message) AS error_message
         FROM ${quoteIdent(scanRejects.errors)} GROUP BY line ORDER BY line`,
      )
      .catch(() => []);
    const excluded = failed.length === 0 ? 'SELECT NULL::BIGINT AS line' : `SELECT line FROM ${quoteIdent(scanRejects.errors)}`;
    await engine.run(
      `CREATE TEMP TABLE ${quoteIdent(records)} AS SELECT line, text
       FROM (${shiftLinesSql(`SELECT ord, text FROM ${quoteIdent(raw)}`, excluded)})
       WHERE text IS NOT NULL AND trim(text, ' \t\r') <> '' ORDER BY line`,
    );
    const rejects = failed.map((f) => ({
      file: path,
      line: Number(f.line),
      column: null,
      raw: null,
      error: lineScanError(f.error_type, f.error_message),
    }));
    return { rejects, exact };
  } finally {
    await dropTables(engine, raw, scanRejects.errors, scanRejects.scans);
  }
}

function lineScanError(type: string, message: string): string {
  if (type === 'INVALID ENCODING') return 'invalid UTF-8 (the file is not UTF-8 encoded)';
  if (type === 'TOO MANY COLUMNS') return 'line holds a NUL byte';
  return message.replace(/\.$/, '');
}

/** One row per record of an array / concatenated JSON document; a document that does not parse is one reject. */
async function loadDocument(
  engine: Engine,
  path: string,
  compression: Compression,
  layout: 'array' | 'unstructured',
  records: string,
): Promise<Reject | null> {
  try {
    await engine.run(
      `CREATE TEMP TABLE ${quoteIdent(records)} AS SELECT row_number() OVER () AS line, json AS text
       FROM read_json_objects(${quoteLiteral(path)}, format = ${quoteLiteral(layout)}${compression === 'none' ? '' : `, compression = ${quoteLiteral(compression)}`})`,
    );
    return null;
  } catch (e) {
    const message = (e as Error).message.split('\n')[0] ?? '';
    const line = /in line (\d+)/.exec(message);
    const reason = message.replace(/^[A-Za-z ]+Error: /, '').replace(/ in file "[^"]*",/, '').replace(/\.\s*$/, '');
    return { file: path, line: line ? Number(line[1]) : null, column: null, raw: null, error: `cannot parse the JSON document: ${reason}` };
  }
}

async function malformed(engine: Engine, path: string, records: string): Promise<Reject[]> {
  const rows = await engine.all<{ line: bigint; text: string; kind: string | null }>(
    `SELECT line, text, CASE WHEN json_valid(text) THEN json_type(text) END AS kind FROM ${quoteIdent(records)}
     WHERE NOT json_valid(text) OR json_type(text) <> 'OBJECT' ORDER BY line`,
  );
  const out: Reject[] = [];
  for (const [i, r] of rows.entries()) {
    const error =
      r.kind !== null
        ? `expected a JSON object, found ${r.kind.toLowerCase()}`
        : i < DETAILED_REASONS
          ? await parserReason(engine, r.text)
          : 'malformed JSON';
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

async function mergedStructure(engine: Engine, records: string): Promise<unknown> {
  const rows = await engine.all<{ s: string | null }>(
    `SELECT json_group_structure(text::JSON)::VARCHAR AS s FROM ${quoteIdent(records)} WHERE json_valid(text) AND json_type(text) = 'OBJECT'`,
  );
  const s = rows[0]?.s;
  return s ? JSON.parse(s) : null;
}

/** Objects holding a value that does not convert to its column's type (say a number past BIGINT). */
async function misfits(engine: Engine, path: string, objects: string, columns: JsonColumn[]): Promise<Reject[]> {
  if (columns.length === 0) return [];
  const checked = columns.filter((c) => c.bad !== 'false');
  if (checked.length === 0) return [];
  const which = `CASE ${checked.map((c) => `WHEN ${c.bad} THEN ${quoteLiteral(c.name)}`).join(' ')} END`;
  const rows = await engine.all<{ line: bigint; col: string; text: string }>(
    `SELECT line, col, j::VARCHAR AS text FROM (SELECT line, j, ${which} AS col FROM (${objects})) WHERE col IS NOT NULL ORDER BY line`,
  );
  return rows.map((r) => ({
    file: path,
    line: Number(r.line),
    column: r.col,
    raw: cut(r.text),
    error: `column ${r.col}: value does not fit the column's type (integer out of range?)`,
  }));
}

function cut(text: string): string {
  return text.length > RAW_CHARS ? `${text.slice(0, RAW_CHARS)}…` : text;
}
