/** Rendering of result sets for the terminal and for files. */

export type OutputFormat = 'table' | 'csv' | 'json';

/** A result column: its name and DuckDB type text (BIGINT, DECIMAL(12,2), …). */
export interface RenderColumn {
  name: string;
  type: string;
}

export function render(columns: readonly RenderColumn[], rows: readonly unknown[][], format: OutputFormat): string {
  const names = columns.map((c) => c.name);
  switch (format) {
    case 'json': {
      const numeric = columns.map((c) => NUMERIC_TYPE.test(c.type));
      const line = (r: readonly unknown[]) =>
        '{' + names.map((c, i) => `${JSON.stringify(c)}:${numeric[i] ? jsonNumber(r[i]) : JSON.stringify(jsonValue(r[i]))}`).join(',') + '}';
      return rows.map(line).join('\n') + (rows.length ? '\n' : '');
    }
    case 'csv':
      return [names, ...rows.map((r) => r.map(text))].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
    case 'table':
      return textTable(names, rows.map((r) => r.map(text)));
  }
}

// DuckDB hands BIGINT, HUGEINT and DECIMAL values over as text so that no digit is lost; JSON
// numbers have no size limit, so they are written out as the same digits, unquoted.
const NUMERIC_TYPE = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|DECIMAL(\(\d+,\s*\d+\))?|FLOAT|DOUBLE)$/i;
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function jsonNumber(v: unknown): string {
  const digits = typeof v === 'bigint' || typeof v === 'number' || typeof v === 'string' ? String(v) : undefined;
  // NaN and Infinity have no JSON number: they stay as DuckDB gave them.
  return digits !== undefined && JSON_NUMBER.test(digits) ? digits : JSON.stringify(jsonValue(v));
}

export function textTable(columns: readonly string[], rows: readonly string[][]): string {
  // A loop, not Math.max(...rows): spreading a few hundred thousand rows overflows the stack.
  const widths = columns.map((c, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), c.length));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return '\\x' + Buffer.from(v).toString('hex');
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v !== null && typeof v === 'object') return JSON.parse(text(v));
  return v;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
