import { type Engine, quoteIdent } from '../core/index.js';

/** How one Parquet column is read: the SQL giving it, and why it differs from the file, if it does. */
export interface ParquetColumnRead {
  sql: string;
  /** What was changed, for the user's warnings; null when the column is read as it is. */
  change: string | null;
}

const TEXT_TYPES: Record<string, string> = {
  INTERVAL: 'an INTERVAL',
  'TIME WITH TIME ZONE': 'a TIME WITH TIME ZONE',
  UHUGEINT: 'an unsigned 128-bit integer',
};

// Inside a nested type these have no Iceberg type either; a struct whose first field has no name
// is how a DuckDB UNION comes back from Parquet (`STRUCT(UTINYINT, INTEGER, VARCHAR)`).
const NESTED_TROUBLE = /\b(UBIGINT|UHUGEINT|INTERVAL|TIME WITH TIME ZONE|TIMESTAMP_NS)\b|STRUCT\([A-Z_]+[,)([]|UNION\(/;

/**
 * Reads Parquet types that bronze (Iceberg v2) cannot hold as types it can, without losing a value:
 * unsigned 64-bit integers as decimal(20,0); INTERVAL and TIME WITH TIME ZONE as their text (which
 * casts back exactly); nanosecond timestamps as timestamps when no value has digits below the
 * microsecond, else as text with all nine digits; nested values holding any of these, and unions,
 * as JSON text.
 */
export async function parquetColumnReads(
  engine: Engine,
  source: string,
  described: readonly { column_name: string; column_type: string }[],
): Promise<ParquetColumnRead[]> {
  const nanos = described.filter((d) => d.column_type === 'TIMESTAMP_NS').map((d) => d.column_name);
  const finer = nanos.length === 0 ? {} : await subMicrosecond(engine, source, nanos);
  return described.map(({ column_name: name, column_type: type }) => {
    const col = quoteIdent(name);
    if (type === 'UBIGINT') {
      return { sql: `CAST(${col} AS DECIMAL(20, 0))`, change: `column ${name} is an unsigned 64-bit integer; kept as decimal(20,0) so values over 2^63-1 fit` };
    }
    const text = TEXT_TYPES[type];
    if (text) return { sql: `CAST(${col} AS VARCHAR)`, change: `column ${name} is ${text}, which Iceberg has no type for; kept as its text` };
    if (type === 'TIMESTAMP_NS') {
      return finer[name]
        ? { sql: `CAST(${col} AS VARCHAR)`, change: `column ${name} has nanosecond timestamps, finer than Iceberg's microseconds; kept as text with all nine digits` }
        : { sql: `CAST(${col} AS TIMESTAMP)`, change: null };
    }
    if (/[([]/.test(type) && NESTED_TROUBLE.test(type)) {
      return { sql: `CAST(to_json(${col}) AS VARCHAR)`, change: `column ${name} (${type}) holds values Iceberg has no type for; kept as JSON text` };
    }
    return { sql: col, change: null };
  });
}

/** Per nanosecond column: whether some value has digits below the microsecond. */
async function subMicrosecond(engine: Engine, source: string, columns: string[]): Promise<Record<string, boolean>> {
  const checks = columns.map((c, i) => `bool_or(epoch_ns(${quoteIdent(c)}) % 1000 <> 0) AS ${quoteIdent(`c${i}`)}`);
  const row = (await engine.all(`SELECT ${checks.join(', ')} FROM ${source}`))[0] ?? {};
  return Object.fromEntries(columns.map((c, i) => [c, row[`c${i}`] === true]));
}
