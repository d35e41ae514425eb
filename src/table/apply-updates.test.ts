import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommitConflict, InvalidInput } from '../errors.js';
import { applyUpdates, checkRequirements } from './apply-updates.js';
import { parseMetadata, serializeMetadata } from './metadata-json.js';
import { buildSchema } from './schema.js';
import { newTableMetadata } from './table-metadata.js';
import type { Snapshot, TableMetadata } from './types.js';
import { assertRef, setBranch, type TableRequirement, type TableUpdate } from './updates.js';

const { schema, lastColumnId } = buildSchema([
  { name: 'id', type: 'long', required: true },
  { name: 'ts', type: 'timestamp' },
]);
const T = 'db.events';

function empty(): TableMetadata {
  return newTableMetadata({ location: 'file:///lake/db/events', schema, lastColumnId });
}

function snap(id: bigint, seq: number, parent?: bigint, extra: Partial<Snapshot> = {}): Snapshot {
  return {
    'sequence-number': seq, 'snapshot-id': id, ...(parent === undefined ? {} : { 'parent-snapshot-id': parent }),
    'timestamp-ms': 1_700_000_000_000 + seq, summary: { operation: 'append' }, 'manifest-list': `file:///lake/db/events/metadata/snap-${id}.avro`,
    'schema-id': 0, ...extra,
  };
}

/** A table with two snapshots, 11 then 22 (current). */
function twoSnapshots(): TableMetadata {
  return applyUpdates(empty(), [
    { action: 'add-snapshot', snapshot: snap(11n, 1) }, setBranch(11n),
    { action: 'add-snapshot', snapshot: snap(22n, 2, 11n) }, setBranch(22n),
  ], T, 5);
}

function refused(updates: TableUpdate[], base: TableMetadata, words: RegExp): void {
  assert.throws(() => applyUpdates(base, updates, T), (e: unknown) => {
    assert.ok(e instanceof InvalidInput, `expected InvalidInput, got ${String(e)}`);
    assert.match(e.message, new RegExp(`^commit: ${T}: update \\d+ \\(${updates.at(-1)!.action}\\) is refused`));
    assert.match(e.message, words);
    return true;
  });
}

function conflict(base: TableMetadata | undefined, r: TableRequirement, words: RegExp): void {
  assert.throws(() => checkRequirements(base, [r], T), (e: unknown) => {
    assert.ok(e instanceof CommitConflict, `expected CommitConflict, got ${String(e)}`);
    assert.match(e.message, new RegExp(`requirement ${r.type}`));
    assert.match(e.message, words);
    return true;
  });
}

test('every requirement passes on the base it describes and is a conflict naming itself on another', () => {
  const m = twoSnapshots();
  const holds: TableRequirement[] = [
    { type: 'assert-table-uuid', uuid: m['table-uuid'].toUpperCase() },
    assertRef(22n), assertRef(undefined, 'audit'),
    { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 2 },
    { type: 'assert-current-schema-id', 'current-schema-id': 0 },
    { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 999 },
    { type: 'assert-default-spec-id', 'default-spec-id': 0 },
    { type: 'assert-default-sort-order-id', 'default-sort-order-id': 0 },
  ];
  checkRequirements(m, holds, T);
  checkRequirements(undefined, [{ type: 'assert-create' }], T);
  conflict(m, { type: 'assert-create' }, /already exists/);
  conflict(undefined, assertRef(22n), /does not exist/);
  conflict(m, { type: 'assert-table-uuid', uuid: '00000000-0000-0000-0000-000000000000' }, new RegExp(`its uuid is ${m['table-uuid']}`));
  conflict(m, assertRef(11n), /main is at snapshot 22/);
  conflict(m, assertRef(undefined), /main exists at snapshot 22/);
  conflict(m, assertRef(22n, 'audit'), /audit does not exist/);
  conflict(m, { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 1 }, /last assigned field id is 2/);
  conflict(m, { type: 'assert-current-schema-id', 'current-schema-id': 1 }, /current schema id is 0/);
  conflict(m, { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 1000 }, /last assigned partition id is 999/);
  conflict(m, { type: 'assert-default-spec-id', 'default-spec-id': 1 }, /default spec id is 0/);
  conflict(m, { type: 'assert-default-sort-order-id', 'default-sort-order-id': 1 }, /default sort order id is 0/);
  assert.throws(() => checkRequirements(m, [{ type: 'assert-nothing' } as unknown as TableRequirement], T), InvalidInput);
});

