import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput, NotFound } from '../errors.js';
import type { ObjectStore } from './object-store.js';
import { swapObject } from './swap-object.js';

/** A fresh, empty store for one test, and how to remove it afterwards. */
export type StoreFactory = () => Promise<{ store: ObjectStore; cleanup(): Promise<void> }>;

/**
 * What every object store must do, as `node:test` tests: run it on each backend (the local folder
 * today; S3 when it comes) from that backend's own test file, e.g.
 * `objectStoreContract('local folder', async () => ...)`.
 */
export function objectStoreContract(name: string, factory: StoreFactory): void {
  const it = (what: string, fn: (store: ObjectStore) => Promise<void>) =>
    test(`${name}: ${what}`, async () => {
      const { store, cleanup } = await factory();
      try {
        await fn(store);
      } finally {
        await cleanup();
      }
    });

  it('put and get round-trip strings and bytes; a put replaces the object', async (s) => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.equal(await s.put('a/bytes.bin', bytes), true);
    assert.equal(await s.put('a/text.txt', 'first'), true);
    assert.deepEqual(await s.get('a/bytes.bin'), Buffer.from(bytes));
    assert.equal(await s.size('a/bytes.bin'), 256);
    assert.equal(await s.put('a/text.txt', 'second, longer'), true);
    assert.equal((await s.get('a/text.txt')).toString(), 'second, longer');
    assert.equal(await s.exists('a/text.txt'), true);
    await s.put('empty', new Uint8Array(0));
    assert.equal((await s.get('empty')).length, 0);
    assert.equal(await s.size('empty'), 0);
  });

  it('a missing key is NotFound for get, size, read, stream and sha256, and false for exists', async (s) => {
    await s.put('dir/present', 'x');
    for (const key of ['absent', 'dir/absent', 'dir', 'dir/present/below']) {
      const named = (e: unknown) => e instanceof NotFound && e.message.includes(key);
      await assert.rejects(s.get(key), named, `get ${key}`);
      await assert.rejects(s.size(key), named, `size ${key}`);
      await assert.rejects(s.read(key, { offset: 0 }), named, `read ${key}`);
      await assert.rejects(s.stream(key), named, `stream ${key}`);
      await assert.rejects(s.sha256(key), named, `sha256 ${key}`);
      assert.equal(await s.exists(key), false, `exists ${key}`);
    }
  });

  it('a reader never sees a partly written object while a large put replaces it', async (s) => {
    const size = 4 << 20;
    const old = filled(size, 0x61);
    const next = filled(size, 0x62);
    const seen = new Set<string>();
    let writing = true;
    const readers = Array.from({ length: 3 }, async () => {
      while (writing) {
        const got = await s.get('big').catch((e: unknown) => {
          if (e instanceof NotFound) return undefined;
          throw e;
        });
        if (!got) {
          seen.add('none');
          continue;
        }
        assert.equal(got.length, size, 'a read returns the whole object');
        assert.ok(got.equals(old) || got.equals(next), 'a read returns one whole write');
        seen.add(got[0] === 0x61 ? 'old' : 'new');
      }
    });
    // The first put races readers on a fresh key (they see nothing or all of it), the rest replace it.
    await s.put('big', old);
    for (let i = 0; i < 3; i++) await s.put('big', i % 2 ? old : next);
    await s.put('big', next);
    writing = false;
    await Promise.all(readers);
    assert.ok(seen.has('old') || seen.has('new'), `readers read while writes went on (saw ${[...seen]})`);
    assert.ok((await s.get('big')).equals(next));
  });

  it('of many puts racing with ifAbsent exactly one wins, the rest get false, and the object is the winner', async (s) => {
    const racers = 16;
    const payload = (i: number) => `writer ${i} `.repeat(2000);
    const results = await Promise.all(Array.from({ length: racers }, (_, i) => s.put('marker', payload(i), { ifAbsent: true })));
    assert.equal(results.filter((r) => r === true).length, 1, `one winner of ${racers}: ${results}`);
    assert.equal(results.filter((r) => r === false).length, racers - 1);
    assert.equal((await s.get('marker')).toString(), payload(results.indexOf(true)));
    assert.equal(await s.put('marker', 'late', { ifAbsent: true }), false);
    assert.equal((await s.get('marker')).toString(), payload(results.indexOf(true)));
    assert.deepEqual((await s.list('')).map((o) => o.key), ['marker'], 'losers leave nothing behind');
  });

  it('list is recursive, filters by any prefix, sorts by key and reports sizes', async (s) => {
    const keys = ['t/data/b.parquet', 't/data/a.parquet', 't/metadata/v1.json', 't-b', 't.c', 't0', 'tx/other', 'u'];
    for (const k of keys) await s.put(k, k);
    const listed = async (prefix: string) => (await s.list(prefix)).map((o) => o.key);
    // Code unit order: '-' < '.' < '/' < '0', so a folder's keys sort among its siblings by name.
    assert.deepEqual(await listed(''), ['t-b', 't.c', 't/data/a.parquet', 't/data/b.parquet', 't/metadata/v1.json', 't0', 'tx/other', 'u']);
    assert.deepEqual(await listed('t/'), ['t/data/a.parquet', 't/data/b.parquet', 't/metadata/v1.json']);
    assert.deepEqual(await listed('t/data/a'), ['t/data/a.parquet']);
    assert.deepEqual(await listed('t/me'), ['t/metadata/v1.json']);
    assert.deepEqual(await listed('t'), ['t-b', 't.c', 't/data/a.parquet', 't/data/b.parquet', 't/metadata/v1.json', 't0', 'tx/other']);
    assert.deepEqual(await listed('missing/'), []);
    assert.deepEqual(await listed('t/data/a.parquet/'), []);
    const info = (await s.list('t/metadata/'))[0]!;
    assert.equal(info.size, 't/metadata/v1.json'.length);
    assert.ok(info.modifiedMs > Date.now() - 60_000 && info.modifiedMs <= Date.now() + 1000, 'modifiedMs is a recent time in ms');
  });

  it('list never shows an object that is still being written', async (s) => {
    await s.put('t/done', 'x');
    let writing = true;
    const listing = (async () => {
      let lists = 0;
      while (writing || lists === 0) {
        for (const o of await s.list('t/')) assert.ok(o.key === 't/done' || o.key === 't/big', `unexpected key ${o.key}`);
        lists++;
      }
      return lists;
    })();
    for (let i = 0; i < 4; i++) await s.put('t/big', filled(4 << 20, i));
    writing = false;
    assert.ok((await listing) > 0);
    assert.deepEqual((await s.list('t/')).map((o) => o.key), ['t/big', 't/done']);
  });

  it('read returns a byte range, clipped at the end; stream gives the same bytes', async (s) => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    await s.put('r', new Uint8Array(bytes));
    assert.deepEqual(await s.read('r', { offset: 0, length: 10 }), bytes.subarray(0, 10));
    assert.deepEqual(await s.read('r', { offset: 990, length: 10 }), bytes.subarray(990));
    assert.deepEqual(await s.read('r', { offset: 995, length: 10 }), bytes.subarray(995), 'a range past the end is clipped');
    assert.deepEqual(await s.read('r', { offset: 400 }), bytes.subarray(400), 'no length: to the end');
    assert.equal((await s.read('r', { offset: 1000 })).length, 0);
    assert.equal((await s.read('r', { offset: 5000, length: 3 })).length, 0);
    assert.equal((await s.read('r', { offset: 10, length: 0 })).length, 0);
    await assert.rejects(s.read('r', { offset: -1 }), InvalidInput);
    await assert.rejects(s.read('r', { offset: 0, length: -1 }), InvalidInput);
    await assert.rejects(s.read('r', { offset: 0.5 }), InvalidInput);
    assert.deepEqual(await drain(await s.stream('r')), bytes);
    assert.deepEqual(await drain(await s.stream('r', { offset: 100, length: 50 })), bytes.subarray(100, 150));
    assert.deepEqual(await drain(await s.stream('r', { offset: 900 })), bytes.subarray(900));
    assert.equal((await drain(await s.stream('r', { offset: 10, length: 0 }))).length, 0);
    await s.put('empty', '');
    assert.equal((await drain(await s.stream('empty'))).length, 0);
    assert.equal((await s.read('empty', { offset: 0, length: 5 })).length, 0);
  });

  it('putStream writes the chunks as one object; a stream that fails leaves no object and nothing listed', async (s) => {
    async function* chunks(fail: boolean) {
      yield new TextEncoder().encode('one,');
      yield new TextEncoder().encode('two');
      if (fail) throw new Error('the source broke');
    }
    await s.putStream('streamed/ok.csv', chunks(false));
    assert.equal((await s.get('streamed/ok.csv')).toString(), 'one,two');
    await assert.rejects(s.putStream('streamed/broken.csv', chunks(true)), /the source broke/);
    assert.equal(await s.exists('streamed/broken.csv'), false);
    assert.deepEqual((await s.list('streamed/')).map((o) => o.key), ['streamed/ok.csv']);
    await assert.rejects(s.putStream('streamed/ok.csv', chunks(true)), /the source broke/);
    assert.equal((await s.get('streamed/ok.csv')).toString(), 'one,two');
  });

  it('sha256 is the hex digest of the bytes', async (s) => {
    await s.put('h', 'abc');
    assert.equal(await s.sha256('h'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('deleting a missing key, or a key that is only a prefix of others, is not an error and removes nothing', async (s) => {
    await s.put('d/keep', 'x');
    await s.delete('never-there');
    await s.delete('d/never-there');
    await s.delete('d');
    assert.equal((await s.get('d/keep')).toString(), 'x');
    await s.delete('d/keep');
    await s.delete('d/keep');
    assert.equal(await s.exists('d/keep'), false);
    assert.deepEqual(await s.list(''), []);
  });

  it('keys with spaces, unicode and Hive partition names round-trip through put, list, uri and keyOf', async (s) => {
    const keys = ['ns/t 1/ts_day=2024-01-05/part 0.parquet', 'ns/zürich/名前.json', 'ns/a+b/%41.txt'];
    for (const k of keys) await s.put(k, k);
    assert.deepEqual(
      (await s.list('ns/')).map((o) => o.key),
      [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    for (const k of keys) {
      assert.equal((await s.get(k)).toString(), k);
      const uri = s.uri(k);
      assert.ok(uri.startsWith(s.rootUri), `${uri} is under ${s.rootUri}`);
      assert.equal(s.keyOf(uri), k);
    }
    assert.ok(s.rootUri.endsWith('/'));
    assert.throws(() => s.keyOf('file:///somewhere/else/entirely'), InvalidInput);
  });

  it('getVersioned gives the bytes and a version that changes with each put, and nothing for a missing key', async (s) => {
    assert.equal(await s.getVersioned('pointer'), undefined);
    await s.put('pointer', 'one');
    const first = await s.getVersioned('pointer');
    assert.equal(first?.data.toString(), 'one');
    await s.put('pointer', 'two');
    const second = await s.getVersioned('pointer');
    assert.equal(second?.data.toString(), 'two');
    assert.notEqual(second?.version, first?.version);
  });

  it('a store that cannot swap says so and refuses ifMatch, naming the object, writing nothing', async (s) => {
    if (s.swaps) return;
    await s.put('pointer', 'v1');
    const v = (await s.getVersioned('pointer'))!.version;
    await assert.rejects(s.put('pointer', 'v2', { ifMatch: v }), (e: unknown) => e instanceof InvalidInput && e.message.includes('pointer') && /metadata store/.test(e.message));
    assert.equal((await s.get('pointer')).toString(), 'v1');
  });

  it('of many swaps racing from one version by ifMatch exactly one wins, and a stale or missing version loses', async (s) => {
    if (!s.swaps) return;
    await s.put('pointer', 'v0');
    const base = (await s.getVersioned('pointer'))!.version;
    const racers = 12;
    const results = await Promise.all(Array.from({ length: racers }, (_, i) => s.put('pointer', `v1 by ${i}`, { ifMatch: base })));
    assert.equal(results.filter(Boolean).length, 1, `one winner of ${racers} (got ${results.filter(Boolean).length})`);
    assert.equal((await s.get('pointer')).toString(), `v1 by ${results.indexOf(true)}`);
    assert.equal(await s.put('pointer', 'late', { ifMatch: base }), false, 'the version the racers read is stale now');
    assert.equal(await s.put('absent', 'x', { ifMatch: base }), false, 'no object, no match');
    assert.equal(await s.exists('absent'), false);
  });

  it('swappers racing over many versions lose no update: a counter read-modify-written by all ends at the total', async (s) => {
    if (!s.swaps) return;
    const workers = 4;
    const each = 4;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let i = 0; i < each; i++) await swapObject(s, 'counter', (cur) => String(Number(cur?.toString() ?? '0') + 1));
      }),
    );
    assert.equal((await s.get('counter')).toString(), String(workers * each));
  });
}

async function drain(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const c of stream) chunks.push(new Uint8Array(c));
  return Buffer.concat(chunks);
}

function filled(size: number, byte: number): Uint8Array {
  return new Uint8Array(size).fill(byte);
}
