/**
 * SQL that reads a scan plan's data files as the plan's schema. Columns are matched by Parquet
 * field id, so renamed, added, dropped and widened columns read correctly from older files.
 */
import { currentSchema, onlySchema, verifiesChecksums, verifyDataFiles, type DataFile, type Schema, type TableMetadata } from '../../table/index.js';
import type { ObjectStore } from '../../storage/index.js';
import { isEncrypted, keyring } from '../../keys/index.js';
import { quoteIdent, quoteList, quoteLiteral } from './sql-text.js';
import { icebergToDuckdb } from './types-map.js';
import { readWithDeletes, refuseRowNumberColumn } from './merge-on-read.js';
import { applyGrant, grantFor, type ReadAccess, type ReadGrant } from './access-policy.js';

export interface ScanSource {
  schema: Schema;
  files: readonly DataFile[];
  /**
   * Every file was written with `schema` itself (see `onlySchema`), so columns can be read by
   * name: DuckDB's field-id mapping costs about twice the CPU of a plain scan, and cannot answer
   * min/max from the files' statistics.
   */
  byName?: boolean;
  /** The table's name, for errors about its files. */
  table: string;
  /** The table asks for each file's checksum to be verified before it is read. */
  verifyChecksums: boolean;
  /** The table's properties when its data files are encrypted (they say with which key). */
  encrypted?: Readonly<Record<string, string>>;
}

/** A scan of `files` of table `m` as `schema` (default: the current schema). */
export function currentScan(m: TableMetadata, table: string, files: readonly DataFile[], schema: Schema = currentSchema(m)): ScanSource {
  return {
    schema, files, byName: onlySchema(m, schema), table, verifyChecksums: verifiesChecksums(m.properties),
    ...(isEncrypted(m.properties) ? { encrypted: m.properties } : {}),
  };
}

export interface ScanSqlOptions {
  /** Adds a VARCHAR column with this name holding each row's data file path as the engine sees it. */
  fileColumn?: string;
  /** Adds a BIGINT column with this name holding each row's position in its data file (from 0). */
  positionColumn?: string;
  /** Who reads: the policy's grant for the table narrows what the SQL reads (default: everything). */
  access?: ReadAccess;
  /** The grant itself, when the caller has it already. */
  grant?: ReadGrant;
}

/**
 * SQL reading the source's files, once each is found present at its recorded size (and, when the
 * table asks, with its recorded checksum): a damaged file fails the query naming the file rather
 * than change its results.
 */
export async function scanSql(source: ScanSource, store: ObjectStore, options: ScanSqlOptions = {}): Promise<string> {
  const columns = source.schema.fields.map((f) => f.name);
  const [namespace, name] = splitName(source.table);
  const grant = options.grant ?? (options.access ? await grantFor(options.access, { namespace, name, columns }) : {});
  const sql = await filesSql(source, store, options);
  return applyGrant(sql, grant, [...columns, ...[options.fileColumn, options.positionColumn].filter((c): c is string => c !== undefined)]);
}

function splitName(table: string): [string, string] {
  const dot = table.indexOf('.');
  return dot < 0 ? ['', table] : [table.slice(0, dot), table.slice(dot + 1)];
}

async function filesSql(source: ScanSource, store: ObjectStore, options: ScanSqlOptions): Promise<string> {
  const { schema, files } = source;
  await verifyDataFiles(store, files, { table: source.table, checksums: source.verifyChecksums });
  const names = schema.fields.map((f) => quoteIdent(f.name));
  if (files.length === 0) {
    const cols = schema.fields.map((f) => `CAST(NULL AS ${icebergToDuckdb(f.type)}) AS ${quoteIdent(f.name)}`);
    if (options.fileColumn) cols.push(`CAST(NULL AS VARCHAR) AS ${quoteIdent(options.fileColumn)}`);
    if (options.positionColumn) cols.push(`CAST(NULL AS BIGINT) AS ${quoteIdent(options.positionColumn)}`);
    return `SELECT ${cols.join(', ')} WHERE false`;
  }
  const paths = await located(store, files);
  const encryption = source.encrypted ? await encryptionArg(source.encrypted, source.table) : '';
  // Read by name, partition folders would become columns too (other Iceberg writers name an
  // identity partition's folder `k=…` after its column, which would then read as BIGINT or text).
  const columnArgs = (source.byName ? 'hive_partitioning = false' : fieldIdMapping(schema)) + encryption;
  const plain = files.flatMap((f, i) => (f.deletes ? [] : [paths[i]!]));
  const withDeletes = files.flatMap((f, i) => (f.deletes ? [i] : []));
  const parts: string[] = [];
  if (plain.length > 0) {
    const args = [quoteList(plain), columnArgs];
    if (options.fileColumn) {
      args.push(`filename = ${quoteLiteral(options.fileColumn)}`);
      names.push(quoteIdent(options.fileColumn));
    }
    if (options.positionColumn) {
      refuseRowNumberColumn(schema, source.table);
      args.push('file_row_number = true');
      names.push(`file_row_number AS ${quoteIdent(options.positionColumn)}`);
    }
    parts.push(`SELECT ${names.join(', ')} FROM read_parquet(${args.join(', ')})`);
  }
  if (withDeletes.length > 0) {
    const deleteFiles = [...new Map(withDeletes.flatMap((i) => files[i]!.deletes!.files.map((d) => [d.file.filePath, d.file] as const))).values()];
    await verifyDataFiles(store, deleteFiles, { table: source.table, checksums: source.verifyChecksums });
    parts.push(await readWithDeletes({
      schema, table: source.table, columnArgs, encryption,
      files: withDeletes.map((i) => files[i]!), paths: withDeletes.map((i) => paths[i]!),
      ...(options.fileColumn ? { fileColumn: options.fileColumn } : {}),
      ...(options.positionColumn ? { positionColumn: options.positionColumn } : {}),
    }, store));
  }
  return parts.join(' UNION ALL ');
}

/**
 * read_parquet's (and COPY's) argument naming the data key of a table with these properties,
 * unwrapped for the engine: ', encryption_config = {…}', or '' when the table is not encrypted.
 */
export async function encryptionArg(properties: Readonly<Record<string, string>>, table: string): Promise<string> {
  const name = await keyring.unlock(properties, table);
  return name === undefined ? '' : `, encryption_config = {footer_key: ${quoteLiteral(name)}}`;
}

/** Matches the files' columns to the schema by Parquet field id, whatever their names and types. */
function fieldIdMapping(schema: Schema): string {
  const entries = schema.fields.map(
    (f) => `${f.id}: {name: ${quoteLiteral(f.name)}, type: ${quoteLiteral(icebergToDuckdb(f.type))}, default_value: NULL}`,
  );
  return `schema = MAP {${entries.join(', ')}}`;
}

/**
 * Where DuckDB reads each data file, ready to read (a store DuckDB cannot reach makes copies): the
 * values the `fileColumn` of a scan holds, mapped to their files, in the files' order.
 */
export async function engineLocations(store: ObjectStore, files: readonly DataFile[]): Promise<Map<string, DataFile>> {
  return new Map((await located(store, files)).map((at, i) => [at, files[i]!]));
}

function located(store: ObjectStore, files: readonly DataFile[]): Promise<string[]> {
  return store.engineFiles(files.map((f) => store.keyOf(f.filePath)));
}
