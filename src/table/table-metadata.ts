import { randomBytes, randomUUID } from 'node:crypto';
import { InvalidInput, NotFound } from '../errors.js';
import { damagedFile } from './table-io.js';
import type { ObjectStore } from '../storage/index.js';
import { parseMetadata, serializeMetadata } from './metadata-json.js';
import { expiredIds } from './snapshot-retention.js';
import { indexById } from './schema.js';
import { parseTransform, transformResultType } from './transforms.js';
import type { PartitionField, Schema, Snapshot, TableMetadata } from './types.js';

/** Metadata of a new, empty table (no snapshot yet): spec 0, sort order 0 (unsorted), schema 0. */
export function newTableMetadata(args: {
  location: string;
  schema: Schema;
  lastColumnId: number;
  partitionFields?: PartitionField[];
  properties?: Record<string, string>;
  /** A client's own (a REST staged create assigns it); a fresh one by default. */
  uuid?: string;
}): TableMetadata {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(args.location)) {
    throw new InvalidInput(`table: location ${args.location} must be a URI with a scheme`);
  }
  const byId = indexById(args.schema);
  const fields = args.partitionFields ?? [];
  for (const f of fields) {
    const source = byId.get(f['source-id']);
    if (!source || typeof source.type !== 'string') {
      throw new InvalidInput(`table: partition field ${f.name} refers to no primitive column (id ${f['source-id']})`);
    }
    parseTransform(f.transform);
    transformResultType(f.transform, source.type);
  }
  for (const [key, value] of Object.entries(args.properties ?? {})) {
    if (typeof value !== 'string') throw new InvalidInput(`table: property ${key} must be a string`);
  }
  return {
    'format-version': 2,
    'table-uuid': args.uuid ?? randomUUID(),
    location: args.location.replace(/\/+$/, ''),
    'last-sequence-number': 0,
    'last-updated-ms': Date.now(),
    'last-column-id': Math.max(args.lastColumnId, ...[...byId.keys()]),
    schemas: [{ ...args.schema, 'schema-id': 0 }],
    'current-schema-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields }],
    'default-spec-id': 0,
    'last-partition-id': Math.max(999, ...fields.map((f) => f['field-id'])),
    properties: { ...(args.properties ?? {}) },
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    'default-sort-order-id': 0,
    refs: {},
  };
}

/** "<tableKey>/metadata/00001-<uuid>.metadata.json" */
export function metadataFileKey(tableKey: string, version: number): string {
  return `${tableKey.replace(/\/+$/, '')}/metadata/${String(version).padStart(5, '0')}-${randomUUID()}.metadata.json`;
}

/** The version number in a metadata file name (`00007-….metadata.json` or `v7.metadata.json`). */
export function metadataVersion(location: string): number | undefined {
  const name = location.slice(location.lastIndexOf('/') + 1);
  const m = /^v?(\d+)[-.]/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Writes a metadata file under the table location; returns its full URI. */
export async function writeMetadataFile(store: ObjectStore, m: TableMetadata, version = 1): Promise<string> {
  const key = metadataFileKey(store.keyOf(m.location), version);
  await store.put(key, serializeMetadata(m), { ifAbsent: true });
  return store.uri(key);
}

/** The metadata file a table's catalog entry points at; a missing or damaged one is an EnvironmentFault naming both. */
export async function readTableMetadata(store: ObjectStore, location: string, table: string): Promise<TableMetadata> {
  try {
    return parseMetadata((await store.get(store.keyOf(location))).toString('utf8'));
  } catch (e) {
    throw damagedFile(table, 'current metadata file', location, e, 'restore the file from a backup');
  }
}

export async function readMetadataFile(store: ObjectStore, location: string): Promise<TableMetadata> {
  const bytes = await store.get(store.keyOf(location));
  try {
    return parseMetadata(bytes.toString('utf8'));
  } catch (e) {
    if (e instanceof InvalidInput) throw new InvalidInput(`${e.message} (in ${location})`);
    throw e;
  }
}

export function currentSnapshot(m: TableMetadata): Snapshot | undefined {
  const id = m['current-snapshot-id'];
  return id === undefined ? undefined : snapshotById(m, id);
}

/** The snapshot `id` of the table; `name` (`ns.table`) names it in the error when there is none. */
export function snapshotById(m: TableMetadata, id: bigint, name?: string): Snapshot {
  const s = m.snapshots.find((x) => x['snapshot-id'] === id);
  if (s) return s;
  if (expiredIds(m).includes(String(id))) {
    throw new NotFound(`snapshot: snapshot ${id} of ${tableText(m, name)} was expired (\`silt expire\`) and its files removed; time travel reaches only kept snapshots${listHint(name)}`);
  }
  throw new NotFound(`snapshot: ${tableText(m, name)} has no snapshot ${id}${listHint(name)}`);
}

function tableText(m: TableMetadata, name: string | undefined): string {
  return name ?? `table at ${m.location}`;
}

function listHint(name: string | undefined): string {
  return name ? `; \`silt table snapshots ${name}\` lists them` : '';
}

/** The snapshot that was current on main at `timestampMs` (by the snapshot log). */
export function snapshotAsOf(m: TableMetadata, timestampMs: number, name?: string): Snapshot {
  let found: bigint | undefined;
  for (const entry of m['snapshot-log']) {
    if (entry['timestamp-ms'] <= timestampMs) found = entry['snapshot-id'];
  }
  if (found === undefined) {
    const expired = expiredIds(m).length > 0 ? ' (older snapshots were expired by `silt expire`)' : '';
    throw new NotFound(`snapshot: ${tableText(m, name)} has no snapshot at or before ${new Date(timestampMs).toISOString()}${expired}${listHint(name)}`);
  }
  return snapshotById(m, found, name);
}

/** A random positive int64 that no snapshot of `m` uses (spec Appendix F). */
export function newSnapshotId(m: TableMetadata): bigint {
  for (;;) {
    const id = randomBytes(8).readBigInt64LE(0) & 0x7fffffffffffffffn;
    if (id !== 0n && !m.snapshots.some((s) => s['snapshot-id'] === id)) return id;
  }
}
