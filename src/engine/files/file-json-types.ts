import { cleanColumnNames, type CleanNames } from './file-names.js';
import { doubleColumn, integerColumn, type CheckedColumn } from './file-json-numbers.js';
import { quoteLiteral } from '../core/index.js';

/**
 * The `json_transform` shape for a `json_group_structure` result (the merged shape of every record,
 * so no key is dropped for being rare). Objects stay STRUCT, arrays LIST; a key whose values
 * disagree (number here, string there) stays JSON text, which loses nothing. Unsigned integers
 * stay UBIGINT inside nested values (json_transform would turn an overflow into a silent NULL);
 * a top-level column becomes BIGINT and an overflowing value is a reject (see jsonColumns).
 * `record` is true for the merged record itself, whose keys become columns.
 */
export function transformShape(structure: unknown, record = false): Shape {
  if (typeof structure === 'string') return structure === 'NULL' ? 'VARCHAR' : structure;
  if (Array.isArray(structure)) return [transformShape(structure[0] ?? 'NULL')];
  if (structure !== null && typeof structure === 'object') {
    const keys = Object.keys(structure);
    const lower = new Set(keys.map((k) => k.toLowerCase()));
    // DuckDB struct fields compare case-insensitively, and Iceberg takes a dot in a field name for
    // a path (the record's own keys are renamed instead, see keyNames): such objects stay JSON.
    if (keys.length === 0 || lower.size !== keys.length || keys.includes('')) return 'JSON';
    if (!record && keys.some((k) => k.includes('.'))) return 'JSON';
    return Object.fromEntries(keys.map((k) => [k, transformShape((structure as Record<string, unknown>)[k])]));
  }
  return 'JSON';
}

/** A `json_transform` shape: a type name, `[element]` for arrays, or an object of keys. */
export type Shape = string | Shape[] | { [key: string]: Shape };

/**
 * One column per top-level key of the merged object structure, each extracted on its own (over a
 * JSON column `j`): for records whose keys DuckDB cannot hold as one STRUCT (an empty key, or keys
 * equal but for case).
 */
export function jsonColumns(structure: unknown): { columns: CheckedColumn[]; changes: string[] } {
  if (structure === null || typeof structure !== 'object' || Array.isArray(structure)) return { columns: [], changes: [] };
  const entries = Object.entries(structure as Record<string, unknown>);
  const cleaned = keyNames(entries.map(([k]) => k));
  const columns = entries.map(([key, structureOf], i): CheckedColumn => {
    const name = cleaned.names[i] ?? key;
    const shape = transformShape(structureOf);
    const raw = `json_extract(j, ${quoteLiteral(pointer(key))})`;
    const text = `json_extract_string(j, ${quoteLiteral(pointer(key))})`;
    if (shape === 'JSON') return { name, value: raw, checks: [] };
    if (shape === 'VARCHAR') return { name, value: text, checks: [] };
    if (shape === 'DOUBLE') return doubleColumn(name, text);
    if (typeof shape === 'string' && /INT/.test(shape)) return integerColumn(name, text, text);
    if (typeof shape !== 'string') return { name, value: `json_transform(${raw}, ${quoteLiteral(JSON.stringify(shape))})`, checks: [] };
    const value = `try(CAST(${raw} AS ${shape}))`;
    const when = `(${value} IS NULL AND ${raw} IS NOT NULL AND json_type(${raw}) <> 'NULL')`;
    return { name, value, checks: [{ when, why: quoteLiteral(`column ${name}: value does not convert to ${shape}`) }] };
  });
  return { columns, changes: cleaned.changes };
}

/** RFC 6901 JSON pointer to a top-level key (works for keys holding dots, `$`, quotes, …). */
function pointer(key: string): string {
  return `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/**
 * Column names for top-level keys (see cleanColumnNames), with each dot made `_`: Iceberg and the
 * engines that read it take a dot in a name for a path into a struct, so a key `x.y` beside a
 * struct `x` would clash with its field. The changes are worded for JSON, whose columns are keys.
 */
export function keyNames(keys: readonly string[]): CleanNames {
  const cleaned = cleanColumnNames(keys.map((k) => k.replaceAll('.', '_')));
  const changes = cleaned.changes.map((c) => c.replace(/^column (\d+)/, 'key $1'));
  keys.forEach((k, i) => {
    if (k.includes('.')) changes.push(`key ${JSON.stringify(k)} holds a dot, which Iceberg reads as a path into a struct; named it ${cleaned.names[i]}`);
  });
  return { names: cleaned.names, changes };
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
