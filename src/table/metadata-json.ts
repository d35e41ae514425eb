import { isLosslessNumber, parse, stringify } from 'lossless-json';
import { InvalidInput } from '../errors.js';
import type { Snapshot, SnapshotRef, TableMetadata } from './types.js';

/** Keys whose numbers are int64 snapshot ids: parsed as bigint wherever they occur. */
const BIGINT_KEYS = new Set(['snapshot-id', 'parent-snapshot-id', 'current-snapshot-id']);

/**
 * Parses Iceberg JSON other than a metadata file (a REST client's commit, say) without losing
 * int64 precision: `snapshot-id`-like keys and the members of `snapshot-ids` become bigints.
 */
export function parseIcebergJson(text: string): unknown {
  try {
    return parse(text, (key, value) => {
      if (key === 'snapshot-ids' && Array.isArray(value)) return value.map((v) => (isLosslessNumber(v) ? BigInt(v.toString()) : v));
      if (Array.isArray(value)) return value.map((v) => (isLosslessNumber(v) ? v.valueOf() : v));
      if (!isLosslessNumber(value)) return value;
      if (BIGINT_KEYS.has(key)) return BigInt(value.toString());
      // An array member is converted by its array, which knows whether it holds ids.
      return /^\d+$/.test(key) ? value : value.valueOf();
    });
  } catch (e) {
    throw new InvalidInput(`body: not valid JSON: ${(e as Error).message}`, { code: 'bad_request', details: { field: 'body' } });
  }
}

const REQUIRED = [
  'table-uuid', 'location', 'last-sequence-number', 'last-updated-ms', 'last-column-id', 'schemas',
  'current-schema-id', 'partition-specs', 'default-spec-id', 'last-partition-id',
] as const;

/** Parses metadata.json without losing int64 precision; fills the optional fields' defaults. */
export function parseMetadata(text: string): TableMetadata {
  let raw: unknown;
  try {
    raw = parse(text, (key, value) => {
      if (!isLosslessNumber(value)) return value;
      return BIGINT_KEYS.has(key) ? BigInt(value.toString()) : value.valueOf();
    });
  } catch (e) {
    throw new InvalidInput(`metadata: not valid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidInput('metadata: expected a JSON object');
  const m = raw as Record<string, unknown>;
  if (m['format-version'] === undefined) throw new InvalidInput('metadata: required field format-version is missing');
  if (m['format-version'] !== 2) {
    throw new InvalidInput(`metadata: format-version ${String(m['format-version'])} is not supported (only 2)`);
  }
  for (const key of REQUIRED) {
    if (m[key] === undefined) throw new InvalidInput(`metadata: required field ${key} is missing`);
  }
  let current = m['current-snapshot-id'] as bigint | number | null | undefined;
  if (current === -1 || current === -1n || current === null) current = undefined;
  if (typeof current === 'number') current = BigInt(current);
  const refs = (m.refs as Record<string, SnapshotRef> | undefined) ??
    (current === undefined ? {} : { main: { 'snapshot-id': current, type: 'branch' } });
  const snapshots = ((m.snapshots as Snapshot[] | undefined) ?? []).map((s) => ({
    ...s,
    summary: { ...s.summary, operation: s.summary?.operation ?? 'overwrite' },
  }));
  const out: Record<string, unknown> = {
    ...m,
    properties: m.properties ?? {},
    snapshots,
    'snapshot-log': m['snapshot-log'] ?? [],
    'metadata-log': m['metadata-log'] ?? [],
    'sort-orders': m['sort-orders'] ?? [{ 'order-id': 0, fields: [] }],
    'default-sort-order-id': m['default-sort-order-id'] ?? 0,
    refs,
  };
  delete out['current-snapshot-id'];
  if (current !== undefined) out['current-snapshot-id'] = current;
  return out as unknown as TableMetadata;
}

const ORDER = [
  'format-version', 'table-uuid', 'location', 'last-sequence-number', 'last-updated-ms', 'last-column-id',
  'current-schema-id', 'schemas', 'default-spec-id', 'partition-specs', 'last-partition-id',
  'default-sort-order-id', 'sort-orders', 'properties', 'current-snapshot-id', 'refs', 'snapshots',
  'statistics', 'partition-statistics', 'snapshot-log', 'metadata-log',
];

/** Serializes metadata the way Java lays it out; bigints are written as exact JSON integers. */
export function serializeMetadata(m: TableMetadata): string {
  const src = m as unknown as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of ORDER) if (src[key] !== undefined) ordered[key] = src[key];
  for (const key of Object.keys(src)) if (!(key in ordered) && src[key] !== undefined) ordered[key] = src[key];
  return stringifyJson(ordered);
}

/** JSON with bigint support (no precision loss); undefined members are dropped. */
export function stringifyJson(value: unknown): string {
  const text = stringify(value);
  if (text === undefined) throw new InvalidInput('metadata: nothing to serialize');
  return text;
}
