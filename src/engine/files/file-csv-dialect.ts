import { InvalidInput } from '../../errors.js';
import type { InputFile } from './file-input.js';
import { type Engine, quoteFilePath, quoteLiteral } from '../core/index.js';
import type { Compression } from './file-format.js';
import { headLines } from './file-csv-head.js';
import { inexactDoubleColumns, nullstr } from './file-csv-numbers.js';
import { cleanColumnNames } from './file-names.js';
import { textColumnHints } from './file-csv-text-hints.js';
import type { ReadOptions } from './file-types.js';

export interface CsvDialect {
  delimiter: string;
  header: boolean;
  names: string[];
  types: string[];
  dateFormat: string | null;
  timestampFormat: string | null;
  /** Values read as NULL; empty means DuckDB's default (the empty value). */
  nulls: string[];
  warnings: string[];
}

export type CsvSniffOptions = Pick<ReadOptions, 'delimiter' | 'header' | 'sampleSize' | 'allVarchar' | 'types' | 'timestampFormat' | 'dateFormat' | 'nulls'>;

const CANDIDATES = [',', '\t', ';', '|'];
/** A header name that is a number is more likely a value of a file without a header. */
const NUMBER = /^[-+]?\d+([.,]\d+)?$/;

/**
 * Works out how to read a delimited file: the delimiter (given, or the candidate among `,` tab `;`
 * `|` that splits the first lines most consistently), the header's names (ours, parsed from line 1,
 * see cleanColumnNames) and DuckDB's sniffed types. Returns null for a file with no lines at all.
 * Quote and escape are always `"` (RFC 4180).
 */
export async function sniffCsv(
  engine: Engine,
  file: InputFile,
  compression: Compression,
  defaultDelimiter: string | undefined,
  opts: CsvSniffOptions,
): Promise<CsvDialect | null> {
  const { path } = file;
  const head = await headLines(engine, file, compression);
  if (head.length === 0) return null;
  const excelHint = /^sep=(.)$/.exec(head[0] ?? '');
  if (excelHint) {
    throw new InvalidInput(
      `load: ${path}: line 1 is Excel's "sep=${excelHint[1]}" hint, not CSV: delete that line (or save the sheet as "CSV UTF-8"), ` +
        `set the delimiter (${JSON.stringify(excelHint[1])}) in silt.yaml if it is not a comma, and put the file back`,
    );
  }
  const delimiter = opts.delimiter ?? defaultDelimiter ?? guessDelimiter(head);
  if (delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new InvalidInput(`load: ${path}: delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
  }
  const header = opts.header ?? true;
  const firstRecord = splitRecord(head, delimiter);
  if (firstRecord === null) {
    throw new InvalidInput(
      `load: ${path}: line 1${header ? ' (the header)' : ''} opens a quote that is never closed; close or remove the quote and put the file back`,
    );
  }
  if (header && firstRecord.every((name) => name.trim() === '')) {
    throw new InvalidInput(
      `load: ${path}: line 1 (the header) names no columns (it is blank); put the header on line 1, or set header: false on its source in silt.yaml, and put the file back`,
    );
  }
  const cleaned = header
    ? cleanColumnNames(firstRecord)
    : cleanColumnNames(firstRecord.map(() => null));
  const warnings = header ? cleaned.changes.map((c) => `${path}: ${c}`) : [];
  const numbers = header ? firstRecord.filter((name) => NUMBER.test(name.trim())) : [];
  if (numbers.length > 0) {
    warnings.push(
      `${path}: the header holds numbers (${numbers.slice(0, 3).join(', ')}), so line 1 may be data, read as column names; ` +
        'if the file has no header, set header: false on its source in silt.yaml',
    );
  }
  let types = cleaned.names.map(() => 'VARCHAR');
  if (opts.allVarchar) {
    return { delimiter, header, names: cleaned.names, types, dateFormat: null, timestampFormat: null, nulls: [], warnings };
  }
  // The empty value stays NULL when other tokens are given (DuckDB's nullstr replaces its default).
  const nulls = opts.nulls?.length ? ['', ...opts.nulls.filter((n) => n !== '')] : [];
  const given = { nulls, dateFormat: opts.dateFormat, timestampFormat: opts.timestampFormat };
  const sniffed = await sniffTypes(engine, path, compression, delimiter, header, opts.sampleSize, given);
  if (sniffed.ok && sniffed.types.length === types.length) types = sniffed.types;
  else if (sniffed.ok) warnings.push(`${path}: DuckDB's sniffer found ${sniffed.types.length} columns, the header has ${types.length}; reading every column as text`);
  else warnings.push(`${path}: could not infer column types (${sniffed.reason}); reading every column as text`);
  for (const { index, value } of await inexactDoubleColumns(engine, path, compression, { delimiter, header, names: cleaned.names, types, nulls }, opts.sampleSize)) {
    types[index] = 'VARCHAR';
    warnings.push(`${path}: column ${cleaned.names[index]} holds ${value}, which a double would change; read the column as text so no digit is lost`);
  }
  const dialect: CsvDialect = {
    delimiter,
    header,
    names: cleaned.names,
    types,
    dateFormat: opts.dateFormat ?? (sniffed.ok ? sniffed.dateFormat : null),
    timestampFormat: opts.timestampFormat ?? (sniffed.ok ? sniffed.timestampFormat : null),
    nulls,
    warnings,
  };
  warnings.push(...(await textColumnHints(engine, path, compression, dialect, opts)));
  for (const [name, type] of Object.entries(opts.types ?? {})) {
    const i = cleaned.names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
    if (i >= 0) types[i] = type;
  }
  return dialect;
}

/** Counts of `delim` outside double quotes, per line (quote state carried across lines). */
function countsPerLine(lines: string[], delim: string): number[] {
  const counts: number[] = [];
  let inQuotes = false;
  for (const line of lines) {
    if (!inQuotes && line === '') continue;
    let n = 0;
    for (const ch of line) {
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === delim && !inQuotes) n += 1;
    }
    if (!inQuotes) counts.push(n);
  }
  return counts;
}

export function guessDelimiter(lines: string[]): string {
  let best = { delim: ',', score: -1 };
  for (const delim of CANDIDATES) {
    const counts = countsPerLine(lines, delim);
    const headerCount = counts[0] ?? 0;
    if (headerCount === 0) continue;
    const agreeing = counts.filter((c) => c === headerCount).length;
    // Consistency first, then more columns; earlier candidates win ties.
    const score = (agreeing / counts.length) * 1000 + Math.min(headerCount, 999) / 1000;
    if (score > best.score) best = { delim, score };
  }
  return best.delim;
}

/**
 * The fields of the first record (which may span lines when a quoted value holds a newline); null
 * when a quote opened in it is still open at the end of `lines`.
 */
export function splitRecord(lines: string[], delim: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li] ?? '';
    for (let i = 0; i < line.length; i++) {
      const ch = line[i];
      if (inQuotes) {
        if (ch === '"' && line[i + 1] === '"') {
          field += '"';
          i += 1;
        } else if (ch === '"') inQuotes = false;
        else field += ch;
      } else if (ch === '"') inQuotes = true;
      else if (ch === delim) {
        fields.push(field);
        field = '';
      } else field += ch;
    }
    if (!inQuotes) break;
    field += '\n';
  }
  if (inQuotes) return null;
  fields.push(field);
  return fields;
}

