import type { IcebergType } from '../table/index.js';

/** The PostgreSQL column type a lakehouse column lands in; nested values land as jsonb. */
export function postgresType(type: IcebergType): string {
  if (typeof type !== 'string') return 'jsonb';
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) return `numeric(${decimal[1]},${decimal[2]})`;
  if (type.startsWith('fixed[')) return 'bytea';
  const plain: Record<string, string> = {
    boolean: 'boolean', int: 'integer', long: 'bigint', float: 'real', double: 'double precision',
    date: 'date', time: 'time', timestamp: 'timestamp', timestamptz: 'timestamptz',
    string: 'text', uuid: 'uuid', binary: 'bytea',
  };
  return plain[type] ?? 'text';
}

/**
 * The DuckDB expression that writes a column as the CSV text PostgreSQL's COPY reads back as its
 * `postgresType`: nested values as JSON, bytes as bytea's hex form.
 */
export function csvValueSql(quoted: string, type: IcebergType): string {
  if (typeof type !== 'string') return `CAST(to_json(${quoted}) AS VARCHAR)`;
  if (type === 'binary' || type.startsWith('fixed[')) return `'\\x' || hex(${quoted})`;
  return quoted;
}

/** Kinds of PostgreSQL types that take each other's values; an integer kind carries its width. */
function kindOf(pgType: string): { kind: string; width?: number } {
  const t = pgType.toLowerCase();
  if (t === 'smallint') return { kind: 'integer', width: 2 };
  if (t === 'integer') return { kind: 'integer', width: 4 };
  if (t === 'bigint') return { kind: 'integer', width: 8 };
  if (t.startsWith('numeric')) return { kind: 'numeric' };
  if (t === 'real' || t === 'double precision') return { kind: 'float' };
  if (t === 'text' || t.startsWith('character')) return { kind: 'text' };
  if (t.startsWith('timestamp') && t.includes('with time zone')) return { kind: 'timestamptz' };
  if (t === 'timestamptz') return { kind: 'timestamptz' };
  if (t.startsWith('timestamp')) return { kind: 'timestamp' };
  if (t.startsWith('time')) return { kind: 'time' };
  if (t === 'json' || t === 'jsonb') return { kind: 'json' };
  return { kind: t };
}

/**
 * Why a warehouse column of type `found` cannot take a lakehouse column whose type lands as
 * `wanted`, or undefined when it can (same kind; an integer at least as wide; numbers into numeric;
 * anything into text).
 */
export function typeMismatch(wanted: string, found: string): 'narrower' | 'other' | undefined {
  const w = kindOf(wanted);
  const f = kindOf(found);
  if (f.kind === 'text') return undefined;
  if (w.kind === 'integer' && f.kind === 'integer') return (f.width ?? 8) >= (w.width ?? 8) ? undefined : 'narrower';
  if (f.kind === 'numeric' && (w.kind === 'integer' || w.kind === 'numeric')) return undefined;
  if (f.kind === 'float' && (w.kind === 'float' || w.kind === 'integer')) return undefined;
  return w.kind === f.kind ? undefined : 'other';
}
