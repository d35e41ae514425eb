/** Rendering of result sets for the terminal and for files. */

export type OutputFormat = 'table' | 'csv' | 'json';

export function render(columns: readonly string[], rows: readonly unknown[][], format: OutputFormat): string {
  switch (format) {
    case 'json':
      return rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, jsonValue(r[i])])))).join('\n') + (rows.length ? '\n' : '');
    case 'csv':
      return [columns, ...rows.map((r) => r.map(text))].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
    case 'table':
      return textTable(columns, rows.map((r) => r.map(text)));
  }
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
