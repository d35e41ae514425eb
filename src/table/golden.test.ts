import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import avro from 'avsc';
import { LocalStore } from '../storage/index.js';
import { avroHeaderEnd, readAvro } from './avro.js';
import { buf, u8 } from './bytes.js';
import { encodeManifest, type EntryToWrite } from './manifest.js';
import { describeManifest, encodeManifestList } from './manifest-list.js';
import { serializeMetadata } from './metadata-json.js';
import { parsePartitionSpec, partitionTypes } from './partition-spec.js';
import type { MetadataPointer } from './pointer.js';
import { buildSchema } from './schema.js';
import { Table } from './table.js';
import { newTableMetadata, readMetadataFile, writeMetadataFile } from './table-metadata.js';
import type { DataFile, PartitionSpec, TableMetadata } from './types.js';
import { serializeValue } from './values.js';

/**
 * Golden files: what Silt writes for one fixed table (metadata JSON, a manifest, a manifest list),
 * checked in under src/table/golden/, so an accidental change of the format fails here. After a
 * deliberate change, rewrite them with `SILT_UPDATE_GOLDEN=1 node --test dist/table/golden.test.js`
 * and review the diff.
 */
const UPDATE = process.env['SILT_UPDATE_GOLDEN'] === '1';

/** The golden files live in the source tree (the compiler does not copy them): found upward from here. */
function goldenDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'src', 'table', 'golden');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`golden: no src/table/golden/ in ${here} or any folder above it`);
  }
}

/** Compares `actual` with the golden file `name`, or writes it there when updating. */
async function golden(name: string, actual: Uint8Array | string): Promise<Uint8Array> {
  const file = path.join(goldenDir(), name);
  if (UPDATE) await fs.writeFile(file, actual);
  return u8(await fs.readFile(file));
}

const made: string[] = [];
after(async () => {
  for (const dir of made) await fs.rm(dir, { recursive: true, force: true });
});

const { schema, lastColumnId } = buildSchema([
  { name: 'id', type: 'long', required: true },
  { name: 'ts', type: 'timestamptz' },
  { name: 'name', type: 'string', doc: 'who' },
  { name: 'amount', type: 'decimal(10, 2)' },
  { name: 'score', type: 'double' },
  { name: 'tags', type: { type: 'list', element: 'string' } },
  { name: 'attrs', type: { type: 'map', key: 'string', value: 'int' } },
  { name: 'place', type: { type: 'struct', fields: [{ name: 'lat', type: 'float' }, { name: 'on', type: 'date' }] } },
]);
const spec: PartitionSpec = { 'spec-id': 0, fields: parsePartitionSpec('day(ts), bucket(4, id), truncate(3, name)', schema) };
const SNAPSHOT = 7505300640432048841n;

const file = (name: string, day: number | null, rows: number): DataFile => ({
  content: 0,
  filePath: `file:///lake/warehouse/db/events/data/ts_day=${day}/${name}.parquet`,
  fileFormat: 'PARQUET',
  specId: 0,
  partition: [day, 3, 'ali'],
  recordCount: rows,
  fileSizeInBytes: 1000 + rows,
  columnSizes: new Map([[1, 10], [3, 20]]),
  valueCounts: new Map([[1, rows], [3, rows]]),
  nullValueCounts: new Map([[1, 0], [3, 1]]),
  nanValueCounts: new Map([[5, 0]]),
  lowerBounds: new Map([[1, serializeValue('long', 1n)], [3, serializeValue('string', 'alice')]]),
  upperBounds: new Map([[1, serializeValue('long', 9007199254740993n)], [3, serializeValue('string', 'alistair')]]),
  splitOffsets: [4n],
  sortOrderId: 0,
});

const entries: EntryToWrite[] = [
  { status: 1, snapshotId: SNAPSHOT, sequenceNumber: null, fileSequenceNumber: null, dataFile: file('a', 19727, 5) },
  { status: 0, snapshotId: 1n, sequenceNumber: 2, fileSequenceNumber: 2, dataFile: { ...file('b', null, 7), partition: [null, null, null] } },
  { status: 2, snapshotId: SNAPSHOT, sequenceNumber: 1, fileSequenceNumber: 1, dataFile: file('c', 19730, 1) },
];

