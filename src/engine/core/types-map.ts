/** Iceberg ⇄ DuckDB types: DuckDB result types become Iceberg schema types, Iceberg types become DuckDB cast targets. */
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { InvalidInput } from '../../errors.js';
import type { IcebergType, IcebergTypeInput, PrimitiveType } from '../../table/index.js';
import type { Engine } from './duckdb.js';
import { sqlType } from './sql-fragment.js';
import { quoteIdent } from './sql-text.js';

/**
 * The Iceberg type for a DuckDB column type, used when a schema is inferred from a query.
 * HUGEINT maps to `long` because DuckDB's sum() of integers returns HUGEINT; UBIGINT and
 * UHUGEINT, which `long` cannot hold, map to decimal(20,0) and decimal(38,0).
 */
export function duckdbToIceberg(type: DuckDBType, column: string): IcebergTypeInput {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.INTEGER_LITERAL:
      return 'int';
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.HUGEINT:
      return 'long';
    case DuckDBTypeId.UBIGINT:
      return 'decimal(20, 0)';
    case DuckDBTypeId.UHUGEINT:
      return 'decimal(38, 0)';
    case DuckDBTypeId.FLOAT:
      return 'float';
    case DuckDBTypeId.DOUBLE:
      return 'double';
    case DuckDBTypeId.DECIMAL:
      return `decimal(${type.width}, ${type.scale})`;
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.STRING_LITERAL:
    case DuckDBTypeId.ENUM:
      return 'string';
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.TIME:
    case DuckDBTypeId.TIME_NS:
      return 'time';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return 'timestamp';
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'timestamptz';
    case DuckDBTypeId.UUID:
      return 'uuid';
    case DuckDBTypeId.BLOB:
      return 'binary';
    case DuckDBTypeId.STRUCT:
      return {
        type: 'struct',
        fields: type.entryNames.map((name, i) => ({
          name,
          type: duckdbToIceberg(type.entryTypes[i]!, `${column}.${name}`),
        })),
      };
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return { type: 'list', element: duckdbToIceberg(type.valueType, `${column}.element`) };
    case DuckDBTypeId.MAP:
      return {
        type: 'map',
        key: duckdbToIceberg(type.keyType, `${column}.key`),
        value: duckdbToIceberg(type.valueType, `${column}.value`),
      };
    case DuckDBTypeId.SQLNULL:
      throw new InvalidInput(`schema: column ${column} has no type (it is always NULL); cast it, e.g. CAST(NULL AS VARCHAR)`);
    default:
      throw new InvalidInput(
        `schema: column ${column} has type ${type.toString()}, which Iceberg cannot store; cast it to a supported type`,
      );
  }
}

/** DuckDB type text for an Iceberg type, for casts and read schemas. */
export function icebergToDuckdb(type: IcebergType): string {
  if (typeof type === 'string') return primitiveToDuckdb(type);
  switch (type.type) {
    case 'struct':
      return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${icebergToDuckdb(f.type)}`).join(', ')})`;
    case 'list':
      return `${icebergToDuckdb(type.element)}[]`;
    case 'map':
      return `MAP(${icebergToDuckdb(type.key)}, ${icebergToDuckdb(type.value)})`;
  }
}

export function primitiveToDuckdb(type: PrimitiveType): string {
  switch (type) {
    case 'boolean':
      return 'BOOLEAN';
    case 'int':
      return 'INTEGER';
    case 'long':
      return 'BIGINT';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'timestamptz':
      return 'TIMESTAMPTZ';
    case 'string':
      return 'VARCHAR';
    case 'uuid':
      return 'UUID';
    case 'binary':
      return 'BLOB';
  }
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) return `DECIMAL(${decimal[1]}, ${decimal[2]})`;
  if (/^fixed\[\d+\]$/.test(type)) return 'BLOB';
  throw new InvalidInput(`schema: unknown Iceberg type ${type}`);
}

/** `decimal(P, S)` → { precision, scale }, else undefined. */
export function decimalParts(type: string): { precision: number; scale: number } | undefined {
  const m = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}

const TYPE_TEXT = /^[A-Za-z0-9_ ,()[\]"]+$/;

/**
 * Parses DuckDB type text a user wrote (ALTER TABLE … ADD COLUMN c DECIMAL(10,2)) into an Iceberg
 * type by letting DuckDB bind a cast; only type-like characters are accepted, and the text must parse as
 * exactly one type (`sqlType`), so a `)` in it cannot close the cast and run what follows.
 */
export async function parseTypeText(engine: Engine, text: string, column: string): Promise<IcebergTypeInput> {
  const trimmed = text.trim();
  if (!trimmed || !TYPE_TEXT.test(trimmed)) {
    throw new InvalidInput(`schema: column ${column}: ${JSON.stringify(text)} is not a type`);
  }
  const type = await sqlType(engine, trimmed, `schema: column ${column}`);
  let prepared;
  try {
    prepared = await engine.connection.prepare(`SELECT CAST(NULL AS ${type}\n)`);
  } catch (e) {
    throw new InvalidInput(`schema: column ${column}: unknown type ${trimmed} (${firstLine(e)})`);
  }
  try {
    return duckdbToIceberg(prepared.columnType(0), column);
  } finally {
    prepared.destroySync();
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
}
