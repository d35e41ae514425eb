/**
 * Which delete files apply to which data file (spec "Scan Planning"): a position delete applies
 * to data files of its partition with a data sequence number at or below its own, and only to
 * the paths its `referenced_data_file` or `file_path` bounds allow; an equality delete applies to
 * data files of its partition (every partition, when its spec is unpartitioned) with a data
 * sequence number strictly below its own, so it never deletes rows appended after it, and not
 * to files whose column bounds show none of their rows can match it.
 */
import { compareValues } from './compare.js';
import { currentSchema } from './schema.js';
import { POSITION_DELETE_FIELDS, type DataFile, type ManifestEntry, type PrimitiveType, type ScopedDelete, type TableMetadata } from './types.js';
import { deserializeValue } from './values.js';

export class DeleteIndex {
  private readonly byPartition = new Map<string, ScopedDelete[]>();
  private readonly global: ScopedDelete[] = [];
  /** Primitive column types by field id, over every schema (a delete may predate a change). */
  private readonly types = new Map<number, PrimitiveType>();

  /** `entries`: the entries of a snapshot's delete manifests (DELETED ones are skipped). */
  constructor(m: TableMetadata, entries: readonly ManifestEntry[]) {
    for (const schema of [currentSchema(m), ...m.schemas]) {
      for (const f of schema.fields) if (typeof f.type === 'string' && !this.types.has(f.id)) this.types.set(f.id, f.type);
    }
    for (const e of entries) {
      if (e.status === 2 || e.dataFile.content === 0) continue;
      const spec = m['partition-specs'].find((s) => s['spec-id'] === e.dataFile.specId);
      const global = e.dataFile.content === 2 && (spec?.fields.length ?? 0) === 0;
      const d: ScopedDelete = { file: e.dataFile, dataSequenceNumber: e.sequenceNumber, global };
      if (global) this.global.push(d);
      else {
        const key = partitionKey(e.dataFile);
        this.byPartition.set(key, [...(this.byPartition.get(key) ?? []), d]);
      }
    }
  }

  get empty(): boolean {
    return this.global.length === 0 && this.byPartition.size === 0;
  }

  /** The data file of a live entry, carrying the deletes that apply to it (itself when none does). */
  apply(entry: ManifestEntry): DataFile {
    const f = entry.dataFile;
    const seq = entry.sequenceNumber;
    const files = [...(this.byPartition.get(partitionKey(f)) ?? []), ...this.global]
      .filter((d) => applies(d, f, seq) && !(d.file.content === 2 && this.disjoint(d.file, f)));
    return files.length === 0 ? f : { ...f, deletes: { dataSequenceNumber: seq, files } };
  }

  /**
   * An equality delete cannot match a row of `f` when, on one of its columns, its values and the
   * file's lie in ranges that do not meet (and NULL, which matches NULL, is not on both sides).
   * Floats are left alone (NaN is in no bound); bounds that do not read as the type prune nothing.
   */
  private disjoint(d: DataFile, f: DataFile): boolean {
    return (d.equalityIds ?? []).some((id) => {
      const type = this.types.get(id);
      if (!type || type === 'float' || type === 'double') return false;
      const nulls = (x: DataFile): boolean => x.nullValueCounts?.get(id) !== 0;
      if (nulls(d) && nulls(f)) return false;
      const read = (x: DataFile, which: 'lowerBounds' | 'upperBounds'): unknown => {
        const bytes = x[which]?.get(id);
        if (!bytes) return undefined;
        try {
          return deserializeValue(type, bytes);
        } catch {
          return undefined;
        }
      };
      const [dLo, dHi, fLo, fHi] = [read(d, 'lowerBounds'), read(d, 'upperBounds'), read(f, 'lowerBounds'), read(f, 'upperBounds')];
      if (dLo === undefined || dHi === undefined || fLo === undefined || fHi === undefined) return false;
      return (compareValues(dHi, fLo) ?? 0) < 0 || (compareValues(dLo, fHi) ?? 0) > 0;
    });
  }
}

function applies(d: ScopedDelete, f: DataFile, seq: number): boolean {
  if (d.file.content === 2) return d.dataSequenceNumber > seq;
  if (d.dataSequenceNumber < seq) return false;
  if (d.file.referencedDataFile !== undefined) return d.file.referencedDataFile === f.filePath;
  const path = new TextEncoder().encode(f.filePath);
  const lower = d.file.lowerBounds?.get(POSITION_DELETE_FIELDS.filePath);
  const upper = d.file.upperBounds?.get(POSITION_DELETE_FIELDS.filePath);
  return (!lower || Buffer.compare(path, lower as Uint8Array<ArrayBuffer>) >= 0) && (!upper || Buffer.compare(path, upper as Uint8Array<ArrayBuffer>) <= 0);
}

/** The spec and partition values of a file, as one string: equal exactly when both are. */
export function partitionKey(f: DataFile): string {
  const values = f.partition.map((v) => {
    if (v instanceof Uint8Array) return `x${Buffer.from(v).toString('hex')}`;
    if (typeof v === 'bigint') return `${v}n`;
    if (v !== null && typeof v === 'object') return `d${v.unscaled}e${v.scale}`;
    return JSON.stringify(v);
  });
  return `${f.specId}/${values.join('/')}`;
}
