/** A DataFile record from one row of DuckDB's `COPY … (RETURN_STATS)` output. */
import type { DataFile, PartitionSpec, PartitionValue, Schema } from '../../table/index.js';
import { leafColumns } from './field-ids.js';
import type { PartitionColumn } from './partition-sql.js';
import { lowerBound, parseStatValue, upperBound } from '../core/index.js';

type JsonMap = { key: string; value: string | null }[];

/** RETURN_STATS as JSON: every number and bound is a string; maps are key/value arrays. */
export interface CopyStatsRow {
  [column: string]: unknown;
  filename: string;
  count: string;
  file_size_bytes: string;
  column_statistics: { key: string; value: JsonMap }[] | null;
  partition_keys: JsonMap | null;
}

export function dataFileFromStats(
  row: CopyStatsRow,
  ctx: { uri: string; schema: Schema; spec: PartitionSpec; partitions: PartitionColumn[] },
): DataFile {
  const columnSizes = new Map<number, number>();
  const valueCounts = new Map<number, number>();
  const nullValueCounts = new Map<number, number>();
  const lowerBounds = new Map<number, Uint8Array>();
  const upperBounds = new Map<number, Uint8Array>();
  const leaves = leafColumns(ctx.schema);
  // No nan_value_counts: DuckDB reports only has_nan, and reports it false for a file whose NaN sits in
  // an earlier row group (1.5.6), so even "0" cannot be trusted. Unknown is always safe.

  for (const { key, value } of row.column_statistics ?? []) {
    const leaf = leaves.get(key);
    if (!leaf) continue;
    const stats = new Map(value.map((kv) => [kv.key, kv.value]));
    const num = (name: string): number | undefined => {
      const v = stats.get(name);
      return v === undefined || v === null ? undefined : Number(v);
    };
    const id = leaf.fieldId;
    setIf(columnSizes, id, num('column_size_bytes'));
    setIf(valueCounts, id, num('num_values'));
    setIf(nullValueCounts, id, num('null_count'));
    const isFloat = leaf.type === 'float' || leaf.type === 'double';
    if (leaf.repeated) continue;
    const min = stats.get('min');
    const max = stats.get('max');
    if (min === undefined || min === null || max === undefined || max === null) continue;
    let lo = parseStatValue(leaf.type, min);
    let hi = parseStatValue(leaf.type, max);
    if (lo === undefined || hi === undefined) continue;
    // -0.0 sorts before +0.0 in Iceberg; DuckDB may report either for a file holding both.
    if (isFloat && lo === 0) lo = -0;
    if (isFloat && hi === 0) hi = 0;
    lowerBounds.set(id, lowerBound(leaf.type, lo));
    const upper = upperBound(leaf.type, hi);
    if (upper) upperBounds.set(id, upper);
  }

  const keys = new Map((row.partition_keys ?? []).map((kv) => [kv.key, kv.value]));
  const partition: PartitionValue[] = ctx.partitions.map((p) =>
    p.sql === undefined ? null : p.parse(keys.get(p.alias) ?? null),
  );

  return {
    content: 0,
    filePath: ctx.uri,
    fileFormat: 'PARQUET',
    specId: ctx.spec['spec-id'],
    partition,
    recordCount: Number(row.count),
    fileSizeInBytes: Number(row.file_size_bytes),
    columnSizes,
    valueCounts,
    nullValueCounts,
    lowerBounds,
    upperBounds,
  };
}

function setIf(map: Map<number, number>, id: number, v: number | undefined): void {
  if (v !== undefined && Number.isFinite(v)) map.set(id, v);
}
