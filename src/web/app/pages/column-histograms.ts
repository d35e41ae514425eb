import { queryRows } from '../api.js';

/** A column's distribution: value bins (upper bounds, in order) for numbers and dates, the commonest values for the rest. */
export interface Distribution {
  kind: 'bins' | 'top';
  buckets: { label: string; n: number }[];
}

const BINNED = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL\(.*\)|DATE|TIMESTAMP.*)$/i;
const COUNTED = /^(VARCHAR|BOOLEAN|UUID)$/i;
const BINS = 10;
const TOP = 5;

export const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** One statement for every column of `table` (quoted) worth drawing: its bins or top values, tagged with the column's place. */
function histogramSql(table: string, columns: { column: string; type: string; hasValues: boolean }[]): string | null {
  const parts = columns.flatMap((c, i) => {
    const name = quoteName(c.column);
    if (!c.hasValues) return [];
    if (BINNED.test(c.type)) {
      // DuckDB bins no time zone: such a column is binned as UTC timestamps.
      const q = /WITH TIME ZONE/i.test(c.type) ? `CAST(${name} AS TIMESTAMP)` : name;
      const bins = `equi_width_bins((SELECT min(${q}) FROM ${table}), (SELECT max(${q}) FROM ${table}), ${BINS}, true)`;
      return [`SELECT ${i} AS col, 'bins' AS kind, CAST(e.key AS VARCHAR) AS label, e.value AS n FROM (SELECT unnest(map_entries(histogram(${q}, ${bins}))) AS e FROM ${table})`];
    }
    if (COUNTED.test(c.type)) {
      const q = name;
      return [`SELECT * FROM (SELECT ${i} AS col, 'top' AS kind, CAST(${q} AS VARCHAR) AS label, count(*) AS n FROM ${table} WHERE ${q} IS NOT NULL GROUP BY ${q} ORDER BY n DESC, label LIMIT ${TOP})`];
    }
    return [];
  });
  return parts.length ? parts.join('\nUNION ALL\n') : null;
}

/** Each column's distribution by its place in `columns`; columns of other types (structs, lists, blobs) have none. */
export async function columnHistograms(table: string, columns: { column: string; type: string; hasValues: boolean }[], signal: AbortSignal): Promise<Map<number, Distribution>> {
  const sql = histogramSql(table, columns);
  const out = new Map<number, Distribution>();
  if (!sql) return out;
  const r = await queryRows(sql, signal);
  for (const [col, kind, label, n] of r.rows as [number, Distribution['kind'], string, number][]) {
    const d = out.get(col) ?? { kind, buckets: [] };
    d.buckets.push({ label, n: Number(n) });
    out.set(col, d);
  }
  return out;
}
