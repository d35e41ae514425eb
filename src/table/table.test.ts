import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidInput, NotFound } from '../errors.js';
import { LocalStore } from '../storage/index.js';
import { u8 } from './bytes.js';
import { decodeManifestList } from './manifest-list.js';
import { parseMetadata } from './metadata-json.js';
import { parsePartitionSpec } from './partition-spec.js';
import type { MetadataPointer } from './pointer.js';
import { referencedFiles } from './referenced-files.js';
import { buildSchema, currentSchema } from './schema.js';
import { Table } from './table.js';
import { newTableMetadata, snapshotAsOf, writeMetadataFile } from './table-metadata.js';
import { applyTransform } from './transforms.js';
import type { DataFile, TableMetadata } from './types.js';
import { serializeValue } from './values.js';
import { coerceLiteral } from './literals.js';

/** Test double of the catalog's CAS: a JSON file holding the location; swap is compare-then-write (sync, so atomic here). */
class FilePointer implements MetadataPointer {
  constructor(readonly name: string, private readonly file: string, private readonly store: LocalStore) {}

  async load(): Promise<{ metadataLocation: string; metadata: TableMetadata }> {
    const metadataLocation = (JSON.parse(readFileSync(this.file, 'utf8')) as { location: string }).location;
    const text = (await this.store.get(this.store.keyOf(metadataLocation))).toString('utf8');
    return { metadataLocation, metadata: parseMetadata(text) };
  }

  async swap(expected: string, next: string): Promise<boolean> {
    const current = (JSON.parse(readFileSync(this.file, 'utf8')) as { location: string }).location;
    if (current !== expected) return false;
    writeFileSync(this.file, JSON.stringify({ location: next }));
    return true;
  }
}

let dir: string;
let store: LocalStore;
let pointer: FilePointer;
let table: Table;
const { schema, lastColumnId } = buildSchema([
  { name: 'id', type: 'long', required: true },
  { name: 'ts', type: 'timestamp' },
  { name: 'name', type: 'string' },
]);

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'silt-table-'));
  store = new LocalStore(dir);
  const m = newTableMetadata({
    location: store.uri('warehouse/db/events'), schema, lastColumnId,
    partitionFields: parsePartitionSpec('day(ts)', schema),
  });
  const location = await writeMetadataFile(store, m, 0);
  writeFileSync(path.join(dir, 'pointer.json'), JSON.stringify({ location }));
  pointer = new FilePointer('db.events', path.join(dir, 'pointer.json'), store);
  table = new Table(store, pointer);
  await table.refresh();
});

after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

let n = 0;
function dataFile(day: string, ids: [number, number], rows = ids[1] - ids[0] + 1): DataFile {
  const ts = coerceLiteral('timestamp', `${day} 12:00:00`);
  return {
    content: 0,
    filePath: store.uri(`warehouse/db/events/data/ts_day=${day}/f${n++}.parquet`),
    fileFormat: 'PARQUET',
    specId: 0,
    partition: [applyTransform('day', 'timestamp', ts)],
    recordCount: rows,
    fileSizeInBytes: 100 * rows,
    valueCounts: new Map([[1, rows], [2, rows], [3, rows]]),
    nullValueCounts: new Map([[1, 0], [2, 0], [3, rows]]),
    lowerBounds: new Map([[1, serializeValue('long', BigInt(ids[0]))], [2, serializeValue('timestamp', ts)]]),
    upperBounds: new Map([[1, serializeValue('long', BigInt(ids[1]))], [2, serializeValue('timestamp', ts)]]),
  };
}

const names = (files: readonly DataFile[]): string[] => files.map((f) => path.basename(f.filePath)).sort();

const f1 = (): DataFile => dataFile('2024-01-05', [1, 10]);
let a: DataFile;
let b: DataFile;
let c: DataFile;

test('an empty table plans no files', async () => {
  const plan = await table.planFiles();
  assert.equal(plan.snapshot, undefined);
  assert.deepEqual(plan.files, []);
  assert.equal(plan.schema['schema-id'], 0);
});

