import { InvalidInput } from '../errors.js';
import { currentSchema, deserializeValue, type DataFile, type NestedField, type PartitionSpec, type PartitionValue, type TableMetadata } from '../table/index.js';
import type { RetentionPolicy } from './retention-config.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const TIME_TYPES = new Set(['date', 'timestamp', 'timestamptz']);
const TIME_TRANSFORMS = new Set(['year', 'month', 'day', 'hour', 'identity']);

/** The times a data file's rows span: from `startMs`, up to (not including) `endMs`. */
export interface FileSpan {
  startMs: number;
  endMs: number;
}

/**
 * How the age of a table's data files is told. By `partition`: a date or time transform of a
 * column, so a file lies wholly inside one period and goes or stays whole. By `column`: the
 * column's statistics in each file (an unpartitioned table with `column:`), so a file may hold
 * rows on both sides of a cutoff; deleting then removes rows, not files.
 */
export interface Ager {
  mode: 'partition' | 'column';
  column: NestedField;
  /** The span of a file's rows; undefined when unknown (a null partition, no statistics): such files stay. */
  span(file: DataFile): FileSpan | undefined;
  /** Whether a file of this span holds any row due at `cutoffMs`: wholly past it, by partition; its oldest row, by column. */
  due(span: FileSpan, cutoffMs: number): boolean;
}

/** How `policy` ages the files of table `m`; InvalidInput naming the table when it cannot. */
export function fileAger(m: TableMetadata, table: string, policy: RetentionPolicy): Ager {
  const schema = currentSchema(m);
  const byId = new Map(schema.fields.map((f) => [f.id, f]));
  let column: NestedField | undefined;
  if (policy.column !== undefined) {
    column = schema.fields.find((f) => f.name === policy.column);
    if (!column || !TIME_TYPES.has(column.type as string)) {
      const found = column ? `is a ${typeof column.type === 'string' ? column.type : column.type.type}` : 'does not exist';
      throw new InvalidInput(`retention: ${policy.declaredAt}.column: column ${policy.column} of table ${table} ${found}; name a date or timestamp column of the table`, { details: { table } });
    }
  }
  const timeField = (spec: PartitionSpec) =>
    spec.fields.find((f) => {
      const source = byId.get(f['source-id']);
      if (!source || !TIME_TYPES.has(source.type as string) || !TIME_TRANSFORMS.has(f.transform)) return false;
      return column === undefined || source.id === column.id;
    });
  const defaultSpec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id'])!;
  const main = timeField(defaultSpec);
  if (!column && !main) {
    const where = policy.forTable ? policy.declaredAt : `retention.${table}`;
    throw new InvalidInput(
      `retention: table ${table} is not partitioned by a date or time column, so the age of its data is unknown; ` +
        `partition it by one (partition_by: "day(<column>)") or set column: <a date or timestamp column> under ${where}`,
      { details: { table } },
    );
  }
  const ageColumn = column ?? byId.get(main!['source-id'])!;
  const fields = new Map(m['partition-specs'].map((s) => {
    const i = s.fields.findIndex((f) => f['source-id'] === ageColumn.id && TIME_TRANSFORMS.has(f.transform));
    return [s['spec-id'], i < 0 ? undefined : { index: i, transform: s.fields[i]!.transform }] as const;
  }));
  const type = ageColumn.type as 'date' | 'timestamp' | 'timestamptz';
  return {
    mode: main ? 'partition' : 'column',
    column: ageColumn,
    span(file) {
      const field = fields.get(file.specId);
      if (field) return partitionSpan(field.transform, type, file.partition[field.index] ?? null);
      return statsSpan(file, ageColumn.id, type);
    },
    // A date row is a whole day: due once that day is past, as `column < DATE 'cutoff day'` says.
    due: main ? (span, cutoffMs) => span.endMs <= cutoffMs : (span, cutoffMs) => (type === 'date' ? span.startMs + DAY_MS <= cutoffMs : span.startMs < cutoffMs),
  };
}

function partitionSpan(transform: string, type: 'date' | 'timestamp' | 'timestamptz', v: PartitionValue): FileSpan | undefined {
  if (v === null) return undefined;
  const n = Number(v);
  switch (transform) {
    case 'year':
      return { startMs: Date.UTC(1970 + n, 0, 1), endMs: Date.UTC(1971 + n, 0, 1) };
    case 'month':
      return { startMs: Date.UTC(1970, n, 1), endMs: Date.UTC(1970, n + 1, 1) };
    case 'day':
      return { startMs: n * DAY_MS, endMs: (n + 1) * DAY_MS };
    case 'hour':
      return { startMs: n * HOUR_MS, endMs: (n + 1) * HOUR_MS };
    default:
      return valueSpan(type, v, v);
  }
}

function statsSpan(file: DataFile, id: number, type: 'date' | 'timestamp' | 'timestamptz'): FileSpan | undefined {
  const lower = file.lowerBounds?.get(id);
  const upper = file.upperBounds?.get(id);
  if (!lower || !upper) return undefined;
  return valueSpan(type, deserializeValue(type, lower), deserializeValue(type, upper));
}

/** Dates are days (a day long each); timestamps are microseconds. */
function valueSpan(type: 'date' | 'timestamp' | 'timestamptz', low: unknown, high: unknown): FileSpan {
  if (type === 'date') return { startMs: Number(low) * DAY_MS, endMs: (Number(high) + 1) * DAY_MS };
  return { startMs: Math.floor(Number(low) / 1000), endMs: Math.floor(Number(high) / 1000) + 1 };
}

/** A day as `YYYY-MM-DD`. */
export function dayText(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
