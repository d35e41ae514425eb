import { type Engine, quoteIdent } from '../core/index.js';
import { duckdbLineSize, longLineReason } from './file-lines.js';

export const CSV_LINE_ADVICE = 'split the value, or load it from a Parquet file, which has no line limit';

/** One rejected CSV record as DuckDB numbers it (`line` counts a multi-line record once). */
export interface CsvRejectedRecord {
  duckLine: number;
  /** DuckDB's error type of the record's main error (`UNQUOTED VALUE`, `INVALID ENCODING`, …). */
  type: string;
  column: string | null;
  raw: string | null;
  error: string;
  /** Physical lines the record itself spans (blank lines DuckDB glued in front not counted). */
  span: number;
}

type ErrorRow = {
  line: bigint;
  column_name: string | null;
  error_type: string;
  csv_line: string | null;
  error_message: string;
};

// Most fundamental first: a bad quote or encoding explains the column-count and cast errors after it.
const PRIORITY = ['INVALID ENCODING', 'LINE SIZE OVER MAXIMUM', 'UNQUOTED VALUE', 'TOO MANY COLUMNS', 'MISSING COLUMNS', 'CAST'];

/** Reads a `rejects_table` and folds DuckDB's several errors per record into one entry each. */
export async function collectCsvRejects(engine: Engine, rejectsTable: string): Promise<CsvRejectedRecord[]> {
  const exists = await engine.all(`SELECT 1 FROM duckdb_tables() WHERE table_name = ?`, [rejectsTable]);
  if (exists.length === 0) return [];
  const rows = await engine.all<ErrorRow>(
    `SELECT line, column_name, error_type::VARCHAR AS error_type, csv_line, error_message
     FROM ${quoteIdent(rejectsTable)} ORDER BY line, byte_position`,
  );
  const byLine = new Map<bigint, ErrorRow[]>();
  for (const row of rows) {
    const list = byLine.get(row.line);
    if (list) list.push(row);
    else byLine.set(row.line, [row]);
  }
  return [...byLine.entries()].map(([line, errors]) => foldErrors(Number(line), errors));
}

function foldErrors(duckLine: number, errors: ErrorRow[]): CsvRejectedRecord {
  const ranked = [...errors].sort((a, b) => rank(a.error_type) - rank(b.error_type));
  const first = ranked[0] as ErrorRow;
  const messages: string[] = [];
  for (const e of ranked) {
    const text = describe(e, ranked);
    if (!messages.includes(text)) messages.push(text);
  }
  const raw = first.csv_line === null ? null : first.csv_line.replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, '');
  return {
    duckLine,
    type: first.error_type,
    column: first.error_type === 'TOO MANY COLUMNS' ? null : first.column_name,
    raw,
    error: messages.slice(0, 2).join('; '),
    span: raw === null ? 1 : 1 + countNewlines(raw),
  };
}

function rank(type: string): number {
  const i = PRIORITY.indexOf(type);
  return i < 0 ? PRIORITY.length : i;
}

export function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

function describe(e: ErrorRow, all: ErrorRow[]): string {
  switch (e.error_type) {
    case 'TOO MANY COLUMNS':
    case 'MISSING COLUMNS': {
      // DuckDB logs one MISSING COLUMNS entry per absent column; the smallest count is the real one.
      const found = all
        .filter((x) => x.error_type === e.error_type)
        .map((x) => /Expected Number of Columns: (\d+) Found: (\d+)/.exec(x.error_message))
        .filter((m): m is RegExpExecArray => m !== null);
      const counts = found.map((m) => Number(m[2]));
      const actual = e.error_type === 'MISSING COLUMNS' ? Math.min(...counts) : Math.max(...counts);
      const expected = found[0]?.[1];
      return expected === undefined ? e.error_message : `expected ${expected} columns, found ${actual}`;
    }
    case 'CAST': {
      const m = /Could not convert string "(.*)" to '(.*)'$/s.exec(e.error_message);
      const column = e.column_name === null ? '' : `column ${e.column_name}: `;
      return m ? `${column}cannot convert ${JSON.stringify(m[1])} to ${m[2]}` : `${column}${e.error_message}`;
    }
    case 'UNQUOTED VALUE':
      return 'unterminated quote, or a quote inside an unquoted value';
    case 'INVALID ENCODING':
      return 'invalid UTF-8 (the file is not UTF-8 encoded)';
    case 'LINE SIZE OVER MAXIMUM':
      return longLineReason(duckdbLineSize(e.error_message), CSV_LINE_ADVICE);
    default:
      return e.error_message;
  }
}