test('two appends make two snapshots with increasing sequence numbers and carried totals', async () => {
  a = f1();
  b = dataFile('2024-01-05', [11, 20]);
  c = dataFile('2024-01-06', [21, 30]);
  const s1 = await table.append([a, b]);
  await sleep(5);
  const s2 = await table.append([c], { summary: { 'silt.run-id': 'r1' } });
  assert.equal(s1['sequence-number'], 1);
  assert.equal(s2['sequence-number'], 2);
  assert.equal(s2['parent-snapshot-id'], s1['snapshot-id']);
  assert.equal(s2.summary.operation, 'append');
  assert.equal(s2.summary['silt.run-id'], 'r1');
  assert.equal(s2.summary['added-records'], '10');
  assert.equal(s2.summary['total-records'], '30');
  assert.equal(s2.summary['total-data-files'], '3');
  assert.equal(s2.summary['total-files-size'], '3000');
  assert.equal(s2.summary['total-delete-files'], '0');
  const m = table.metadata;
  assert.equal(m['current-snapshot-id'], s2['snapshot-id']);
  assert.deepEqual(m.refs.main, { 'snapshot-id': s2['snapshot-id'], type: 'branch' });
  assert.equal(m['last-sequence-number'], 2);
  assert.equal(m['metadata-log'].length, 2);
  assert.match(table.metadataLocation, /\/metadata\/00002-[0-9a-f-]+\.metadata\.json$/);
  const live = await table.liveEntries();
  assert.deepEqual(live.map((e) => [path.basename(e.dataFile.filePath), e.sequenceNumber]).sort(), [
    [path.basename(a.filePath), 1], [path.basename(b.filePath), 1], [path.basename(c.filePath), 2],
  ].sort());
  // the manifest list is the one the metadata names, with exact manifest lengths
  const list = decodeManifestList(u8(await store.get(store.keyOf(s2['manifest-list']))), 'list');
  assert.equal(list.length, 2);
  for (const mf of list) assert.equal(mf.manifestLength, await store.size(store.keyOf(mf.manifestPath)));
});

test('planFiles prunes by partition (day) and by column bounds (long)', async () => {
  const plan = async (filter: Parameters<Table['planFiles']>[0]): Promise<string[]> => names((await table.planFiles(filter)).files);
  assert.deepEqual(await plan({}), names([a, b, c]));
  assert.deepEqual(await plan({ filter: { op: '>=', column: 'ts', value: '2024-01-06 00:00:00' } }), names([c]));
  assert.deepEqual(await plan({ filter: { op: '<', column: 'ts', value: '2024-01-01' } }), []);
  assert.deepEqual(await plan({ filter: { op: '=', column: 'id', value: 15 } }), names([b]));
  assert.deepEqual(await plan({ filter: { op: 'in', column: 'ID', values: [3, 25] } }), names([a, c]));
  assert.deepEqual(await plan({ filter: { op: 'not', arg: { op: '<=', column: 'id', value: 20 } } }), names([c]));
  assert.deepEqual(await plan({ filter: { op: 'or', args: [{ op: '>', column: 'id', value: 100 }, { op: 'is-null', column: 'id' }] } }), []);
  assert.deepEqual(await plan({ filter: { op: 'and', args: [{ op: 'not-null', column: 'name' }, { op: '=', column: 'id', value: 1 }] } }), []);
  assert.deepEqual(await plan({ filter: { op: 'and', args: [{ op: 'true' }, { op: '=', column: 'nope', value: 1 }] } }), names([a, b, c]));
  const all = await table.planFiles({ filter: { op: '=', column: 'id', value: 15 } });
  assert.equal(all.filesTotal, 3);
  assert.equal(all.bytesTotal, 3000);
});