test('add-snapshot and set-snapshot-ref make a snapshot current, logged at its time; bad ones are refused', () => {
  const m = twoSnapshots();
  assert.equal(m['current-snapshot-id'], 22n);
  assert.equal(m['last-sequence-number'], 2);
  assert.deepEqual(m.refs.main, { 'snapshot-id': 22n, type: 'branch' });
  assert.deepEqual(m['snapshot-log'].map((e) => [e['timestamp-ms'], e['snapshot-id']]), [[1_700_000_000_001, 11n], [1_700_000_000_002, 22n]]);
  // A ref move without a new snapshot (a rollback) is stamped with the commit's time.
  const back = applyUpdates(m, [setBranch(11n)], T, 42);
  assert.equal(back['current-snapshot-id'], 11n);
  assert.deepEqual(back['snapshot-log'].at(-1), { 'timestamp-ms': 42, 'snapshot-id': 11n });
  assert.equal(applyUpdates(m, [setBranch(22n)], T)['snapshot-log'].length, 2, 'setting a ref to where it is changes nothing');
  const tagged = applyUpdates(m, [{ action: 'set-snapshot-ref', 'ref-name': 'v1', type: 'tag', 'snapshot-id': 11n, 'max-ref-age-ms': 9 }], T);
  assert.deepEqual(tagged.refs.v1, { 'snapshot-id': 11n, type: 'tag', 'max-ref-age-ms': 9 });
  assert.equal(tagged['current-snapshot-id'], 22n, 'a tag does not move main');

  refused([{ action: 'add-snapshot', snapshot: snap(33n, 3, 99n) }], m, /parent snapshot 99 does not exist/);
  refused([{ action: 'add-snapshot', snapshot: snap(22n, 3, 11n) }], m, /snapshot 22 already exists/);
  refused([{ action: 'add-snapshot', snapshot: snap(33n, 2, 22n) }], m, /sequence number 2 is not above the table's last 2/);
  refused([{ action: 'add-snapshot', snapshot: snap(33n, 3, 22n, { summary: { operation: 'merge' as 'append' } }) }], m, /operation "merge"/);
  refused([{ action: 'add-snapshot', snapshot: snap(33n, 3, 22n, { 'schema-id': 7 }) }], m, /no schema 7/);
  refused([{ action: 'add-snapshot', snapshot: snap(-1n, 3, 22n) }], m, /positive/);
  refused([setBranch(77n)], m, /no snapshot 77/);
  refused([{ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'tag', 'snapshot-id': 11n }], m, /main must be a branch/);
});

test('remove-snapshots drops them, their refs and the history before them; remove-snapshot-ref of main clears the current snapshot', () => {
  const m = applyUpdates(twoSnapshots(), [{ action: 'set-snapshot-ref', 'ref-name': 'old', type: 'tag', 'snapshot-id': 11n }], T);
  const pruned = applyUpdates(m, [{ action: 'remove-snapshots', 'snapshot-ids': [11n] }], T);
  assert.deepEqual(pruned.snapshots.map((s) => s['snapshot-id']), [22n]);
  assert.equal(pruned.refs.old, undefined);
  assert.deepEqual(pruned['snapshot-log'].map((e) => e['snapshot-id']), [22n]);
  refused([{ action: 'remove-snapshots', 'snapshot-ids': [5n] }], m, /no snapshot 5/);
  const noMain = applyUpdates(m, [{ action: 'remove-snapshot-ref', 'ref-name': 'main' }], T);
  assert.equal(noMain['current-snapshot-id'], undefined);
  assert.equal(noMain.refs.main, undefined);
  assert.doesNotThrow(() => applyUpdates(m, [{ action: 'remove-snapshot-ref', 'ref-name': 'nope' }], T));
  assert.equal(serializeMetadata(noMain).includes('current-snapshot-id'), false);
});

test('add-schema + set-current-schema -1 makes the added schema current; a schema equal to a known one reuses its id', () => {
  const m = empty();
  const wider = { ...schema, 'schema-id': 0, fields: [...schema.fields, { id: 3, name: 'note', required: false, type: 'string' as const }] };
  const next = applyUpdates(m, [{ action: 'add-schema', schema: wider, 'last-column-id': 3 }, { action: 'set-current-schema', 'schema-id': -1 }], T);
  assert.equal(next['current-schema-id'], 1, 'a taken id is replaced by the next free one');
  assert.equal(next['last-column-id'], 3);
  assert.equal(next.schemas.length, 2);
  const again = applyUpdates(next, [{ action: 'add-schema', schema: { ...schema, 'schema-id': 5 } }, { action: 'set-current-schema', 'schema-id': -1 }], T);
  assert.equal(again['current-schema-id'], 0);
  assert.equal(again.schemas.length, 2);
  refused([{ action: 'set-current-schema', 'schema-id': -1 }], m, /adds none/);
  refused([{ action: 'set-current-schema', 'schema-id': 4 }], m, /no schema 4/);
  refused([{ action: 'add-schema', schema: wider, 'last-column-id': 1 }], m, /last-column-id 1 is below the table's 2/);
  refused([{ action: 'remove-schemas', 'schema-ids': [0] }], m, /schema 0 is the current schema/);
  assert.equal(applyUpdates(next, [{ action: 'remove-schemas', 'schema-ids': [0] }], T).schemas.length, 1);
});

test('add-spec / set-default-spec and add-sort-order / set-default-sort-order, with their checks', () => {
  const m = empty();
  const spec = { 'spec-id': 0, fields: [{ 'source-id': 2, 'field-id': 1000, name: 'ts_day', transform: 'day' }] };
  const next = applyUpdates(m, [{ action: 'add-spec', spec }, { action: 'set-default-spec', 'spec-id': -1 }], T);
  assert.equal(next['default-spec-id'], 1);
  assert.equal(next['last-partition-id'], 1000);
  assert.deepEqual(next['partition-specs'][1]!.fields, spec.fields);
  refused([{ action: 'add-spec', spec: { 'spec-id': 1, fields: [{ 'source-id': 9, 'field-id': 1000, name: 'x', transform: 'identity' }] } }], m, /x refers to no primitive column \(id 9\)/);
  refused([{ action: 'add-spec', spec: { 'spec-id': 1, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'id_day', transform: 'day' }] } }], m, /id_day/);
  refused([{ action: 'set-default-spec', 'spec-id': 3 }], m, /no partition spec 3/);
  refused([{ action: 'remove-partition-specs', 'spec-ids': [0] }], m, /spec 0 is the default/);
  assert.equal(applyUpdates(next, [{ action: 'remove-partition-specs', 'spec-ids': [0] }], T)['partition-specs'].length, 1);

  const order = { 'order-id': 0, fields: [{ transform: 'identity', 'source-id': 1, direction: 'desc' as const, 'null-order': 'nulls-last' as const }] };
  const sorted = applyUpdates(m, [{ action: 'add-sort-order', 'sort-order': order }, { action: 'set-default-sort-order', 'sort-order-id': -1 }], T);
  assert.equal(sorted['default-sort-order-id'], 1, 'order 0 stays the unsorted order');
  refused([{ action: 'add-sort-order', 'sort-order': { 'order-id': 1, fields: [{ ...order.fields[0]!, direction: 'up' as 'asc' }] } }], m, /direction "up"/);
  refused([{ action: 'add-sort-order', 'sort-order': { 'order-id': 1, fields: [{ ...order.fields[0]!, 'source-id': 8 }] } }], m, /no column \(id 8\)/);
  refused([{ action: 'set-default-sort-order', 'sort-order-id': 2 }], m, /no sort order 2/);
});

