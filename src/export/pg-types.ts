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

/** Kinds of PostgreSQL types that take each other's values, with how wide a type of the kind is. */
function kindOf(pgType: string): { kind: string; width?: number; scale?: number } {
  const t = pgType.toLowerCase();
  if (t === 'smallint') return { kind: 'integer', width: 2 };
  if (t === 'integer') return { kind: 'integer', width: 4 };
  if (t === 'bigint') return { kind: 'integer', width: 8 };
  const numeric = /^numeric(?:\((\d+),(\d+)\))?$/.exec(t);
  // A numeric without precision takes any number.
  if (numeric) return numeric[1] === undefined ? { kind: 'numeric' } : { kind: 'numeric', width: Number(numeric[1]), scale: Number(numeric[2]) };
  if (t === 'real') return { kind: 'float', width: 4 };
  if (t === 'double precision') return { kind: 'float', width: 8 };
  if (t === 'text' || t.startsWith('character')) return { kind: 'text' };
  if (t.startsWith('timestamp') && t.includes('with time zone')) return { kind: 'timestamptz' };
  if (t === 'timestamptz') return { kind: 'timestamptz' };
  if (t.startsWith('timestamp')) return { kind: 'timestamp' };
  if (t.startsWith('time')) return { kind: 'time' };
  if (t === 'json' || t === 'jsonb') return { kind: 'json' };
  return { kind: t };
}

/**
 * Whether a warehouse column of type `found` takes a lakehouse column whose type lands as `wanted`:
 * undefined when it does (anything into text, numbers into a numeric or float at least as wide);
 * `widen` when it is of the same kind but narrower (the source's type was promoted: int to long,
 * float to double, a decimal's precision), which ALTER COLUMN … TYPE mends; `other` when not.
 */
export function typeMismatch(wanted: string, found: string): 'widen' | 'other' | undefined {
  const w = kindOf(wanted);
  const f = kindOf(found);
  if (f.kind === 'text') return undefined;
  // An integer too large for the numeric column is refused by PostgreSQL, naming the column.
  if (f.kind === 'numeric' && w.kind === 'integer') return undefined;
  if (f.kind === 'float' && w.kind === 'integer') return undefined;
  if (w.kind !== f.kind) return 'other';
  if (f.width === undefined || w.width === undefined) return undefined;
  if (w.kind === 'numeric') return w.width - (w.scale ?? 0) <= f.width - (f.scale ?? 0) && (w.scale ?? 0) <= (f.scale ?? 0) ? undefined : 'widen';
  return w.width <= f.width ? undefined : 'widen';
}