test('rewrite deletes a file: its manifest is rewritten, the other kept as it was', async () => {
  const before = (await table.liveEntries()).length;
  const s3 = await table.rewrite('delete', async (_base, live) => {
    assert.equal(live.length, before);
    return { remove: [a.filePath], add: [] };
  });
  assert.ok(s3);
  assert.equal(s3.summary.operation, 'delete');
  assert.equal(s3.summary['deleted-data-files'], '1');
  assert.equal(s3.summary['deleted-records'], '10');
  assert.equal(s3.summary['total-records'], '20');
  assert.equal(s3['sequence-number'], 3);
  const live = await table.liveEntries();
  const byName = new Map(live.map((e) => [path.basename(e.dataFile.filePath), e]));
  assert.deepEqual([...byName.keys()].sort(), names([b, c]));
  // b survived a rewritten manifest: EXISTING, still with its original sequence number
  assert.equal(byName.get(path.basename(b.filePath))!.status, 0);
  assert.equal(byName.get(path.basename(b.filePath))!.sequenceNumber, 1);
  assert.equal(byName.get(path.basename(c.filePath))!.status, 1);
  assert.equal(byName.get(path.basename(c.filePath))!.sequenceNumber, 2);
  const list = decodeManifestList(u8(await store.get(store.keyOf(s3['manifest-list']))), 'list');
  const rewritten = list.find((mf) => mf.addedSnapshotId === s3['snapshot-id'])!;
  assert.deepEqual([rewritten.existingFilesCount, rewritten.deletedFilesCount, rewritten.minSequenceNumber, rewritten.sequenceNumber], [1, 1, 1, 3]);
  assert.equal(await table.rewrite('overwrite', async () => ({ remove: [], add: [] })), undefined);
  assert.equal(table.metadata.snapshots.length, 3);
});

test('rewrite refuses to remove a file that is not live, naming it', async () => {
  await assert.rejects(
    table.rewrite('delete', async () => ({ remove: [a.filePath], add: [] })),
    (e) => e instanceof InvalidInput && e.message.includes(`${a.filePath} is not a live file`),
  );
});

test('append refuses partition values of the wrong type', async () => {
  const bad = { ...dataFile('2024-01-07', [1, 2]), partition: ['2024-01-07'] };
  await assert.rejects(table.append([bad]), (e) => e instanceof InvalidInput && /partition ts_day value "2024-01-07" is not a date/.test(e.message));
});

test('evolveSchema commits a new schema; time travel still sees the old one', async () => {
  const first = table.metadata.snapshots[0]!;
  const m = await table.evolveSchema([{ kind: 'add', name: 'country', type: 'string' }, { kind: 'rename', from: 'name', to: 'full_name' }]);
  assert.equal(m['current-schema-id'], 1);
  assert.deepEqual(currentSchema(m).fields.map((f) => f.name), ['id', 'ts', 'full_name', 'country']);
  const old = await table.planFiles({ snapshotId: first['snapshot-id'] });
  assert.equal(old.schema['schema-id'], 0);
  assert.deepEqual(names(old.files), names([a, b]));
  // an append with schema changes lands schema and data in one commit
  const d = dataFile('2024-01-08', [31, 31]);
  const s = await table.append([d], { schemaChanges: [{ kind: 'add', name: 'score', type: 'double' }] });
  assert.equal(s['schema-id'], 2);
  assert.deepEqual(names((await table.planFiles()).files), names([b, c, d]));
});

test('rollback makes an older snapshot current and logs it; snapshotAsOf follows the log', async () => {
  const [s1, s2] = table.metadata.snapshots;
  const m = await table.rollback(s2!['snapshot-id']);
  assert.equal(m['current-snapshot-id'], s2!['snapshot-id']);
  assert.equal(m['snapshot-log'].at(-1)!['snapshot-id'], s2!['snapshot-id']);
  assert.deepEqual(names((await table.planFiles()).files), names([a, b, c]));
  assert.equal(snapshotAsOf(m, s1!['timestamp-ms'])['snapshot-id'], s1!['snapshot-id']);
  assert.equal(snapshotAsOf(m, s2!['timestamp-ms'])['snapshot-id'], s2!['snapshot-id']);
  assert.equal(snapshotAsOf(m, Date.now())['snapshot-id'], s2!['snapshot-id']);
  assert.throws(() => snapshotAsOf(m, s1!['timestamp-ms'] - 1), (e) => e instanceof NotFound && /no snapshot at or before/.test(e.message));
  assert.deepEqual(names((await table.planFiles({ asOfMs: s1!['timestamp-ms'] })).files), names([a, b]));
  await assert.rejects(table.rollback(42n), (e) => e instanceof NotFound && /^snapshot: db\.events has no snapshot 42; `silt table snapshots db\.events` lists them$/.test(e.message));
  await assert.rejects(table.planFiles({ snapshotId: 43n }), (e) => e instanceof NotFound && /^snapshot: db\.events has no snapshot 43;/.test(e.message));
});

