import { icebergToDuckdb, quoteLiteral } from '../engine/index.js';
import type { PrimitiveType } from '../table/index.js';

/**
 * For a file column whose type conflicts with bronze's, SQL over its value `value`: `when` is true
 * for a value that does not convert exactly to the table's type (a cast that fails, or one that
 * would change it: 7.5 or "7.5" to 8 in a long column, true to 1), `why` says what was expected
 * and what was found.
 */
export function misfitSql(value: string, tableType: PrimitiveType, column: string, table: string): { when: string; why: string } {
  const j = `to_json(${value})`;
  const cast = `TRY_CAST(${value} AS ${icebergToDuckdb(tableType)})`;
  // Never NULL: the write leaves out the rows where it holds, and they must be exactly the rejects.
  const when = `coalesce(${value} IS NOT NULL AND json_type(${j}) <> 'NULL' AND (${cast} IS NULL OR ${changes(j, tableType)}), false)`;
  const found = `CASE json_type(${j}) WHEN 'VARCHAR' THEN 'a string ' WHEN 'BOOLEAN' THEN 'a boolean ' WHEN 'OBJECT' THEN 'an object ' WHEN 'ARRAY' THEN 'an array ' ELSE 'a number ' END`;
  const text = `CASE WHEN strlen(${j}::VARCHAR) > 80 THEN left(${j}::VARCHAR, 80) || '…' ELSE ${j}::VARCHAR END`;
  const prefix = `type conflict: column ${column} is ${tableType} in ${table}: expected ${expected(tableType)}, found `;
  return { when, why: `${quoteLiteral(prefix)} || ${found} || ${text}` };
}

/** SQL: true when the cast of JSON value `j` to `type` succeeds but changes it. */
function changes(j: string, type: PrimitiveType): string {
  if (type === 'int' || type === 'long') {
    return `CASE json_type(${j}) WHEN 'BOOLEAN' THEN true
      WHEN 'DOUBLE' THEN TRY_CAST(${j} AS DOUBLE) <> trunc(TRY_CAST(${j} AS DOUBLE))
      WHEN 'VARCHAR' THEN NOT regexp_full_match(trim(json_extract_string(${j}, '$')), '[-+]?[0-9]+')
      ELSE false END`;
  }
  if (type === 'boolean') return `json_type(${j}) NOT IN ('BOOLEAN', 'VARCHAR')`;
  if (type === 'float' || type === 'double' || type.startsWith('decimal')) return `json_type(${j}) = 'BOOLEAN'`;
  return 'false';
}

function expected(type: PrimitiveType): string {
  if (type === 'int' || type === 'long') return 'an integer';
  if (type === 'float' || type === 'double') return 'a number';
  if (type.startsWith('decimal')) return `a decimal number (${type})`;
  if (type === 'boolean') return 'true or false';
  if (type === 'string') return 'a string';
  if (type === 'timestamp' || type === 'timestamptz') return 'a timestamp';
  if (type === 'uuid') return 'a UUID';
  if (type === 'date' || type === 'time') return `a ${type}`;
  return 'binary data';
}
