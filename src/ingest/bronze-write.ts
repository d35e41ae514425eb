import type { Catalog } from '../catalog/index.js';
import { icebergToDuckdb, quoteIdent, quoteLiteral, writeDataFiles, type Engine } from '../engine/index.js';
import {
  buildSchema,
  currentSchema,
  evolveSchema,
  parsePartitionSpec,
  type DataFile,
  type NestedField,
  type Schema,
  type SchemaChange,
  type Table,
} from '../table/index.js';
import type { BronzeFileRead } from './bronze-read.js';
import { BATCH_ID, BRONZE_PARTITIONING, INGESTED_AT, SOURCE_FILE, SOURCE_LINE, type BronzeSchema } from './bronze-schema.js';

/** The bronze table, created (partitioned by day of `_ingested_at`) with the batch's columns if missing. */
export async function openBronzeTable(catalog: Catalog, namespace: string, name: string, schema: BronzeSchema): Promise<Table> {
  if (await catalog.tableExists(namespace, name)) return catalog.loadTable(namespace, name);
  const built = buildSchema(schema.fieldsForCreate());
  const partitionFields = parsePartitionSpec(BRONZE_PARTITIONING, built.schema);
  return catalog.createTable(namespace, name, { schema: built.schema, lastColumnId: built.lastColumnId, partitionFields }, { ifNotExists: true });
}

export interface BronzeRows {
  read: BronzeFileRead;
  /** Bronze names of columns written as NULL (no value in the file, and a type that does not fit). */
  nullColumns: ReadonlySet<string>;
  /** SQL over the read's relation, true for rows left out (they went to rejects); none when absent. */
  exclude?: string;
}

/**
 * Writes the batch's rows as data files (not committed) with the schema after `schema.changes()`.
 * The caller appends them with those changes in one commit.
 */
export async function writeBronzeFiles(
  catalog: Catalog,
  engine: Engine,
  table: Table,
  schema: BronzeSchema,
  rows: readonly BronzeRows[],
  meta: { ingestedAtIso: string; batchId: string },
): Promise<{ files: DataFile[]; changes: SchemaChange[]; written: Schema }> {
  const base = await table.refresh();
  const changes = schema.changes();
  const target = evolveSchema(base, changes);
  const written = currentSchema(target);
  const fields = written.fields;
  const branches = rows.filter((r) => r.read.relation && r.read.rows > 0).map((r) => fileSelect(r, fields, meta));
  if (branches.length === 0) return { files: [], changes, written };
  const spec = target['partition-specs'].find((s) => s['spec-id'] === target['default-spec-id'])!;
  const ingestedAt = fields.find((f) => f.name === INGESTED_AT)?.id;
  const files = await writeDataFiles(engine, {
    selectSql: branches.join('\nUNION ALL\n'),
    schema: currentSchema(target),
    spec,
    store: catalog.store,
    tableLocation: target.location,
    tableProperties: target.properties,
    // Bronze is partitioned by _ingested_at alone, which is one instant for the whole batch.
    onePartition: spec.fields.every((f) => f['source-id'] === ingestedAt),
  });
  return { files, changes, written };
}

/** One file's rows in the table's column order, each cast to the column's type. */
function fileSelect(r: BronzeRows, fields: readonly NestedField[], meta: { ingestedAtIso: string; batchId: string }): string {
  const { read } = r;
  const sourceTypes = new Map(read.fields.map((f) => [f.name.toLowerCase(), f.type]));
  const select = fields.map((f) => {
    let value: string;
    if (f.name === INGESTED_AT) value = `TIMESTAMPTZ ${quoteLiteral(meta.ingestedAtIso)}`;
    else if (f.name === SOURCE_FILE) value = quoteLiteral(read.file.key);
    else if (f.name === SOURCE_LINE) value = quoteIdent(SOURCE_LINE);
    else if (f.name === BATCH_ID) value = quoteLiteral(meta.batchId);
    else {
      const column = read.columns.find((c) => c.name.toLowerCase() === f.name.toLowerCase());
      const sourceType = sourceTypes.get(f.name.toLowerCase());
      if (!column || r.nullColumns.has(column.name)) value = 'NULL';
      // Nested values kept in a text column are JSON, not DuckDB's struct notation.
      else if (f.type === 'string' && typeof sourceType === 'object') value = `to_json(${quoteIdent(column.source)})::VARCHAR`;
      else value = column.sql ?? quoteIdent(column.source);
    }
    return `CAST(${value} AS ${icebergToDuckdb(f.type)}) AS ${quoteIdent(f.name)}`;
  });
  return `SELECT ${select.join(', ')} FROM ${quoteIdent(read.relation ?? '')}${r.exclude ? ` WHERE NOT (${r.exclude})` : ''}`;
}