type Sniffed =
  | { ok: true; types: string[]; dateFormat: string | null; timestampFormat: string | null }
  | { ok: false; reason: string };

async function sniffTypes(
  engine: Engine,
  path: string,
  compression: Compression,
  delimiter: string,
  header: boolean,
  sampleSize: number | undefined,
  given: { nulls: string[]; dateFormat?: string; timestampFormat?: string },
): Promise<Sniffed> {
  const sample = sampleSize === undefined ? '' : `, sample_size = ${Math.trunc(sampleSize)}`;
  const extra = [sample, ...readCsvExtras(given)].join('');
  try {
    const rows = await engine.all<{ Columns: { name: string; type: string }[]; DateFormat: string | null; TimestampFormat: string | null }>(
      `SELECT Columns, DateFormat, TimestampFormat FROM sniff_csv(${quoteFilePath(path)}, delim = ${quoteLiteral(delimiter)},
        quote = '"', escape = '"', header = ${header}, ignore_errors = true,
        compression = ${compression === 'none' ? "'none'" : quoteLiteral(compression)}${extra})`,
    );
    const row = rows[0];
    if (!row) return { ok: false, reason: 'no result from sniff_csv' };
    return { ok: true, types: row.Columns.map((c) => c.type), dateFormat: row.DateFormat, timestampFormat: row.TimestampFormat };
  } catch (e) {
    return { ok: false, reason: ((e as Error).message.split('\n')[0] ?? '').replace(/^[A-Za-z ]+Error: /, '').trim() };
  }
}

/** read_csv's arguments for given null tokens and date/timestamp formats (each `, name = value`). */
export function readCsvExtras(d: { nulls: string[]; dateFormat?: string | null; timestampFormat?: string | null }): string[] {
  return [
    nullstr(d.nulls),
    d.dateFormat ? `, dateformat = ${quoteLiteral(d.dateFormat)}` : '',
    d.timestampFormat ? `, timestampformat = ${quoteLiteral(d.timestampFormat)}` : '',
  ];
}
