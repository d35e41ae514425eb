/**
 * SQL reading data files with the delete files that apply to them (merge-on-read). The plan has
 * already said which delete file applies to which data file (table/deletes.ts); the SQL keeps
 * exactly that, with each delete file and each data file tagged by sequence number and partition:
 * a position delete row removes (file, row number) of the data file it names, in its partition,
 * of a sequence number at or below its own; an equality delete removes matching rows of data
 * files of a lower sequence number in its partition (any partition, when global).
 */
import { InvalidInput } from '../../errors.js';
import { partitionKey, type DataFile, type NestedField, type Schema, type ScopedDelete } from '../../table/index.js';
import type { ObjectStore } from '../../storage/index.js';
import { quoteIdent, quoteList, quoteLiteral } from './sql-text.js';
import { icebergToDuckdb } from './types-map.js';

/** Private column names of the SQL below. */
const PATH = '__silt_path';
const DELETE_PATH = '__silt_delete_path';
const ROW = 'file_row_number';
const D = '__silt_d';

export interface DeletesRead {
  schema: Schema;
  /** Data files that have deletes (`file.deletes` set), with where the engine reads each. */
  files: readonly DataFile[];
  paths: readonly string[];
  /** read_parquet's column arguments for the data files (by name or by field id). */
  columnArgs: string;
  fileColumn?: string;
  positionColumn?: string;
  table: string;
  /** read_parquet's arguments for the table's data key (', encryption_config = …'), or ''. */
  encryption: string;
}

export async function readWithDeletes(r: DeletesRead, store: ObjectStore): Promise<string> {
  const deletes = uniqueDeletes(r.files);
  const where = new Map((await store.engineFiles(deletes.map((d) => store.keyOf(d.file.filePath)))).map((p, i) => [deletes[i]!.file.filePath, p]));
  const at = (d: ScopedDelete): string => where.get(d.file.filePath)!;
  const joins: string[] = [];

  // Tags (sequence number, partition) on both sides rather than (delete, data) pairs: a delete file
  // without path bounds applies to every file of its partition, and pairs would multiply.
  const position = deletes.filter((d) => d.file.content === 1);
  const positions = position.length > 0 || r.positionColumn !== undefined;
  if (position.length > 0) {
    const deleteTags = position.map((d) => `(${quoteLiteral(at(d))}, CAST(${d.dataSequenceNumber} AS BIGINT), ${quoteLiteral(partitionKey(d.file))})`);
    const dataTags = r.files.flatMap((f, i) => f.deletes!.files.some((d) => d.file.content === 1)
      ? [`(${quoteLiteral(f.filePath)}, ${quoteLiteral(r.paths[i]!)}, CAST(${f.deletes!.dataSequenceNumber} AS BIGINT), ${quoteLiteral(partitionKey(f))})`]
      : []);
    const applied =
      `SELECT t.data_path AS path, x.pos AS pos FROM read_parquet(${quoteList([...new Set(position.map(at))])}, hive_partitioning = false, union_by_name = true, ` +
      `filename = ${quoteLiteral(DELETE_PATH)}${r.encryption}) AS x ` +
      `JOIN (VALUES ${deleteTags.join(', ')}) AS dt(delete_path, seq, scope) ON x.${quoteIdent(DELETE_PATH)} = dt.delete_path ` +
      `JOIN (VALUES ${dataTags.join(', ')}) AS t(data_uri, data_path, seq, scope) ON x.file_path = t.data_uri AND dt.scope = t.scope AND t.seq <= dt.seq`;
    joins.push(`ANTI JOIN (${applied}) AS __silt_pos ON ${D}.${quoteIdent(PATH)} = __silt_pos.path AND ${D}.${ROW} = __silt_pos.pos`);
  }

  const equality = deletes.filter((d) => d.file.content === 2);
  if (equality.length > 0) {
    const tags = r.files.map((f, i) => `(${quoteLiteral(r.paths[i]!)}, CAST(${f.deletes!.dataSequenceNumber} AS BIGINT), ${quoteLiteral(partitionKey(f))})`);
    joins.unshift(`JOIN (VALUES ${tags.join(', ')}) AS __silt_tag(path, seq, scope) ON ${D}.${quoteIdent(PATH)} = __silt_tag.path`);
    const groups = new Map<string, ScopedDelete[]>();
    for (const d of equality) {
      const key = `${d.global}/${(d.file.equalityIds ?? []).join(',')}`;
      groups.set(key, [...(groups.get(key) ?? []), d]);
    }
    let n = 0;
    for (const group of groups.values()) {
      const alias = `__silt_eq${n++}`;
      const columns = equalityColumns(r, group[0]!.file);
      const mapping = columns.map((c) => `${c.id}: {name: ${quoteLiteral(c.name)}, type: ${quoteLiteral(icebergToDuckdb(c.type))}, default_value: NULL}`);
      const fileTags = group.map((d) => `(${quoteLiteral(at(d))}, CAST(${d.dataSequenceNumber} AS BIGINT), ${quoteLiteral(partitionKey(d.file))})`);
      const rows =
        `SELECT ${columns.map((c) => `e.${quoteIdent(c.name)}`).join(', ')}, t.seq AS __silt_seq, t.scope AS __silt_scope FROM read_parquet(${quoteList([...new Set(group.map(at))])}, ` +
        `schema = MAP {${mapping.join(', ')}}, filename = ${quoteLiteral(DELETE_PATH)}${r.encryption}) AS e ` +
        `JOIN (VALUES ${fileTags.join(', ')}) AS t(delete_path, seq, scope) ON e.${quoteIdent(DELETE_PATH)} = t.delete_path`;
      const on = [
        ...columns.map((c) => `${alias}.${quoteIdent(c.name)} IS NOT DISTINCT FROM ${D}.${quoteIdent(c.name)}`),
        `${alias}.__silt_seq > __silt_tag.seq`,
        ...(group[0]!.global ? [] : [`${alias}.__silt_scope = __silt_tag.scope`]),
      ];
      joins.push(`ANTI JOIN (${rows}) AS ${alias} ON ${on.join(' AND ')}`);
    }
  }

  const out = r.schema.fields.map((f) => `${D}.${quoteIdent(f.name)}`);
  if (r.fileColumn) out.push(`${D}.${quoteIdent(PATH)} AS ${quoteIdent(r.fileColumn)}`);
  if (r.positionColumn) out.push(`${D}.${ROW} AS ${quoteIdent(r.positionColumn)}`);
  if (positions) refuseRowNumberColumn(r.schema, r.table);
  const read = `read_parquet(${quoteList(r.paths)}, ${r.columnArgs}, filename = ${quoteLiteral(PATH)}${positions ? ', file_row_number = true' : ''}${r.encryption}) AS ${D}`;
  return `SELECT ${out.join(', ')} FROM ${read} ${joins.join(' ')}`;
}

