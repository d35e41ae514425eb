import { z } from '@hono/zod-openapi';

/** Iceberg's JSON objects as the REST catalog carries them; nested types are checked by table/ when applied. */
const FieldType = z.union([z.string(), z.record(z.string(), z.unknown())]);
export const IcebergSchema = z
  .object({
    type: z.literal('struct'),
    'schema-id': z.number().int().optional(),
    'identifier-field-ids': z.array(z.number().int()).optional(),
    fields: z.array(z.object({ id: z.number().int(), name: z.string(), required: z.boolean(), type: FieldType, doc: z.string().optional() }).passthrough()),
  })
  .passthrough()
  .openapi('IcebergSchema');
export const IcebergPartitionSpec = z
  .object({
    'spec-id': z.number().int().optional(),
    fields: z.array(z.object({ 'source-id': z.number().int(), 'field-id': z.number().int().optional(), name: z.string(), transform: z.string() })),
  })
  .openapi('IcebergPartitionSpec');
export const IcebergSortOrder = z
  .object({
    'order-id': z.number().int(),
    fields: z.array(z.object({ 'source-id': z.number().int(), transform: z.string(), direction: z.enum(['asc', 'desc']), 'null-order': z.enum(['nulls-first', 'nulls-last']) })),
  })
  .openapi('IcebergSortOrder');

export const TableMetadataSchema = z.record(z.string(), z.unknown()).openapi('IcebergTableMetadata', { description: 'The table metadata as the Iceberg spec defines it' });
export const LoadTableResult = z
  .object({ 'metadata-location': z.string().optional(), metadata: TableMetadataSchema, config: z.record(z.string(), z.string()).optional() })
  .openapi('IcebergLoadTableResult');
export const TableIdentifier = z.object({ namespace: z.array(z.string()), name: z.string() }).openapi('IcebergTableIdentifier');

const int = z.number().int();
// int64 ids exceed 2^53: zod sees JSON.parse's approximation; the handler reads them exactly (wire.ts exactBody).
const id = z.number().openapi({ description: 'int64' });
export const TableRequirementSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('assert-create') }),
    z.object({ type: z.literal('assert-table-uuid'), uuid: z.string() }),
    z.object({ type: z.literal('assert-ref-snapshot-id'), ref: z.string(), 'snapshot-id': id.nullable().optional() }),
    z.object({ type: z.literal('assert-last-assigned-field-id'), 'last-assigned-field-id': int }),
    z.object({ type: z.literal('assert-current-schema-id'), 'current-schema-id': int }),
    z.object({ type: z.literal('assert-last-assigned-partition-id'), 'last-assigned-partition-id': int }),
    z.object({ type: z.literal('assert-default-spec-id'), 'default-spec-id': int }),
    z.object({ type: z.literal('assert-default-sort-order-id'), 'default-sort-order-id': int }),
  ])
  .openapi('IcebergTableRequirement');

const Snapshot = z
  .object({
    'snapshot-id': id,
    'parent-snapshot-id': id.optional(),
    'sequence-number': int.optional(),
    'timestamp-ms': int,
    'manifest-list': z.string(),
    summary: z.object({ operation: z.enum(['append', 'replace', 'overwrite', 'delete']) }).catchall(z.string()),
    'schema-id': int.optional(),
  })
  .passthrough();
const Statistics = z.object({ 'snapshot-id': id, 'statistics-path': z.string(), 'file-size-in-bytes': int, 'file-footer-size-in-bytes': int, 'blob-metadata': z.array(z.record(z.string(), z.unknown())) }).passthrough();
const PartitionStatistics = z.object({ 'snapshot-id': id, 'statistics-path': z.string(), 'file-size-in-bytes': int });
export const TableUpdateSchema = z
  .discriminatedUnion('action', [
    z.object({ action: z.literal('assign-uuid'), uuid: z.string() }),
    z.object({ action: z.literal('upgrade-format-version'), 'format-version': int }),
    z.object({ action: z.literal('add-schema'), schema: IcebergSchema, 'last-column-id': int.optional() }),
    z.object({ action: z.literal('set-current-schema'), 'schema-id': int }),
    z.object({ action: z.literal('add-spec'), spec: IcebergPartitionSpec }),
    z.object({ action: z.literal('set-default-spec'), 'spec-id': int }),
    z.object({ action: z.literal('add-sort-order'), 'sort-order': IcebergSortOrder }),
    z.object({ action: z.literal('set-default-sort-order'), 'sort-order-id': int }),
    z.object({ action: z.literal('add-snapshot'), snapshot: Snapshot }),
    z.object({
      action: z.literal('set-snapshot-ref'),
      'ref-name': z.string(),
      type: z.enum(['branch', 'tag']),
      'snapshot-id': id,
      'max-ref-age-ms': int.optional(),
      'max-snapshot-age-ms': int.optional(),
      'min-snapshots-to-keep': int.optional(),
    }),
    z.object({ action: z.literal('remove-snapshots'), 'snapshot-ids': z.array(id) }),
    z.object({ action: z.literal('remove-snapshot-ref'), 'ref-name': z.string() }),
    z.object({ action: z.literal('set-location'), location: z.string() }),
    z.object({ action: z.literal('set-properties'), updates: z.record(z.string(), z.string()) }),
    z.object({ action: z.literal('remove-properties'), removals: z.array(z.string()) }),
    z.object({ action: z.literal('set-statistics'), 'snapshot-id': id.optional(), statistics: Statistics }),
    z.object({ action: z.literal('remove-statistics'), 'snapshot-id': id }),
    z.object({ action: z.literal('set-partition-statistics'), 'partition-statistics': PartitionStatistics }),
    z.object({ action: z.literal('remove-partition-statistics'), 'snapshot-id': id }),
    z.object({ action: z.literal('remove-partition-specs'), 'spec-ids': z.array(int) }),
    z.object({ action: z.literal('remove-schemas'), 'schema-ids': z.array(int) }),
  ])
  .openapi('IcebergTableUpdate');

export const CommitTableRequest = z
  .object({ identifier: TableIdentifier.optional(), requirements: z.array(TableRequirementSchema), updates: z.array(TableUpdateSchema) })
  .openapi('IcebergCommitTableRequest');
