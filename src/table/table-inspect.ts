/**
 * What a table is, in plain data for faces to show: its overview, the history of its schema,
 * its snapshots, and its partitions with their files, rows and bytes.
 */
import { humanValue, partitionTypes } from './partition-spec.js';
import { currentSchema } from './schema.js';
import { currentSnapshot } from './table-metadata.js';
import type { IcebergType, ManifestEntry, NestedField, Schema, TableMetadata } from './types.js';

export interface ColumnInfo {
  id: number;
  name: string;
  type: string;
  required: boolean;
  doc?: string;
}

export interface PartitionFieldInfo {
  name: string;
  transform: string;
  source: string;
}

export interface TableOverview {
  location: string;
  formatVersion: number;
  schemaId: number;
  columns: ColumnInfo[];
  currentSnapshotId: string | null;
  properties: Record<string, string>;
  partitionSpec: PartitionFieldInfo[];
  /** Of the current snapshot (0 for a table with none). */
  rows: number;
  files: number;
  bytes: number;
  lastUpdatedMs: number;
}

export interface SchemaVersion {
  schemaId: number;
  current: boolean;
  columns: ColumnInfo[];
  /** Compared with the schema before it (by column id); the first schema adds every column. */
  added: string[];
  dropped: string[];
  changed: { id: number; from: ColumnInfo; to: ColumnInfo }[];
}

export interface SnapshotInfo {
  snapshotId: string;
  parentId: string | null;
  timestampMs: number;
  operation: string;
  summary: Record<string, string>;
  current: boolean;
}

export interface PartitionInfo {
  /** Partition field → value as a person reads it (`2024-03-01`, `null`); empty for an unpartitioned table. */
  values: Record<string, string>;
  specId: number;
  files: number;
  rows: number;
  bytes: number;
}

/** An Iceberg type as text: `long`, `list<string>`, `struct<a: int>`. */
export function typeText(t: IcebergType): string {
  if (typeof t === 'string') return t;
  if (t.type === 'list') return `list<${typeText(t.element)}>`;
  if (t.type === 'map') return `map<${typeText(t.key)}, ${typeText(t.value)}>`;
  return `struct<${t.fields.map((f) => `${f.name}: ${typeText(f.type)}`).join(', ')}>`;
}

function column(f: NestedField): ColumnInfo {
  return { id: f.id, name: f.name, type: typeText(f.type), required: f.required, ...(f.doc ? { doc: f.doc } : {}) };
}

export function tableOverview(m: TableMetadata): TableOverview {
  const schema = currentSchema(m);
  const snapshot = currentSnapshot(m);
  const spec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id']);
  const byId = new Map(schema.fields.map((f) => [f.id, f.name]));
  const total = (key: string) => Number(snapshot?.summary[key] ?? 0) || 0;
  return {
    location: m.location,
    formatVersion: m['format-version'],
    schemaId: schema['schema-id'],
    columns: schema.fields.map(column),
    currentSnapshotId: snapshot ? snapshot['snapshot-id'].toString() : null,
    properties: { ...m.properties },
    partitionSpec: (spec?.fields ?? []).map((f) => ({ name: f.name, transform: f.transform, source: byId.get(f['source-id']) ?? String(f['source-id']) })),
    rows: total('total-records'),
    files: total('total-data-files'),
    bytes: total('total-files-size'),
    lastUpdatedMs: m['last-updated-ms'],
  };
}

export function schemaHistory(m: TableMetadata): SchemaVersion[] {
  const current = currentSchema(m)['schema-id'];
  const schemas = [...m.schemas].sort((a, b) => a['schema-id'] - b['schema-id']);
  let before: Schema | undefined;
  return schemas.map((s) => {
    const prev = new Map((before?.fields ?? []).map((f) => [f.id, column(f)]));
    const now = new Map(s.fields.map((f) => [f.id, column(f)]));
    before = s;
    return {
      schemaId: s['schema-id'],
      current: s['schema-id'] === current,
      columns: [...now.values()],
      added: [...now.values()].filter((c) => !prev.has(c.id)).map((c) => c.name),
      dropped: [...prev.values()].filter((c) => !now.has(c.id)).map((c) => c.name),
      changed: [...now.values()]
        .filter((c) => prev.has(c.id) && JSON.stringify(prev.get(c.id)) !== JSON.stringify(c))
        .map((c) => ({ id: c.id, from: prev.get(c.id)!, to: c })),
    };
  });
}

/** Oldest first. */
export function snapshotList(m: TableMetadata): SnapshotInfo[] {
  const current = m['current-snapshot-id'];
  return [...m.snapshots]
    .sort((a, b) => a['timestamp-ms'] - b['timestamp-ms'] || a['sequence-number'] - b['sequence-number'])
    .map((s) => {
      const { operation, ...rest } = s.summary;
      return {
        snapshotId: s['snapshot-id'].toString(),
        parentId: s['parent-snapshot-id']?.toString() ?? null,
        timestampMs: s['timestamp-ms'],
        operation,
        summary: Object.fromEntries(Object.entries(rest).filter((e): e is [string, string] => typeof e[1] === 'string')),
        current: s['snapshot-id'] === current,
      };
    });
}

/** The live data files of a snapshot grouped by partition, in the order of their values. */
export function partitionSummary(m: TableMetadata, entries: readonly ManifestEntry[]): PartitionInfo[] {
  const schema = currentSchema(m);
  const groups = new Map<string, PartitionInfo>();
  for (const { dataFile: f } of entries) {
    const spec = m['partition-specs'].find((s) => s['spec-id'] === f.specId);
    const fields = spec?.fields ?? [];
    let types: ReturnType<typeof partitionTypes> | undefined;
    try {
      types = spec ? partitionTypes(spec, schema) : undefined;
    } catch {
      types = undefined; // a source column since dropped: values shown as stored
    }
    const values = Object.fromEntries(
      fields.map((pf, i) => {
        const v = f.partition[i] ?? null;
        return [pf.name, types ? humanValue(pf.transform, types[i]!, v) : v === null ? 'null' : String(v)];
      }),
    );
    const key = `${f.specId}\u0000${JSON.stringify(values)}`;
    const g = groups.get(key) ?? { values, specId: f.specId, files: 0, rows: 0, bytes: 0 };
    g.files += 1;
    g.rows += f.recordCount;
    g.bytes += f.fileSizeInBytes;
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => (JSON.stringify(a.values) < JSON.stringify(b.values) ? -1 : 1));
}
