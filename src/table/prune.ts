import { compareValues } from './compare.js';
import { type Bound, type BoundLeaf, type CompareOp, isCompare, isSet, mapLeaves, simplify } from './expr.js';
import type { FieldSummary } from './manifest-list.js';
import { parseTransform, applyTransform, transformResultType } from './transforms.js';
import type { DataFile, PartitionSpec, PartitionValue, PrimitiveType } from './types.js';
import { deserializeValue } from './values.js';

/** What is known about one column (or partition field) of a file or a manifest. */
export interface ColumnStats {
  lower?: unknown;
  upper?: unknown;
  mayHaveNull: boolean;
  mayHaveNonNull: boolean;
  mayHaveNan: boolean;
}

/** Stats by field id; undefined means nothing is known (so anything may match). */
export type StatsLookup = (id: number) => ColumnStats | undefined;

/** True when rows matching the filter may exist, given the stats. Never false for a possible match. */
export function mightMatch(b: Bound, stats: StatsLookup): boolean {
  switch (b.op) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
      return b.args.every((a) => mightMatch(a, stats));
    case 'or':
      return b.args.some((a) => mightMatch(a, stats));
    default: {
      const s = stats(b.id);
      return s === undefined ? true : leafMightMatch(b, s);
    }
  }
}

function leafMightMatch(b: BoundLeaf, s: ColumnStats): boolean {
  if (b.op === 'is-null') return s.mayHaveNull;
  if (!s.mayHaveNonNull) return false;
  if (b.op === 'not-null') return true;
  if (isSet(b)) return setMightMatch(b.op, b.values, s);
  return isCompare(b) ? compareMightMatch(b.op, b.value, s) : true;
}

type Cmp = (x: unknown, y: unknown) => number | undefined;
// compare(x, y) is defined only when both are known and ordered; unknown never prunes
const cmp: Cmp = (x, y) => (x === undefined ? undefined : compareValues(x, y));
const isNanLiteral = (v: unknown): boolean => typeof v === 'number' && Number.isNaN(v);

function eqMightMatch(v: unknown, s: ColumnStats): boolean {
  if (isNanLiteral(v)) return s.mayHaveNan;
  const lo = cmp(s.lower, v);
  const hi = cmp(s.upper, v);
  return !((lo !== undefined && lo > 0) || (hi !== undefined && hi < 0));
}

/** Every value is exactly v. */
function onlyValue(v: unknown, s: ColumnStats): boolean {
  return !s.mayHaveNull && !s.mayHaveNan && cmp(s.lower, v) === 0 && cmp(s.upper, v) === 0;
}

function setMightMatch(op: 'in' | 'not-in', values: readonly unknown[], s: ColumnStats): boolean {
  return op === 'in' ? values.some((v) => eqMightMatch(v, s)) : !values.some((v) => onlyValue(v, s));
}

function compareMightMatch(op: CompareOp, value: unknown, s: ColumnStats): boolean {
  if (op === '=') return eqMightMatch(value, s);
  if (op === '!=') return !onlyValue(value, s);
  if (isNanLiteral(value)) return true;
  const lo = cmp(s.lower, value);
  const hi = cmp(s.upper, value);
  if (op === '<') return lo === undefined || lo < 0;
  if (op === '<=') return lo === undefined || lo <= 0;
  // DuckDB orders NaN above every number, so NaN rows match > and >=
  if (s.mayHaveNan) return true;
  if (op === '>') return hi === undefined || hi > 0;
  return hi === undefined || hi >= 0;
}
/**
 * Inclusive projection of a source-column filter onto a spec's partition fields: the result
 * matches every partition that may hold a matching row. Ids in the result are partition field ids.
 */
export function projectToPartition(b: Bound, spec: PartitionSpec): Bound {
  return mapLeaves(b, (leaf) => {
    const parts: Bound[] = [];
    for (const f of spec.fields) {
      if (f['source-id'] !== leaf.id) continue;
      const p = projectLeaf(leaf, f.transform, f['field-id']);
      if (p) parts.push(p);
    }
    return simplify({ op: 'and', args: parts });
  });
}

