/**
 * Writes the rows of a query as Iceberg data files: one DuckDB COPY, cast to the table schema, with
 * field ids, partitioned by SQL-computed transform columns, and the returned stats turned into
 * DataFile records (counts, bounds, partition values) with the SHA-256 of the bytes written, which
 * `silt check` and verifying reads compare against. Nothing is committed here.
 */
import { randomBytes } from 'node:crypto';
import type { DataFile, PartitionSpec, Schema } from '../../table/index.js';
import type { ObjectStore } from '../../storage/index.js';
import { joinKey } from '../../storage/index.js';
import {
  type Engine,
  encryptionArg,
  icebergToDuckdb,
  MAX_OPEN_PARTITION_FILES,
  quoteIdent,
  quoteLiteral,
  registerTransformFunctions,
  translateError,
} from '../core/index.js';
import { fieldIdsOption } from './field-ids.js';
import { compressionOptions } from './parquet-codec.js';
import { partitionColumns } from './partition-sql.js';
import { dataFileFromStats, type CopyStatsRow } from './write-stats.js';

export interface WriteDataFilesOptions {
  /** Any query whose columns are named like the schema's top-level fields (extra columns are ignored). */
  selectSql: string;
  schema: Schema;
  spec: PartitionSpec;
  store: ObjectStore;
  /** The table location URI (metadata `location`); files go under `<location>/data/`. */
  tableLocation: string;
  /** The table's properties: an encrypted table's files are written with its data key. */
  tableProperties: Readonly<Record<string, string>>;
  /** Split unpartitioned output into files of about this size. Default 512 MiB. */
  targetFileBytes?: number;
  /** Rows per Parquet row group (DuckDB default when unset). */
  rowGroupSize?: number;
  /**
   * The caller knows every row falls in one partition (bronze: one ingestion time per batch), so
   * the COPY skips DuckDB's partitioned writer, which costs about a third more.
   */
  onePartition?: boolean;
}

const DEFAULT_TARGET_FILE_BYTES = 512 * 1024 * 1024;

