import { decimalRequiredBytes, parsePrimitive } from './primitive.js';
import type { PartitionField, PrimitiveType } from './types.js';

/**
 * Avro schemas of manifest lists and manifests, written exactly as Java and PyIceberg do:
 * `field-id` on every field, `element-id` on arrays, int-keyed maps as arrays of key/value
 * records with `logicalType: map`, `r<id>` / `k<id>_v<id>` record names (spec Appendix A).
 */

const opt = (name: string, id: number, type: unknown): Record<string, unknown> =>
  ({ name, type: ['null', type], default: null, 'field-id': id });

export const MANIFEST_LIST_SCHEMA = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'content', type: 'int', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
    opt('partitions', 507, {
      type: 'array',
      'element-id': 508,
      items: {
        type: 'record',
        name: 'r508',
        fields: [
          { name: 'contains_null', type: 'boolean', 'field-id': 509 },
          opt('contains_nan', 518, 'boolean'),
          opt('lower_bound', 510, 'bytes'),
          opt('upper_bound', 511, 'bytes'),
        ],
      },
    }),
    opt('key_metadata', 519, 'bytes'),
  ],
} as const;

const intMap = (name: string, id: number, keyId: number, valueId: number, value: string): Record<string, unknown> =>
  opt(name, id, {
    type: 'array',
    logicalType: 'map',
    items: {
      type: 'record',
      name: `k${keyId}_v${valueId}`,
      fields: [
        { name: 'key', type: 'int', 'field-id': keyId },
        { name: 'value', type: value, 'field-id': valueId },
      ],
    },
  });

/** The Avro type of a partition value of this (result) type; named types are defined once. */
export function partitionAvroType(type: PrimitiveType, defined: Set<string>): unknown {
  const p = parsePrimitive(type);
  const named = (name: string, schema: Record<string, unknown>): unknown => {
    if (defined.has(name)) return name;
    defined.add(name);
    return { ...schema, name };
  };
  switch (p.kind) {
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'time':
      return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': false };
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true };
    case 'uuid':
      return named('uuid_fixed', { type: 'fixed', size: 16, logicalType: 'uuid' });
    case 'fixed':
      return named(`fixed_${p.length}`, { type: 'fixed', size: p.length });
    case 'binary':
      return 'bytes';
    case 'decimal':
      return named(`decimal_${p.precision}_${p.scale}`, {
        type: 'fixed', size: decimalRequiredBytes(p.precision), logicalType: 'decimal',
        precision: p.precision, scale: p.scale,
      });
    default:
      return p.kind;
  }
}

export function manifestEntrySchema(fields: readonly PartitionField[], types: readonly PrimitiveType[]): Record<string, unknown> {
  const defined = new Set<string>();
  const partition = {
    type: 'record',
    name: 'r102',
    fields: fields.map((f, i) => opt(f.name, f['field-id'], partitionAvroType(types[i]!, defined))),
  };
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      opt('snapshot_id', 1, 'long'),
      opt('sequence_number', 3, 'long'),
      opt('file_sequence_number', 4, 'long'),
      {
        name: 'data_file',
        'field-id': 2,
        type: {
          type: 'record',
          name: 'r2',
          fields: [
            { name: 'content', type: 'int', 'field-id': 134 },
            { name: 'file_path', type: 'string', 'field-id': 100 },
            { name: 'file_format', type: 'string', 'field-id': 101 },
            { name: 'partition', type: partition, 'field-id': 102 },
            { name: 'record_count', type: 'long', 'field-id': 103 },
            { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
            intMap('column_sizes', 108, 117, 118, 'long'),
            intMap('value_counts', 109, 119, 120, 'long'),
            intMap('null_value_counts', 110, 121, 122, 'long'),
            intMap('nan_value_counts', 137, 138, 139, 'long'),
            intMap('lower_bounds', 125, 126, 127, 'bytes'),
            intMap('upper_bounds', 128, 129, 130, 'bytes'),
            opt('key_metadata', 131, 'bytes'),
            opt('split_offsets', 132, { type: 'array', items: 'long', 'element-id': 133 }),
            opt('equality_ids', 135, { type: 'array', items: 'int', 'element-id': 136 }),
            opt('sort_order_id', 140, 'int'),
          ],
        },
      },
    ],
  };
}