function projectLeaf(leaf: BoundLeaf, transform: string, fieldId: number): Bound | undefined {
  const kind = parseTransform(transform).kind;
  if (kind === 'void') return undefined;
  let type: PrimitiveType;
  try {
    type = transformResultType(transform, leaf.type);
  } catch {
    return undefined;
  }
  if (leaf.op === 'is-null' || leaf.op === 'not-null') return { op: leaf.op, id: fieldId, type };
  const t = (v: unknown): unknown => applyTransform(transform, leaf.type, v);
  try {
    if (kind === 'identity') return { ...leaf, id: fieldId, type };
    if (isSet(leaf)) return leaf.op === 'in' ? { op: 'in', id: fieldId, type, values: leaf.values.map(t) } : undefined;
    if (!isCompare(leaf)) return undefined;
    const value = t(leaf.value);
    if (leaf.op === '=') return { op: '=', id: fieldId, type, value };
    if (kind === 'bucket' || leaf.op === '!=') return undefined;
    // truncate, year, month, day and hour never decrease as their input grows
    return { op: leaf.op === '<' || leaf.op === '<=' ? '<=' : '>=', id: fieldId, type, value };
  } catch {
    return undefined;
  }
}

/** Stats of partition fields from a manifest-list entry's summaries. */
export function summaryStats(spec: PartitionSpec, types: readonly PrimitiveType[], summaries: readonly FieldSummary[]): StatsLookup {
  const byId = new Map<number, ColumnStats>();
  spec.fields.forEach((f, i) => {
    const s = summaries[i];
    const type = types[i];
    if (!s || !type) return;
    const lower = decode(type, s.lowerBound);
    const upper = decode(type, s.upperBound);
    const floating = type === 'float' || type === 'double';
    byId.set(f['field-id'], {
      lower, upper,
      mayHaveNull: s.containsNull,
      // writers omit bounds only when every value is null or NaN
      mayHaveNonNull: s.lowerBound !== undefined || (floating && s.containsNan !== false) || !s.containsNull,
      mayHaveNan: floating && s.containsNan !== false,
    });
  });
  return (id) => byId.get(id);
}

/** Stats of partition fields from a file's exact partition tuple. */
export function partitionStats(spec: PartitionSpec, values: readonly PartitionValue[]): StatsLookup {
  const byId = new Map<number, ColumnStats>();
  spec.fields.forEach((f, i) => {
    const v = values[i] ?? null;
    const nan = typeof v === 'number' && Number.isNaN(v);
    byId.set(f['field-id'], {
      ...(v === null || nan ? {} : { lower: v, upper: v }),
      mayHaveNull: v === null, mayHaveNonNull: v !== null, mayHaveNan: nan,
    });
  });
  return (id) => byId.get(id);
}

/** Stats of columns from a data file's metrics; `typeOf` gives each column's current type. */
export function fileStats(file: DataFile, typeOf: (id: number) => PrimitiveType | undefined): StatsLookup {
  return (id) => {
    const type = typeOf(id);
    if (!type) return undefined;
    if (file.recordCount === 0) return { mayHaveNull: false, mayHaveNonNull: false, mayHaveNan: false };
    const values = file.valueCounts?.get(id);
    const nulls = file.nullValueCounts?.get(id);
    const nans = file.nanValueCounts?.get(id);
    const floating = type === 'float' || type === 'double';
    // uuid bounds were ordered as signed longs by older Java writers: do not trust them
    const usable = type !== 'uuid';
    return {
      lower: usable ? decode(type, file.lowerBounds?.get(id)) : undefined,
      upper: usable ? decode(type, file.upperBounds?.get(id)) : undefined,
      mayHaveNull: nulls === undefined || nulls > 0,
      mayHaveNonNull: values === undefined || nulls === undefined || values - nulls > 0,
      mayHaveNan: floating && (nans === undefined || nans > 0),
    };
  };
}

function decode(type: PrimitiveType, bytes: Uint8Array | undefined): unknown {
  if (!bytes) return undefined;
  try {
    return deserializeValue(type, bytes);
  } catch {
    return undefined;
  }
}