test('concurrent appends from two Table objects on one pointer both land', async () => {
  const other = new Table(store, pointer);
  await other.refresh();
  const before = table.metadata['last-sequence-number'];
  const x = dataFile('2024-02-01', [100, 110]);
  const y = dataFile('2024-02-02', [200, 210]);
  const [sx, sy] = await Promise.all([table.append([x]), other.append([y])]);
  assert.deepEqual([sx['sequence-number'], sy['sequence-number']].sort(), [before + 1, before + 2]);
  const m = await table.refresh();
  assert.equal(m['last-sequence-number'], before + 2);
  const live = names((await table.planFiles()).files);
  assert.ok(live.includes(path.basename(x.filePath)) && live.includes(path.basename(y.filePath)));
  assert.equal(new Set(m.snapshots.map((s) => s['snapshot-id'])).size, m.snapshots.length);
});

test('setProperties commits only real changes', async () => {
  const m = await table.setProperties({ owner: 'data-team', 'write.format.default': 'parquet' });
  assert.equal(m.properties.owner, 'data-team');
  const same = await table.setProperties({ owner: 'data-team' });
  assert.equal(same['last-updated-ms'], m['last-updated-ms']);
  const removed = await table.setProperties({}, ['owner']);
  assert.equal(removed.properties.owner, undefined);
});

test('referencedFiles names every metadata, manifest list, manifest and data file, and nothing else', async () => {
  const m = table.metadata;
  const refs = await referencedFiles(store, m, table.metadataLocation);
  const tableKey = store.keyOf(m.location);
  await store.put(`${tableKey}/data/orphan.parquet`, 'x');
  const all = (await store.list(`${tableKey}/`)).map((o) => store.uri(o.key));
  const unreferenced = all.filter((u) => !refs.has(u)).map((u) => path.basename(u));
  assert.deepEqual(unreferenced, ['orphan.parquet']);
  assert.ok(refs.has(table.metadataLocation));
  for (const s of m.snapshots) assert.ok(refs.has(s['manifest-list']));
});

