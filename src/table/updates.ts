/**
 * A commit as data: requirements the base must meet and updates that turn it into the next
 * metadata, named and shaped as the Iceberg REST catalog's TableRequirement / TableUpdate (the
 * `type` / `action` discriminators and kebab-case fields), so client JSON passes straight in.
 * Snapshot ids are bigint, as everywhere in `table/`.
 */
import type { PartitionField, PartitionSpec, PartitionStatisticsFile, Schema, Snapshot, SnapshotRef, SortOrder, StatisticsFile, TableMetadata } from './types.js';

export type TableRequirement =
  | { readonly type: 'assert-create' }
  | { readonly type: 'assert-table-uuid'; readonly uuid: string }
  /** `snapshot-id` null: the ref must not exist. */
  | { readonly type: 'assert-ref-snapshot-id'; readonly ref: string; readonly 'snapshot-id': bigint | null }
  | { readonly type: 'assert-last-assigned-field-id'; readonly 'last-assigned-field-id': number }
  | { readonly type: 'assert-current-schema-id'; readonly 'current-schema-id': number }
  | { readonly type: 'assert-last-assigned-partition-id'; readonly 'last-assigned-partition-id': number }
  | { readonly type: 'assert-default-spec-id'; readonly 'default-spec-id': number }
  | { readonly type: 'assert-default-sort-order-id'; readonly 'default-sort-order-id': number };

/** Ids of -1 in set-current-schema / set-default-spec / set-default-sort-order mean "the one added by this commit". */
export const LAST_ADDED = -1;

export type TableUpdate =
  | { readonly action: 'assign-uuid'; readonly uuid: string }
  | { readonly action: 'upgrade-format-version'; readonly 'format-version': number }
  | { readonly action: 'add-schema'; readonly schema: Schema; readonly 'last-column-id'?: number }
  | { readonly action: 'set-current-schema'; readonly 'schema-id': number }
  | { readonly action: 'add-spec'; readonly spec: PartitionSpec }
  | { readonly action: 'set-default-spec'; readonly 'spec-id': number }
  | { readonly action: 'add-sort-order'; readonly 'sort-order': SortOrder }
  | { readonly action: 'set-default-sort-order'; readonly 'sort-order-id': number }
  | { readonly action: 'add-snapshot'; readonly snapshot: Snapshot }
  | ({ readonly action: 'set-snapshot-ref'; readonly 'ref-name': string } & SnapshotRef)
  | { readonly action: 'remove-snapshots'; readonly 'snapshot-ids': readonly bigint[] }
  | { readonly action: 'remove-snapshot-ref'; readonly 'ref-name': string }
  | { readonly action: 'set-location'; readonly location: string }
  | { readonly action: 'set-properties'; readonly updates: Readonly<Record<string, string>> }
  | { readonly action: 'remove-properties'; readonly removals: readonly string[] }
  /** The top-level `snapshot-id` is deprecated in the spec; when given it must match the file's. */
  | { readonly action: 'set-statistics'; readonly 'snapshot-id'?: bigint; readonly statistics: StatisticsFile }
  | { readonly action: 'remove-statistics'; readonly 'snapshot-id': bigint }
  | { readonly action: 'set-partition-statistics'; readonly 'partition-statistics': PartitionStatisticsFile }
  | { readonly action: 'remove-partition-statistics'; readonly 'snapshot-id': bigint }
  | { readonly action: 'remove-partition-specs'; readonly 'spec-ids': readonly number[] }
  | { readonly action: 'remove-schemas'; readonly 'schema-ids': readonly number[] };

/** One commit to one table: what the base must be, and what to change. */
export interface TableChange {
  readonly requirements: readonly TableRequirement[];
  readonly updates: readonly TableUpdate[];
}

/** The requirement that pins a ref (main by default) to the snapshot the change was built on. */
export function assertRef(snapshotId: bigint | undefined, ref = 'main'): TableRequirement {
  return { type: 'assert-ref-snapshot-id', ref, 'snapshot-id': snapshotId ?? null };
}

/** Makes `snapshotId` the head of branch `ref` (main by default). */
export function setBranch(snapshotId: bigint, ref = 'main'): TableUpdate {
  return { action: 'set-snapshot-ref', 'ref-name': ref, 'snapshot-id': snapshotId, type: 'branch' };
}

/**
 * Makes `fields` the default partition spec (an equal earlier spec is reused): data written from
 * now on follows it, files written before keep the spec they were written with. Pinned to the
 * base's default spec and last partition id, so a concurrent change of either is a conflict.
 */
export function partitionSpecChange(base: TableMetadata, fields: readonly PartitionField[]): TableChange {
  const next = Math.max(...base['partition-specs'].map((s) => s['spec-id'])) + 1;
  return {
    requirements: [
      { type: 'assert-default-spec-id', 'default-spec-id': base['default-spec-id'] },
      { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': base['last-partition-id'] },
    ],
    updates: [
      { action: 'add-spec', spec: { 'spec-id': next, fields } },
      { action: 'set-default-spec', 'spec-id': LAST_ADDED },
    ],
  };
}