test('properties, location, uuid and format version updates', () => {
  const m = applyUpdates(empty(), [{ action: 'set-properties', updates: { a: '1', b: '2' } }, { action: 'remove-properties', removals: ['a', 'absent'] }], T);
  assert.deepEqual(m.properties, { b: '2' });
  refused([{ action: 'set-properties', updates: { a: 1 as unknown as string } }], m, /property "a" must have a string value/);
  refused([{ action: 'remove-properties', removals: 'a' as unknown as string[] }], m, /list of property names/);
  assert.equal(applyUpdates(m, [{ action: 'set-location', location: 's3://bucket/t/' }], T).location, 's3://bucket/t');
  refused([{ action: 'set-location', location: 'relative/path' }], m, /must be a URI/);
  assert.equal(applyUpdates(m, [{ action: 'assign-uuid', uuid: m['table-uuid'] }], T)['table-uuid'], m['table-uuid']);
  refused([{ action: 'assign-uuid', uuid: '00000000-0000-0000-0000-000000000000' }], m, /cannot be reassigned/);
  refused([{ action: 'assign-uuid', uuid: 'nope' }], m, /not a UUID/);
  assert.equal(applyUpdates(m, [{ action: 'upgrade-format-version', 'format-version': 2 }], T)['format-version'], 2);
  refused([{ action: 'upgrade-format-version', 'format-version': 3 }], m, /format version 3 is not supported/);
  refused([{ action: 'upgrade-format-version', 'format-version': 1 }], m, /cannot downgrade/);
  refused([{ action: 'frobnicate' } as unknown as TableUpdate], m, /unknown action/);
});