/** Every delete file applying to some of `files`, once. */
function uniqueDeletes(files: readonly DataFile[]): ScopedDelete[] {
  const seen = new Map<string, ScopedDelete>();
  for (const f of files) for (const d of f.deletes?.files ?? []) if (!seen.has(d.file.filePath)) seen.set(d.file.filePath, d);
  return [...seen.values()];
}

/** The columns an equality delete file compares, as the schema being read names them. */
function equalityColumns(r: DeletesRead, file: DataFile): NestedField[] {
  const ids = file.equalityIds ?? [];
  if (ids.length === 0) throw new InvalidInput(`table ${r.table}: equality delete file ${file.filePath} names no equality_ids; it cannot be applied`);
  return ids.map((id) => {
    const f = r.schema.fields.find((c) => c.id === id);
    if (!f || typeof f.type !== 'string') {
      throw new InvalidInput(
        `table ${r.table}: equality delete file ${file.filePath} compares field id ${id}, which is not a top-level primitive column of the schema read; ` +
          'Silt cannot apply it: read a snapshot whose schema has that column, or rewrite the table with another engine',
      );
    }
    return f;
  });
}

/**
 * DuckDB gives row positions as a column named `file_row_number`, and cannot when a file has a
 * column of that name; say so rather than let the read fail as if the file were damaged.
 */
export function refuseRowNumberColumn(schema: Schema, table: string): void {
  if (schema.fields.some((f) => f.name.toLowerCase() === ROW)) {
    throw new InvalidInput(
      `table ${table}: its column ${ROW} has the name DuckDB gives row positions, so Silt cannot apply or write position deletes for it; ` +
        "keep the table copy-on-write (unset 'write.delete.mode' and 'write.update.mode'), or rewrite the table with the column renamed",
    );
  }
}
