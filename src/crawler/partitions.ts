import type { ExternalColumn } from '../catalog/index.js';

const HIVE = /^([^=]+)=([^=]*)$/;
/** Folders such as `2024/`, `01/` or `2024-01-05/`: a date layout inside a dataset, not a dataset of their own. */
const LAYOUT = /^\d+(?:[-_.]\d+)*$/;
/** Hive's spelling of a NULL partition value. */
const NULL_VALUE = '__HIVE_DEFAULT_PARTITION__';

export type PartitionValues = readonly (readonly [key: string, value: string])[];

/** `year=2024` → ['year', '2024']. */
export function hiveSegment(segment: string): [string, string] | undefined {
  const m = HIVE.exec(segment);
  return m ? [m[1]!, m[2]!] : undefined;
}

/** True for a folder that belongs to the dataset above it: `k=v` partitions and date layouts. */
export function isPartitionFolder(segment: string): boolean {
  return HIVE.test(segment) || LAYOUT.test(segment);
}

/** `year=2024/month=1`, '' outside partition folders. */
export function partitionText(values: PartitionValues): string {
  return values.map(([k, v]) => `${k}=${v}`).join('/');
}

/** Partition columns in the order their keys nest, each typed BIGINT, DATE or VARCHAR by its values. */
export function partitionColumns(files: readonly { partition: PartitionValues }[]): ExternalColumn[] {
  const values = new Map<string, Set<string>>();
  for (const f of files) {
    for (const [k, v] of f.partition) {
      const set = values.get(k) ?? new Set<string>();
      if (v !== NULL_VALUE && v !== '') set.add(v);
      values.set(k, set);
    }
  }
  return [...values].map(([name, set]) => ({ name, type: typeOf([...set]), partition: true }));
}

function typeOf(values: readonly string[]): string {
  if (values.length === 0) return 'VARCHAR';
  if (values.every((v) => /^-?\d{1,18}$/.test(v))) return 'BIGINT';
  if (values.every(isDate)) return 'DATE';
  return 'VARCHAR';
}

function isDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(v);
}
