/**
 * Position delete files (merge-on-read): the rows `(file_path, pos)` of one data file, sorted by
 * position as the spec asks, one delete file per data file (as Iceberg's `file` delete
 * granularity writes them). Its file_path bounds are the path itself, untruncated, so a scan
 * applies it to that data file only.
 */
import { POSITION_DELETE_FIELDS, type DataFile, type Schema, type TableMetadata } from '../../table/index.js';
import type { ObjectStore } from '../../storage/index.js';
import { type Engine, quoteLiteral } from '../core/index.js';
import { writeDataFiles } from './parquet-writer.js';

export const POSITION_DELETE_SCHEMA: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: POSITION_DELETE_FIELDS.filePath, name: 'file_path', required: true, type: 'string' },
    { id: POSITION_DELETE_FIELDS.pos, name: 'pos', required: true, type: 'long' },
  ],
};

/**
 * Writes the delete file of `target` from `positionsSql` (a query with one BIGINT column `pos`,
 * the rows' positions in the file). Undefined when it has no rows.
 */
export async function writePositionDeletes(
  engine: Engine,
  store: ObjectStore,
  m: TableMetadata,
  target: DataFile,
  positionsSql: string,
): Promise<DataFile | undefined> {
  const [written, ...more] = await writeDataFiles(engine, {
    selectSql: `SELECT ${quoteLiteral(target.filePath)} AS file_path, pos FROM (${positionsSql}) ORDER BY pos`,
    schema: POSITION_DELETE_SCHEMA,
    spec: { 'spec-id': 0, fields: [] },
    store,
    tableLocation: m.location,
    tableProperties: m.properties,
  });
  if (!written) return undefined;
  if (more.length > 0) throw new Error(`position deletes of ${target.filePath} came out as ${more.length + 1} files`);
  const path = new TextEncoder().encode(target.filePath);
  return {
    ...written,
    content: 1,
    specId: target.specId,
    partition: target.partition,
    lowerBounds: new Map([...(written.lowerBounds ?? []), [POSITION_DELETE_FIELDS.filePath, path]]),
    upperBounds: new Map([...(written.upperBounds ?? []), [POSITION_DELETE_FIELDS.filePath, path]]),
  };
}