const LONG = avro.Type.forSchema('long');
/** An Avro container's bytes with its random 16-byte sync marker (after the header and each block) set to zeros. */
function fixedSync(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  const { headerEnd, blocks } = layout(out);
  for (const end of [headerEnd, ...blocks.map((b) => b.end + 16)]) out.fill(0, end - 16, end);
  return out;
}

/** Where the header ends and each block's compressed records lie. */
function layout(bytes: Uint8Array): { headerEnd: number; blocks: { count: number; start: number; end: number }[] } {
  const b = buf(bytes);
  const headerEnd = avroHeaderEnd(bytes);
  const blocks: { count: number; start: number; end: number }[] = [];
  for (let pos = headerEnd; pos < b.length;) {
    const count = LONG.decode(b, pos);
    const size = LONG.decode(b, count.offset);
    const end = size.offset + Number(size.value);
    blocks.push({ count: Number(count.value), start: size.offset, end });
    pos = end + 16;
  }
  return { headerEnd, blocks };
}

/** The header (schema JSON, metadata keys) and each block's records, inflated: deflate's own bytes may vary by zlib version. */
function canonical(bytes: Uint8Array): { header: string; blocks: { count: number; hex: string }[] } {
  const fixed = fixedSync(bytes);
  const { headerEnd, blocks } = layout(fixed);
  const hex = (x: Uint8Array) => buf(x).toString('hex');
  return {
    header: hex(fixed.subarray(0, headerEnd)),
    blocks: blocks.map((b) => ({ count: b.count, hex: hex(u8(inflateRawSync(fixed.subarray(b.start, b.end)))) })),
  };
}

/** The file decoded field for field, as JSON: schema, metadata keys, records (bytes as hex). */
function decoded(bytes: Uint8Array, what: string): string {
  const f = readAvro(bytes, what);
  const plain = (v: unknown): unknown =>
    typeof v === 'bigint' ? `${v}n`
      : Buffer.isBuffer(v) ? `hex:${v.toString('hex')}`
      : Array.isArray(v) ? v.map(plain)
        : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
          : v;
  const meta = Object.fromEntries(Object.entries(f.meta).map(([k, v]) => [k, k === 'avro.schema' ? '(below)' : v]));
  return JSON.stringify({ schema: f.schema, meta, records: plain(f.records) }, null, 2) + '\n';
}

async function compareAvro(name: string, bytes: Uint8Array): Promise<void> {
  const fields = await golden(`${name}.json`, decoded(bytes, name));
  assert.deepEqual(JSON.parse(decoded(bytes, name)), JSON.parse(Buffer.from(fields).toString('utf8')), `${name}: fields differ from golden/${name}.json`);
  const want = canonical(await golden(name, fixedSync(bytes)));
  const got = canonical(bytes);
  assert.equal(got.header, want.header, `${name}: the header bytes (schema JSON, metadata keys) differ from golden/${name}`);
  assert.deepEqual(got.blocks, want.blocks, `${name}: the records' bytes differ from golden/${name}`);
}

test('a manifest is what golden/manifest.avro holds, field for field and byte for byte', async () => {
  const bytes = encodeManifest({ schema, spec, partitionTypes: partitionTypes(spec, schema), entries });
  await compareAvro('manifest.avro', bytes);
});

test('a manifest list is what golden/manifest-list.avro holds, field for field and byte for byte', async () => {
  const types = partitionTypes(spec, schema);
  const described = describeManifest({
    path: 'file:///lake/warehouse/db/events/metadata/m0.avro', length: 4321, specId: 0, snapshotId: SNAPSHOT, seq: 3, partitionTypes: types, entries,
  });
  const older = { ...described, manifestPath: 'file:///lake/warehouse/db/events/metadata/m1.avro', addedSnapshotId: 1n, sequenceNumber: 2, minSequenceNumber: 1, partitions: [] };
  const bytes = encodeManifestList({ snapshotId: SNAPSHOT, parentSnapshotId: 1n, sequenceNumber: 3 }, [described, older]);
  await compareAvro('manifest-list.avro', bytes);
  const first = encodeManifestList({ snapshotId: 1n, parentSnapshotId: undefined, sequenceNumber: 1 }, []);
  assert.equal(readAvro(first, 'first').meta['parent-snapshot-id'], 'null', 'a first snapshot names no parent as Java does');
});