test('setPartitionSpec evolves the default spec: field ids carry over, an equal spec is reused, written files keep theirs', async () => {
  const before = (await table.planFiles()).files;
  const m = await table.setPartitionSpec('day(ts), bucket(4, id)');
  assert.equal(m['default-spec-id'], 1);
  assert.deepEqual(m['partition-specs'].find((s) => s['spec-id'] === 1)!.fields, [
    { 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' },
    { 'source-id': 1, 'field-id': 1001, name: 'id_bucket', transform: 'bucket[4]' },
  ]);
  assert.equal(m['last-partition-id'], 1001);
  const same = await table.setPartitionSpec('day(ts),bucket(4,id)');
  assert.equal(same['last-updated-ms'], m['last-updated-ms'], 'the same spec commits nothing');
  const back = await table.setPartitionSpec('day(ts)');
  assert.equal(back['default-spec-id'], 0, 'going back reuses the first spec');
  assert.equal(back['partition-specs'].length, 2);
  const after = (await table.planFiles()).files;
  assert.deepEqual(names(after), names(before));
  assert.ok(after.every((f) => f.specId === 0));
  await assert.rejects(table.setPartitionSpec('hour(id)'), /hour cannot be applied to column id of type long/);
});

test('a big append to a partitioned table is cut into manifests of narrow partition ranges, so a one-day plan reads one', async () => {
  class CountingStore extends LocalStore {
    readonly reads: string[] = [];
    override async get(key: string): Promise<Buffer> {
      this.reads.push(key);
      return super.get(key);
    }
  }
  const counting = new CountingStore(dir);
  const m = newTableMetadata({
    location: store.uri('warehouse/db/many'), schema, lastColumnId,
    partitionFields: parsePartitionSpec('day(ts)', schema),
  });
  writeFileSync(path.join(dir, 'many.json'), JSON.stringify({ location: await writeMetadataFile(store, m, 0) }));
  const many = new Table(store, new FilePointer('db.many', path.join(dir, 'many.json'), store));
  const day = (i: number): string => new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  // Two files a day for 300 days, handed over out of order.
  const files = Array.from({ length: 600 }, (_, i) => dataFile(day((i * 7) % 300), [i * 10, i * 10 + 9]));
  const snap = await many.append(files);

  const list = decodeManifestList(u8(await store.get(store.keyOf(snap['manifest-list']))), 'list');
  assert.deepEqual(list.map((mf) => mf.addedFilesCount), [256, 256, 88]);
  const ranges = list.map((mf) => [mf.partitions![0]!.lowerBound!, mf.partitions![0]!.upperBound!].map((b) => Buffer.from(b).readInt32LE(0)));
  for (let i = 1; i < ranges.length; i++) assert.ok(ranges[i - 1]![1]! < ranges[i]![0]!, `manifest ranges overlap: ${JSON.stringify(ranges)}`);

  const fresh = new Table(counting, new FilePointer('db.many', path.join(dir, 'many.json'), counting));
  const plan = await fresh.planFiles({ filter: { op: '=', column: 'ts', value: `${day(150)} 12:00:00` } });
  assert.deepEqual(names(plan.files), names(files.filter((f) => f.filePath.includes(`ts_day=${day(150)}/`))));
  assert.equal(plan.files.length, 2);
  assert.equal(plan.filesTotal, 600);
  assert.equal(counting.reads.filter((k) => /-m\d+\.avro$/.test(k)).length, 1, `manifests read: ${counting.reads.join(', ')}`);
  assert.deepEqual(names((await fresh.planFiles()).files), names(files));
});

test('rewriting manifests merges entries in partition order, so each merged manifest covers a narrow range', async () => {
  const m = newTableMetadata({ location: store.uri('warehouse/db/merged'), schema, lastColumnId, partitionFields: parsePartitionSpec('day(ts)', schema) });
  writeFileSync(path.join(dir, 'merged.json'), JSON.stringify({ location: await writeMetadataFile(store, m, 0) }));
  const merged = new Table(store, new FilePointer('db.merged', path.join(dir, 'merged.json'), store));
  const day = (i: number): string => new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
  // Two commits, each with files all over the year: their manifests' ranges overlap entirely.
  await merged.append(Array.from({ length: 100 }, (_, i) => dataFile(day(i * 3), [i, i])));
  const s2 = await merged.append(Array.from({ length: 100 }, (_, i) => dataFile(day(i * 3 + 1), [i, i])));
  const before = decodeManifestList(u8(await store.get(store.keyOf(s2['manifest-list']))), 'list');
  const bytes = before.reduce((n, mf) => n + mf.manifestLength, 0);
  // Both manifests are below the target, and the target holds all but about one of their entries.
  await merged.setProperties({ 'commit.manifest.target-size-bytes': String(bytes - 1) });
  assert.equal((await merged.rewriteManifests())?.replaced, 2);
  const after = decodeManifestList(u8(await store.get(store.keyOf(merged.metadata.snapshots.at(-1)!['manifest-list']))), 'list');
  assert.equal(after.length, 2);
  const ranges = after.map((mf) => [mf.partitions![0]!.lowerBound!, mf.partitions![0]!.upperBound!].map((b) => Buffer.from(b).readInt32LE(0))).sort((x, y) => x[0]! - y[0]!);
  assert.ok(ranges[0]![1]! < ranges[1]![0]!, `merged manifests overlap: ${JSON.stringify(ranges)}`);
  assert.equal((await merged.planFiles()).files.length, 200);
});
