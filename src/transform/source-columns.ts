/** The columns of a source relation, with STRUCT columns flattened to `parent_child` columns. */
import type { Engine } from '../engine/duckdb.js';
import { quoteIdent, quoteLiteral } from '../engine/sql-text.js';
import { InvalidInput } from '../errors.js';

export interface SourceColumn {
  /** Name after flattening, e.g. `location_lat`. */
  readonly name: string;
  /** SQL reading it from a row of the relation, e.g. `struct_extract("location", 'lat')`. */
  readonly expr: string;
  /** DuckDB type text, e.g. `VARCHAR`, `DOUBLE`, `VARCHAR[]`. */
  readonly type: string;
}

/** Name and DuckDB type of each column a SELECT (or `FROM relation`) returns. */
export async function describeColumns(engine: Engine, select: string): Promise<{ name: string; type: string }[]> {
  const rows = await engine.allJson<{ column_name: string; column_type: string }>(`DESCRIBE ${select}`);
  return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
}

export function isStructType(type: string): boolean {
  return type.startsWith('STRUCT(');
}

export function isTextType(type: string): boolean {
  return type === 'VARCHAR';
}

/**
 * Columns of `relation`; with `flatten`, STRUCTs recurse into `a_b_c` columns (lists stay lists).
 * `context` prefixes errors, e.g. `transform: silver.orders`.
 */
export async function sourceColumns(engine: Engine, relation: string, flatten: boolean, context: string): Promise<SourceColumn[]> {
  const top = await describeColumns(engine, `SELECT * FROM ${relation}`);
  const out: SourceColumn[] = [];
  const visit = async (name: string, expr: string, type: string): Promise<void> => {
    if (!flatten || !isStructType(type)) {
      out.push({ name, expr, type });
      return;
    }
    const fields = await describeColumns(engine, `SELECT unnest(${expr}) FROM ${relation}`);
    for (const f of fields) await visit(`${name}_${f.name}`, `struct_extract(${expr}, ${quoteLiteral(f.name)})`, f.type);
  };
  for (const c of top) await visit(c.name, quoteIdent(c.name), c.type);
  const seen = new Map<string, SourceColumn>();
  for (const c of out) {
    const other = seen.get(c.name.toLowerCase());
    if (other) {
      throw new InvalidInput(`${context}: source columns ${other.expr} and ${c.expr} both flatten to ${c.name}; rename one, or set flatten: false`);
    }
    seen.set(c.name.toLowerCase(), c);
  }
  return out;
}

/** The source column a contract column reads (case-insensitive, as DuckDB resolves names). */
export function findSourceColumn(columns: readonly SourceColumn[], name: string): SourceColumn | undefined {
  return columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
}