test('statistics files are set per snapshot, replaced, removed, and survive a metadata round trip', () => {
  const m = twoSnapshots();
  const stats = { 'snapshot-id': 22n, 'statistics-path': 'file:///lake/s.puffin', 'file-size-in-bytes': 10, 'file-footer-size-in-bytes': 4, 'blob-metadata': [] };
  const withStats = applyUpdates(m, [
    { action: 'set-statistics', statistics: stats },
    { action: 'set-statistics', 'snapshot-id': 22n, statistics: { ...stats, 'file-size-in-bytes': 11 } },
    { action: 'set-partition-statistics', 'partition-statistics': { 'snapshot-id': 11n, 'statistics-path': 'file:///lake/p.parquet', 'file-size-in-bytes': 3 } },
  ], T);
  assert.deepEqual(withStats.statistics?.map((s) => s['file-size-in-bytes']), [11]);
  const back = parseMetadata(serializeMetadata(withStats));
  assert.equal(back.statistics?.[0]?.['snapshot-id'], 22n);
  assert.equal(back['partition-statistics']?.[0]?.['snapshot-id'], 11n);
  const gone = applyUpdates(withStats, [{ action: 'remove-statistics', 'snapshot-id': 22n }, { action: 'remove-partition-statistics', 'snapshot-id': 11n }], T);
  assert.deepEqual([gone.statistics, gone['partition-statistics']], [[], []]);
  assert.deepEqual(applyUpdates(withStats, [{ action: 'remove-snapshots', 'snapshot-ids': [11n] }], T)['partition-statistics'], []);
  refused([{ action: 'set-statistics', statistics: { ...stats, 'snapshot-id': 5n } }], m, /no snapshot 5/);
  refused([{ action: 'set-statistics', 'snapshot-id': 11n, statistics: stats }], m, /differs/);
  refused([{ action: 'set-partition-statistics', 'partition-statistics': { 'snapshot-id': 5n, 'statistics-path': 'x:y', 'file-size-in-bytes': 1 } }], m, /no snapshot 5/);
});

test('updates apply to a copy: the base is unchanged, and a refused update changes nothing', () => {
  const m = twoSnapshots();
  const before = serializeMetadata(m);
  applyUpdates(m, [{ action: 'set-properties', updates: { x: 'y' } }, setBranch(11n)], T);
  assert.throws(() => applyUpdates(m, [{ action: 'set-properties', updates: { z: 'w' } }, setBranch(5n)], T), InvalidInput);
  assert.equal(serializeMetadata(m), before);
});
