import { type Engine, quoteIdent, quoteLiteral } from '../core/index.js';
import type { Column, FileRead } from './file-types.js';

/**
 * Files combine by column NAME (as DuckDB compares them: case-insensitively, first spelling wins),
 * so a later file may add columns; rows of files without a column get NULL. When files disagree on
 * a type: numbers widen to DuckDB's common numeric type (BIGINT + DOUBLE → DOUBLE), DATE and
 * TIMESTAMPs to the common timestamp, lists/structs to DuckDB's common nested type when it has
 * one; anything else falls back to VARCHAR, or JSON text when a nested value is involved. No
 * value is dropped by a widening.
 */
export async function unionColumns(engine: Engine, reads: readonly { columns: readonly Column[] }[]): Promise<Column[]> {
  const byName = new Map<string, Column>();
  for (const read of reads) {
    for (const column of read.columns) {
      const key = column.name.toLowerCase();
      const seen = byName.get(key);
      if (!seen) byName.set(key, { ...column });
      else seen.duckdbType = await widenType(engine, seen.duckdbType, column.duckdbType);
    }
  }
  return [...byName.values()];
}

const NUMERIC = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\))$/;
const TEMPORAL = /^(DATE|TIMESTAMP(_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE)$/;
const NESTED = /(\[\d*\]$|^STRUCT\(|^MAP\(|^UNION\()/;

export async function widenType(engine: Engine, a: string, b: string): Promise<string> {
  if (a === b) return a;
  const nested = NESTED.test(a) || NESTED.test(b);
  const sameFamily = (NUMERIC.test(a) && NUMERIC.test(b)) || (TEMPORAL.test(a) && TEMPORAL.test(b)) || (NESTED.test(a) && NESTED.test(b));
  if (sameFamily) {
    const common = await supertype(engine, a, b);
    if (common) return common;
  }
  return nested || a === 'JSON' || b === 'JSON' ? 'JSON' : 'VARCHAR';
}

async function supertype(engine: Engine, a: string, b: string): Promise<string | null> {
  try {
    const rows = await engine.all<{ column_type: string }>(
      `DESCRIBE SELECT NULL::${a} AS x UNION ALL SELECT NULL::${b} AS x`,
    );
    return rows[0]?.column_type ?? null;
  } catch {
    return null;
  }
}

export async function createResultTable(engine: Engine, name: string, columns: readonly Column[]): Promise<void> {
  const defs = [...columns.map((c) => `${quoteIdent(c.name)} ${c.duckdbType}`), '_source_file VARCHAR', '_source_line BIGINT'];
  await engine.run(`CREATE TABLE ${quoteIdent(name)} (${defs.join(', ')})`);
}

/** Copies one file's good rows into the result table, converting columns whose type was widened. */
export async function appendRows(engine: Engine, table: string, union: readonly Column[], read: FileRead, file: string): Promise<void> {
  if (!read.query) return;
  await engine.run(`INSERT INTO ${quoteIdent(table)} BY NAME ${resultSelect(read.query, read.columns, file, union)}`);
}

/** One file's good rows as result rows: its columns (converted to the union's types), `_source_file`, `_source_line`. */
export function resultSelect(query: string, columns: readonly Column[], file: string, union: readonly Column[] = columns): string {
  const select = convertedColumns(union, columns);
  select.push(`${quoteLiteral(file)} AS _source_file`, 'q._source_line AS _source_line');
  return `SELECT ${select.join(', ')} FROM (${query}) q`;
}

/**
 * One file's rows with every union column in union order (NULL where the file lacks one), so that
 * the files' selects chain with a plain UNION ALL and stream without a table in between.
 */
export function unionSelect(union: readonly Column[], query: string, columns: readonly Column[]): string {
  const converted = convertedColumns(union, columns);
  const have = new Set(columns.map((c) => c.name.toLowerCase()));
  const byName = new Map(converted.map((sql, i) => [(columns[i] as Column).name.toLowerCase(), sql]));
  const select = union.map((u) =>
    have.has(u.name.toLowerCase()) ? (byName.get(u.name.toLowerCase()) as string) : `NULL::${u.duckdbType} AS ${quoteIdent(u.name)}`,
  );
  return `SELECT ${select.join(', ')} FROM (${query}) q`;
}

function convertedColumns(union: readonly Column[], columns: readonly Column[]): string[] {
  const target = new Map(union.map((c) => [c.name.toLowerCase(), c]));
  return columns.map((c) => {
    const to = target.get(c.name.toLowerCase()) ?? c;
    const src = `q.${quoteIdent(c.name)}`;
    const value = to.duckdbType === c.duckdbType ? src : to.duckdbType === 'JSON' ? `to_json(${src})` : `CAST(${src} AS ${to.duckdbType})`;
    return `${value} AS ${quoteIdent(to.name)}`;
  });
}