export async function writeDataFiles(engine: Engine, options: WriteDataFilesOptions): Promise<DataFile[]> {
  const { schema, spec, store } = options;
  registerTransformFunctions(engine);
  const dataKey = joinKey(store.keyOf(options.tableLocation), 'data');
  const dataPath = await store.engineFolder(dataKey);
  const allParts = partitionColumns(spec, schema);
  const writeId = randomBytes(4).toString('hex');
  const parts = allParts.filter((p) => p.sql !== undefined);
  const encryption = await encryptionArg(options.tableProperties, options.tableLocation);

  const casts = schema.fields.map((f) => {
    const cast = `CAST(__src.${quoteIdent(f.name)} AS ${icebergToDuckdb(f.type)})`;
    const value = f.required
      ? `CASE WHEN __src.${quoteIdent(f.name)} IS NULL THEN error(${quoteLiteral(`write: column ${f.name} is required but a row has NULL`)}) ELSE ${cast} END`
      : cast;
    return `${value} AS ${quoteIdent(f.name)}`;
  });
  const columns = [
    ...schema.fields.map((f) => `__rows.${quoteIdent(f.name)}`),
    ...parts.map((p) => `${p.sql} AS ${quoteIdent(p.alias)}`),
  ];
  const copyOptions = [
    'FORMAT parquet',
    ...compressionOptions(options.tableProperties, options.tableLocation),
    `FIELD_IDS ${fieldIdsOption(schema)}`,
    `KV_METADATA {'iceberg.schema': ${quoteLiteral(schemaJson(schema))}}`,
    'RETURN_STATS',
    // The write id finds this COPY's files again to remove them when it fails halfway.
    `FILENAME_PATTERN 'data_{uuidv7}-${writeId}'`,
    // The data folder already holds other commits' files; uuidv7 names never collide.
    'APPEND',
  ];
  // Parquet modular encryption: footer and every column with the table's key (AES-GCM).
  if (encryption) copyOptions.push(`ENCRYPTION_CONFIG ${encryption.slice(encryption.indexOf('{'))}`);
  if (options.rowGroupSize) copyOptions.push(`ROW_GROUP_SIZE ${Math.floor(options.rowGroupSize)}`);
  const source = `(SELECT ${casts.join(', ')} FROM (${options.selectSql}) AS __src) AS __rows`;
  let target = dataPath;
  let onePartition: { key: string; value: string | null }[] | null = null;
  if (parts.length > 0 && options.onePartition) {
    const first = await engine.allJson<Record<string, string | null>>(
      `SELECT ${parts.map((p) => `CAST(${p.sql} AS VARCHAR) AS ${quoteIdent(p.alias)}`).join(', ')} FROM (SELECT * FROM ${source} LIMIT 1) AS __rows`,
    );
    if (first.length === 0) return [];
    onePartition = parts.map((p) => ({ key: p.alias, value: first[0]?.[p.alias] ?? null }));
    // Hive-style folders, as the partitioned writer makes, when the values need no escaping.
    if (onePartition.every((kv) => kv.value !== null && /^[\w.:-]+$/.test(kv.value) && /^\w+$/.test(kv.key))) {
      target = await store.engineFolder(joinKey(dataKey, ...onePartition.map((kv) => `${kv.key}=${kv.value}`)));
    }
  }
  if (parts.length > 0 && !onePartition) {
    copyOptions.push(`PARTITION_BY (${parts.map((p) => quoteIdent(p.alias)).join(', ')})`, 'WRITE_PARTITION_COLUMNS false');
  } else {
    copyOptions.push(`FILE_SIZE_BYTES ${Math.max(1, Math.floor(options.targetFileBytes ?? DEFAULT_TARGET_FILE_BYTES))}`);
  }
  const sql = `COPY (SELECT ${(onePartition ? schema.fields.map((f) => `__rows.${quoteIdent(f.name)}`) : columns).join(', ')} FROM ${source}) ` +
    `TO ${quoteLiteral(target)} (${copyOptions.join(', ')})`;
  if (parts.length > 0 && !onePartition) await engine.ensure('partitioned_write_max_open_files', MAX_OPEN_PARTITION_FILES);
  let rows: CopyStatsRow[];
  try {
    rows = await engine.allJson<CopyStatsRow>(sql);
  } catch (e) {
    await removeWritten(store, dataKey, writeId).catch(() => undefined); // the COPY's error is the one to report
    const error = translateError(e, 'write');
    // Keep DuckDB's whole message (say the CSV reader's options, naming the file) for callers.
    if (error !== e && error.cause === undefined) error.cause = e;
    throw error;
  }

  const written = rows.map((row) => {
    const filename = String(row.filename);
    const rel = filename.startsWith(dataPath) ? filename.slice(dataPath.length) : filename;
    return { row, key: joinKey(dataKey, rel) };
  });
  // An unpartitioned COPY of nothing still writes an empty file; no data file means no file.
  const empty = new Set(written.filter((w) => Number(w.row.count) === 0).map((w) => w.key));
  const kept = written.filter((w) => !empty.has(w.key));
  try {
    if (empty.size > 0) await store.engineDiscard(dataKey, (key) => empty.has(key));
    await store.engineWritten(kept.map((w) => w.key));
  } catch (e) {
    await removeWritten(store, dataKey, writeId).catch(() => undefined);
    throw e;
  }
  const files: DataFile[] = [];
  for (const { row, key } of kept) {
    if (onePartition) row.partition_keys = onePartition;
    files.push({ ...dataFileFromStats(row, { uri: store.uri(key), schema, spec, partitions: allParts }), sha256: await store.sha256(key) });
  }
  return files;
}

/**
 * Removes data files written but not committed (say a load that found too many bad lines). Runs
 * on a failing write, so it never fails itself: the write's error is the one to report, and a
 * file left behind is what `silt vacuum` removes.
 */
export async function removeDataFiles(store: ObjectStore, files: readonly DataFile[]): Promise<void> {
  for (const f of files) await store.delete(store.keyOf(f.filePath)).catch(() => undefined);
}

/** Removes this write's files, wherever they are: written by DuckDB, or already objects. */
async function removeWritten(store: ObjectStore, dataKey: string, writeId: string): Promise<void> {
  const suffix = `-${writeId}.parquet`;
  const mine = (key: string) => {
    const name = key.slice(key.lastIndexOf('/') + 1);
    return name.startsWith('data_') && name.endsWith(suffix);
  };
  await store.engineDiscard(dataKey, mine);
  for (const o of await store.list(`${dataKey}/`)) if (mine(o.key)) await store.delete(o.key);
}

/** The schema as Iceberg JSON, stored under `iceberg.schema` like Java writers do. */
function schemaJson(schema: Schema): string {
  return JSON.stringify(schema);
}