/** A pointer held in memory: swap compares then sets, with nothing in between to race. */
class MemoryPointer implements MetadataPointer {
  constructor(readonly name: string, private location: string, private readonly store: LocalStore) {}
  async load() {
    return { metadataLocation: this.location, metadata: await readMetadataFile(this.store, this.location) };
  }
  async swap(expected: string, next: string) {
    if (this.location !== expected) return false;
    this.location = next;
    return true;
  }
}

/**
 * The metadata with what differs run to run (uuids, times, snapshot ids, the store's folder)
 * replaced by fixed stand-ins, indented for a readable diff; the field order is Silt's.
 */
function normalised(m: TableMetadata, rootUri: string): string {
  const ids = new Map(m.snapshots.map((s, i) => [s['snapshot-id'], BigInt(i + 1)]));
  const id = (x: bigint) => ids.get(x) ?? assert.fail(`unknown snapshot id ${x}`);
  const uuids = new Map<string, string>();
  const where = (p: string) => {
    let out = p.replace(rootUri, 'file:///lake/');
    for (const [raw, n] of ids) out = out.replaceAll(String(raw), `S${n}`);
    return out.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (u) => {
      if (!uuids.has(u)) uuids.set(u, `00000000-0000-0000-0000-${String(uuids.size + 1).padStart(12, '0')}`);
      return uuids.get(u)!;
    });
  };
  const text = serializeMetadata({
    ...m,
    'table-uuid': '00000000-0000-0000-0000-000000000000',
    location: where(m.location),
    'last-updated-ms': 0,
    ...(m['current-snapshot-id'] === undefined ? {} : { 'current-snapshot-id': id(m['current-snapshot-id']) }),
    refs: Object.fromEntries(Object.entries(m.refs).map(([k, r]) => [k, { ...r, 'snapshot-id': id(r['snapshot-id']) }])),
    snapshots: m.snapshots.map((s) => ({
      ...s,
      'snapshot-id': id(s['snapshot-id']),
      ...(s['parent-snapshot-id'] === undefined ? {} : { 'parent-snapshot-id': id(s['parent-snapshot-id']) }),
      'timestamp-ms': 0,
      'manifest-list': where(s['manifest-list']),
    })),
    'snapshot-log': m['snapshot-log'].map((e) => ({ 'timestamp-ms': 0, 'snapshot-id': id(e['snapshot-id']) })),
    'metadata-log': m['metadata-log'].map((e) => ({ 'timestamp-ms': 0, 'metadata-file': where(e['metadata-file']) })),
  });
  // The stand-ins are small numbers, so JSON.parse loses nothing here.
  return JSON.stringify(JSON.parse(text), null, 2) + '\n';
}

test('table metadata after create, two appends, a property and a new column is what golden/metadata.json holds', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'silt-golden-'));
  made.push(dir);
  const store = new LocalStore(dir);
  const m0 = newTableMetadata({
    location: store.uri('warehouse/db/events'), schema, lastColumnId, partitionFields: [...spec.fields], properties: { 'write.format.default': 'parquet' },
  });
  const table = new Table(store, new MemoryPointer('db.events', await writeMetadataFile(store, m0, 0), store));
  await table.refresh();
  const data = (name: string, day: number, rows: number): DataFile => ({ ...file(name, day, rows), filePath: store.uri(`warehouse/db/events/data/ts_day=${day}/${name}.parquet`) });
  await table.append([data('a', 19727, 5), data('b', 19728, 7)]);
  await table.append([data('c', 19730, 1)]);
  await table.setProperties({ owner: 'data-eng' });
  await table.evolveSchema([{ kind: 'add', name: 'note', type: 'string', doc: 'added later' }]);
  const text = normalised(await table.refresh(), store.rootUri);
  const want = Buffer.from(await golden('metadata.json', text)).toString('utf8');
  assert.deepEqual(JSON.parse(text), JSON.parse(want), 'fields differ from golden/metadata.json');
  assert.equal(text, want, 'the field order or layout differs from golden/metadata.json');
});
