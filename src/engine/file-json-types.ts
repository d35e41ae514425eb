import { cleanColumnNames } from './file-names.js';
import { quoteLiteral } from './sql-text.js';

/**
 * The `json_transform` shape for a `json_group_structure` result (the merged shape of every record,
 * so no key is dropped for being rare). Objects stay STRUCT, arrays LIST; a key whose values
 * disagree (number here, string there) stays JSON text, which loses nothing. Unsigned integers
 * stay UBIGINT inside nested values (json_transform would turn an overflow into a silent NULL);
 * a top-level column becomes BIGINT and an overflowing value is a reject (see jsonColumns).
 */
export function transformShape(structure: unknown): Shape {
  if (typeof structure === 'string') return structure === 'NULL' ? 'VARCHAR' : structure;
  if (Array.isArray(structure)) return [transformShape(structure[0] ?? 'NULL')];
  if (structure !== null && typeof structure === 'object') {
    const keys = Object.keys(structure);
    const lower = new Set(keys.map((k) => k.toLowerCase()));
    // DuckDB struct fields compare case-insensitively; such objects can only be kept as JSON.
    if (keys.length === 0 || lower.size !== keys.length || keys.includes('')) return 'JSON';
    return Object.fromEntries(keys.map((k) => [k, transformShape((structure as Record<string, unknown>)[k])]));
  }
  return 'JSON';
}

/** A `json_transform` shape: a type name, `[element]` for arrays, or an object of keys. */
export type Shape = string | Shape[] | { [key: string]: Shape };

export interface JsonColumn {
  name: string;
  /** SQL for the value, over a JSON column `j`. */
  value: string;
  /** SQL that is true when the key holds a value that does not convert to the column's type. */
  bad: string;
}

/**
 * One column per top-level key of the merged object structure, each extracted on its own: for
 * records whose keys DuckDB cannot hold as one STRUCT (an empty key, or keys equal but for case).
 */
export function jsonColumns(structure: unknown): { columns: JsonColumn[]; changes: string[] } {
  if (structure === null || typeof structure !== 'object' || Array.isArray(structure)) return { columns: [], changes: [] };
  const entries = Object.entries(structure as Record<string, unknown>);
  const cleaned = cleanColumnNames(entries.map(([k]) => k));
  const columns = entries.map(([key, structureOf], i) => {
    const shape = transformShape(structureOf);
    const raw = `json_extract(j, ${quoteLiteral(pointer(key))})`;
    let value: string;
    let bad = 'false';
    if (shape === 'JSON') value = raw;
    else if (shape === 'VARCHAR') value = `json_extract_string(j, ${quoteLiteral(pointer(key))})`;
    else if (typeof shape === 'string') {
      const type = shape === 'UBIGINT' ? 'BIGINT' : shape;
      value = `try(CAST(${raw} AS ${type}))`;
      bad = `(${value} IS NULL AND ${raw} IS NOT NULL AND json_type(${raw}) <> 'NULL')`;
    } else value = `json_transform(${raw}, ${quoteLiteral(JSON.stringify(shape))})`;
    return { name: cleaned.names[i] ?? key, value, bad };
  });
  return { columns, changes: keyChanges(cleaned.changes) };
}

/** RFC 6901 JSON pointer to a top-level key (works for keys holding dots, `$`, quotes, …). */
function pointer(key: string): string {
  return `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** Name changes worded for JSON, whose columns are keys. */
export function keyChanges(changes: string[]): string[] {
  return changes.map((c) => c.replace(/^column (\d+)/, 'key $1'));
}

/** A JSON value's kind as a user says it, from DuckDB's json_type: "a number", "a string", …. */
export function jsonKind(type: string): string {
  const t = type.toUpperCase();
  if (/INT|DOUBLE|DECIMAL|FLOAT/.test(t)) return 'a number';
  if (t === 'VARCHAR') return 'a string';
  if (t === 'BOOLEAN') return 'a boolean';
  if (t === 'ARRAY') return 'an array';
  if (t === 'OBJECT') return 'an object';
  return t === 'NULL' ? 'null' : t.toLowerCase();
}
