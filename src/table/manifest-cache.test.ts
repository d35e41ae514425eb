import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LocalStore } from '../storage/index.js';
import { ManifestCache } from './manifest-cache.js';
import { encodeManifestList, type ManifestFile } from './manifest-list.js';
import { ManifestReader } from './table-io.js';
import type { Snapshot } from './types.js';

function entry(n: number): ManifestFile {
  return {
    manifestPath: `file:///nowhere/m${n}.avro`, manifestLength: 100 + n, partitionSpecId: 0, content: 0, sequenceNumber: 1, minSequenceNumber: 1,
    addedSnapshotId: 1n, addedFilesCount: 1, existingFilesCount: 0, deletedFilesCount: 0, addedRowsCount: 1, existingRowsCount: 0, deletedRowsCount: 0,
  };
}

async function withStore(fn: (store: LocalStore) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-manifest-cache-'));
  try {
    await fn(new LocalStore(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A manifest list of `count` manifests written at `key` for snapshot `id`. */
async function writeList(store: LocalStore, key: string, id: bigint, count: number): Promise<Snapshot> {
  await store.put(key, encodeManifestList({ snapshotId: id, parentSnapshotId: undefined, sequenceNumber: 1 }, Array.from({ length: count }, (_, i) => entry(i))));
  return { 'snapshot-id': id, 'sequence-number': 1, 'timestamp-ms': 0, 'manifest-list': store.uri(key), summary: { operation: 'append' } } as Snapshot;
}

test('a repeat read of a cached manifest list reads no file; a path written again for another snapshot is read afresh', async () => {
  await withStore(async (store) => {
    const cache = new ManifestCache();
    const first = await writeList(store, 'metadata/snap.avro', 11n, 1);
    assert.equal((await new ManifestReader(store, 'ops.t', cache).manifests(first)).length, 1);
    await store.delete('metadata/snap.avro');
    // Another reader (the next statement) of the same snapshot: served from the cache, the file is not read.
    assert.equal((await new ManifestReader(store, 'ops.t', cache).manifests(first)).length, 1);
    assert.deepEqual([cache.hits, cache.misses], [1, 1]);
    // The same path now holds another snapshot's list (a table made again at its old location).
    const second = await writeList(store, 'metadata/snap.avro', 12n, 3);
    assert.equal((await new ManifestReader(store, 'ops.t', cache).manifests(second)).length, 3);
  });
});

test('the cache keeps within its bytes, the least recently used out first; a file larger than the bound is not kept', async () => {
  await withStore(async (store) => {
    const lists: Snapshot[] = [];
    for (let i = 0; i < 4; i++) lists.push(await writeList(store, `metadata/snap-${i}.avro`, BigInt(20 + i), 2));
    const size = (await store.get('metadata/snap-0.avro')).length;
    const cache = new ManifestCache(size * 2);
    const read = (i: number) => new ManifestReader(store, 'ops.t', cache).manifests(lists[i]!);
    await read(0);
    await read(1);
    await read(0); // 0 is now the most recent: 2 pushes 1 out
    await read(2);
    assert.deepEqual(cache.size, { entries: 2, bytes: size * 2 });
    const misses = cache.misses;
    await read(0);
    assert.equal(cache.misses, misses, 'the list read most recently stayed');
    await read(1);
    assert.equal(cache.misses, misses + 1, 'the least recently used list was dropped');
    const tiny = new ManifestCache(size - 1);
    await new ManifestReader(store, 'ops.t', tiny).manifests(lists[3]!);
    assert.deepEqual(tiny.size, { entries: 0, bytes: 0 });
  });
});
