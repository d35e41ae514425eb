/** Partition values computed in SQL, one column per spec field, with Iceberg's floor semantics. */
import { InvalidInput } from '../../errors.js';
import type { NestedField, PartitionSpec, PartitionValue, PrimitiveType, Schema } from '../../table/index.js';
import { decimalParts, parseStatValue, quoteIdent, quoteLiteral } from '../core/index.js';

export interface PartitionColumn {
  /** Column alias in the COPY select; also the hive directory name DuckDB writes. */
  alias: string;
  /** SQL over the relation `__rows`; undefined for `void` (always null, not partitioned on). */
  sql: string | undefined;
  /** The partition value of a `partition_keys` string, as the transform's result type. */
  parse(text: string | null): PartitionValue;
}

const MICROS_PER_HOUR = '3600000000';

export function partitionColumns(spec: PartitionSpec, schema: Schema): PartitionColumn[] {
  const taken = new Set(schema.fields.map((f) => f.name.toLowerCase()));
  return spec.fields.map((pf) => {
    const source = sourceColumn(schema, pf['source-id'], pf.name);
    let alias = pf.name;
    while (taken.has(alias.toLowerCase())) alias = `__p_${alias}`;
    taken.add(alias.toLowerCase());
    return { alias, ...transformSql(pf.transform, source.sql, source.type, pf.name) };
  });
}

function sourceColumn(schema: Schema, id: number, partitionName: string): { sql: string; type: PrimitiveType } {
  const walk = (fields: readonly NestedField[], prefix: string): { sql: string; type: PrimitiveType } | undefined => {
    for (const f of fields) {
      const sql = `${prefix}.${quoteIdent(f.name)}`;
      if (f.id === id) return typeof f.type === 'string' ? { sql, type: f.type } : undefined;
      if (typeof f.type !== 'string' && f.type.type === 'struct') {
        const found = walk(f.type.fields, sql);
        if (found) return found;
      }
    }
    return undefined;
  };
  const found = walk(schema.fields, '__rows');
  if (!found) throw new InvalidInput(`partition: field ${partitionName} has no primitive source column with id ${id}`);
  return found;
}

type Parsed = Omit<PartitionColumn, 'alias'>;

function transformSql(transform: string, col: string, type: PrimitiveType, name: string): Parsed {
  const m = /^(\w+)(?:\[(\d+)\])?$/.exec(transform.trim().toLowerCase());
  const kind = m?.[1];
  const param = m?.[2] === undefined ? undefined : Number(m[2]);
  const isTs = type === 'timestamp' || type === 'timestamptz';
  // Timestamps go through epoch µs (UTC, whatever the session time zone), then back to a naive TIMESTAMP.
  const utc = type === 'timestamptz' ? `make_timestamp(epoch_us(${col}))` : col;
  switch (kind) {
    case 'identity':
      return identity(col, type);
    case 'void':
      return { sql: undefined, parse: () => null };
    case 'year':
      if (type === 'date' || isTs) return intColumn(`year(${utc}) - 1970`);
      break;
    case 'month':
      if (type === 'date' || isTs) return intColumn(`(year(${utc}) - 1970) * 12 + month(${utc}) - 1`);
      break;
    case 'day':
      if (type === 'date') return { sql: col, parse: typed('date') };
      if (isTs) return { sql: `CAST(${utc} AS DATE)`, parse: typed('date') };
      break;
    case 'hour':
      if (isTs) return intColumn(floorDiv(`epoch_us(${col})`, MICROS_PER_HOUR));
      break;
    case 'bucket':
      if (param !== undefined) return bucket(col, type, param);
      break;
    case 'truncate':
      if (param !== undefined) return truncate(col, type, param);
      break;
  }
  throw new InvalidInput(`partition: field ${name}: transform ${transform} is not supported for type ${type}`);
}

function identity(col: string, type: PrimitiveType): Parsed {
  if (type === 'time' || type === 'timestamp' || type === 'timestamptz') {
    return { sql: `epoch_us(${col})`, parse: (t) => (t === null ? null : BigInt(t)) };
  }
  if (type === 'binary' || type.startsWith('fixed')) return { sql: `hex(${col})`, parse: typed(type) };
  if (type === 'uuid' || decimalParts(type)) return { sql: `CAST(${col} AS VARCHAR)`, parse: typed(type) };
  return { sql: col, parse: typed(type) };
}

function bucket(col: string, type: PrimitiveType, n: number): Parsed {
  let sql: string;
  if (type === 'int' || type === 'long') sql = `silt_bucket_long(CAST(${col} AS BIGINT), ${n})`;
  else if (type === 'date') sql = `silt_bucket_long(date_diff('day', DATE '1970-01-01', ${col}), ${n})`;
  else if (type === 'time' || type === 'timestamp' || type === 'timestamptz') sql = `silt_bucket_long(epoch_us(${col}), ${n})`;
  else if (type === 'string' || type === 'uuid' || decimalParts(type)) {
    sql = `silt_bucket_text(CAST(${col} AS VARCHAR), ${n}, ${quoteLiteral(type)})`;
  } else if (type === 'binary' || type.startsWith('fixed')) sql = `silt_bucket_blob(${col}, ${n})`;
  else throw new InvalidInput(`partition: bucket does not apply to type ${type}`);
  return intColumn(sql);
}

function truncate(col: string, type: PrimitiveType, w: number): Parsed {
  if (type === 'int' || type === 'long') {
    // ((v % W) + W) % W keeps the remainder non-negative, so -1 truncates to -W.
    return { sql: `${col} - (((${col} % ${w}) + ${w}) % ${w})`, parse: typed(type) };
  }
  if (type === 'string') return { sql: `substring(${col}, 1, ${w})`, parse: typed(type) };
  if (type === 'binary') return { sql: `substring(hex(${col}), 1, ${2 * w})`, parse: typed(type) };
  if (decimalParts(type)) {
    return { sql: `silt_truncate_decimal(CAST(${col} AS VARCHAR), ${w}, ${quoteLiteral(type)})`, parse: typed(type) };
  }
  throw new InvalidInput(`partition: truncate does not apply to type ${type}`);
}

/** Exact integer floor division (DuckDB's `//` truncates toward zero). */
function floorDiv(a: string, b: string): string {
  return `((${a} - (((${a} % ${b}) + ${b}) % ${b})) // ${b})`;
}

function intColumn(sql: string): Parsed {
  return { sql: `CAST(${sql} AS INTEGER)`, parse: (t) => (t === null ? null : Number(t)) };
}

function typed(type: PrimitiveType): (text: string | null) => PartitionValue {
  return (text) => {
    if (text === null) return null;
    const v = parseStatValue(type, text);
    if (v === undefined) throw new Error(`partition: cannot read ${type} partition value ${JSON.stringify(text)}`);
    return v as PartitionValue;
  };
}
