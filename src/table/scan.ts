import { InvalidInput } from '../errors.js';
import { bindExpr, type Bound, type Expr } from './expr.js';
import { partitionTypes } from './partition-spec.js';
import { fileStats, mightMatch, partitionStats, projectToPartition, summaryStats } from './prune.js';
import { currentSchema, indexById, schemaById } from './schema.js';
import { currentSnapshot, snapshotAsOf, snapshotById } from './table-metadata.js';
import type { ManifestReader } from './table-io.js';
import { DeleteIndex } from './deletes.js';
import type { DataFile, ManifestEntry, PartitionSpec, PrimitiveType, Schema, Snapshot, TableMetadata } from './types.js';

export interface PlanOptions {
  snapshotId?: bigint;
  asOfMs?: number;
  filter?: Expr;
}

export interface ScanPlan {
  /** Undefined for an empty table (no snapshot yet). */
  snapshot: Snapshot | undefined;
  /** The schema of that snapshot, for time travel. */
  schema: Schema;
  /** Live data files that may hold matching rows, each with the delete files that apply to it. */
  files: DataFile[];
  /** All live data files of the snapshot. */
  filesTotal: number;
  bytesTotal: number;
}

/**
 * Plans the files of a snapshot that may hold rows matching the filter, pruning in three steps:
 * manifests by their partition summaries, files by their partition values (both through the
 * inclusive projection of the filter), then files by column bounds and null counts.
 */
export async function planScan(reader: ManifestReader, m: TableMetadata, opts: PlanOptions, name: string): Promise<ScanPlan> {
  if (opts.snapshotId !== undefined && opts.asOfMs !== undefined) {
    throw new InvalidInput(`scan of ${name}: give a snapshot id or a timestamp, not both`);
  }
  const snapshot = opts.snapshotId !== undefined ? snapshotById(m, opts.snapshotId, name)
    : opts.asOfMs !== undefined ? snapshotAsOf(m, opts.asOfMs, name) : currentSnapshot(m);
  const schemaId = snapshot?.['schema-id'];
  const schema = schemaId !== undefined && m.schemas.some((s) => s['schema-id'] === schemaId)
    ? schemaById(m, schemaId) : currentSchema(m);
  if (!snapshot) return { snapshot, schema, files: [], filesTotal: 0, bytesTotal: 0 };

  const bound: Bound = opts.filter ? bindExpr(opts.filter, schema) : { op: 'true' };
  const pruning = bound.op !== 'true';
  const totalFiles = Number(snapshot.summary['total-data-files']);
  const totalBytes = Number(snapshot.summary['total-files-size']);
  const haveTotals = Number.isFinite(totalFiles) && Number.isFinite(totalBytes) && snapshot.summary['total-data-files'] !== undefined;
  const columnTypes = primitiveTypes(schema);
  const kept: ManifestEntry[] = [];
  const deleteEntries: ManifestEntry[] = [];
  let filesTotal = 0;
  let bytesTotal = 0;

  // Which manifests to read is decided from the manifest list alone; those are then read at once
  // (on S3 the waits overlap), and their entries pruned in the list's order.
  const manifests = (await reader.manifests(snapshot)).map((mf) => {
    const spec = m['partition-specs'].find((s) => s['spec-id'] === mf.partitionSpecId);
    const projected = pruning && spec ? projectToPartition(bound, spec) : undefined;
    const types = spec ? typesOf(spec, schema) : undefined;
    const matches = !projected || !spec || !types || !mf.partitions || mightMatch(projected, summaryStats(spec, types, mf.partitions));
    // A data manifest that cannot match is still read when the totals must be counted from it.
    const read = mf.content !== 0 ? matches : matches || !haveTotals;
    return { mf, spec, projected, matches, read };
  });
  const entriesOf = await Promise.all(manifests.map((x) => (x.read ? reader.entries(m, x.mf) : [])));
  manifests.forEach(({ mf, spec, projected, matches, read }, i) => {
    if (!read) return;
    const entries = entriesOf[i]!;
    if (mf.content !== 0) {
      // Deletes of partitions the filter excludes cannot touch a row the scan returns.
      for (const e of entries) if (e.status !== 2) deleteEntries.push(e);
      return;
    }
    for (const e of entries) {
      if (e.status === 2 || e.dataFile.content !== 0) continue;
      filesTotal++;
      bytesTotal += e.dataFile.fileSizeInBytes;
      if (!matches) continue;
      if (projected && spec && !mightMatch(projected, partitionStats(spec, e.dataFile.partition))) continue;
      if (pruning && !mightMatch(bound, fileStats(e.dataFile, (id) => columnTypes.get(id)))) continue;
      kept.push(e);
    }
  });
  const deletes = new DeleteIndex(m, deleteEntries);
  const files = kept.map((e) => deletes.apply(e));
  return haveTotals
    ? { snapshot, schema, files, filesTotal: totalFiles, bytesTotal: totalBytes }
    : { snapshot, schema, files, filesTotal, bytesTotal };
}

function typesOf(spec: PartitionSpec, schema: Schema): PrimitiveType[] | undefined {
  try {
    return partitionTypes(spec, schema);
  } catch {
    return undefined;
  }
}

function primitiveTypes(schema: Schema): Map<number, PrimitiveType> {
  const out = new Map<number, PrimitiveType>();
  for (const [id, f] of indexById(schema)) if (typeof f.type === 'string') out.set(id, f.type);
  return out;
}
