import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, mock, test } from 'node:test';
import { NotFound } from '../errors.js';
import { LocalStore } from './local-store.js';

/** Folders these tests made, removed when the file's tests are done. */
const made: string[] = [];
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

async function store(): Promise<LocalStore> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-store-'));
  made.push(dir);
  return new LocalStore(dir);
}

test('put, get, size, exists and delete round-trip', async () => {
  const s = await store();
  assert.equal(await s.exists('a/b.txt'), false);
  await s.put('a/b.txt', 'hello');
  assert.equal((await s.get('a/b.txt')).toString(), 'hello');
  assert.equal(await s.size('a/b.txt'), 5);
  await s.delete('a/b.txt');
  assert.equal(await s.exists('a/b.txt'), false);
  await s.delete('a/b.txt');
});

test('put replaces atomically and leaves no temporary files', async () => {
  const s = await store();
  await Promise.all(Array.from({ length: 20 }, (_, i) => s.put('k', `value-${i}`.repeat(1000))));
  const text = (await s.get('k')).toString();
  assert.match(text, /^(value-\d+)+$/);
  assert.equal(new Set(text.match(/value-\d+/g)).size, 1, 'a reader sees one whole write');
  assert.deepEqual(await readdir(path.dirname(s.enginePath('k'))), ['k']);
});

test('ifAbsent lets exactly one of many racing writers win', async () => {
  const s = await store();
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => s.put('marker', String(i), { ifAbsent: true })));
  assert.equal(results.filter(Boolean).length, 1);
  const winner = results.indexOf(true);
  assert.equal((await s.get('marker')).toString(), String(winner));
});

test('list is recursive, prefix-filtered and sorted', async () => {
  const s = await store();
  for (const k of ['t/data/b.parquet', 't/data/a.parquet', 't/metadata/v1.json', 'tx/other']) await s.put(k, 'x');
  assert.deepEqual((await s.list('t/')).map((o) => o.key), ['t/data/a.parquet', 't/data/b.parquet', 't/metadata/v1.json']);
  assert.deepEqual((await s.list('t/data/a')).map((o) => o.key), ['t/data/a.parquet']);
  assert.deepEqual(await s.list('missing/'), []);
});

test('list skips a file that another process deletes while it lists', async () => {
  const s = await store();
  for (const k of ['t/metadata/a.json', 't/metadata/b.json']) await s.put(k, 'x');
  const stat = fsp.stat.bind(fsp);
  // The other process's delete lands between this one's readdir and its stat of the file.
  const racing = mock.method(fsp, 'stat', async (p: string) => {
    if (p.endsWith('a.json')) await s.delete('t/metadata/a.json');
    return stat(p);
  });
  try {
    assert.deepEqual((await s.list('t/')).map((o) => o.key), ['t/metadata/b.json']);
  } finally {
    racing.mock.restore();
  }
});

test('uri and keyOf are inverse; keys cannot escape the root', async () => {
  const s = await store();
  const uri = s.uri('warehouse/ns/t 1/x.parquet');
  assert.match(uri, /^file:\/\/\/.*\/warehouse\/ns\/t 1\/x\.parquet$/);
  assert.equal(s.keyOf(uri), 'warehouse/ns/t 1/x.parquet');
  assert.throws(() => s.keyOf('file:///etc/passwd'), /outside the store/);
  await assert.rejects(s.put('../escape', 'x'), /escapes the store root/);
  await assert.rejects(s.get('nope'), (e) => e instanceof NotFound && /no object at nope/.test(e.message));
});

test('a temporary file an interrupted put left is listed only when leftovers are asked for', async () => {
  const s = await store();
  await s.put('t/data/a.parquet', 'x');
  const left = `${s.enginePath('t/data/b.parquet')}.0b5e4c1e-8a9f-4e57-9d2a-4f1c2b3a4d5e.tmp`;
  await fsp.writeFile(left, 'half');
  assert.deepEqual((await s.list('t/')).map((o) => o.key), ['t/data/a.parquet']);
  assert.deepEqual((await s.list('t/', { leftovers: true })).map((o) => o.key), ['t/data/a.parquet', `t/data/${path.basename(left)}`]);
});

test('list takes a symbolic link to a file as that file (a user links a file into landing); dangling links and loops are skipped', async () => {
  const s = await store();
  await s.put('landing/orders/real.csv', 'a\n1\n');
  const outside = await mkdtemp(path.join(os.tmpdir(), 'silt-linked-'));
  made.push(outside);
  await fsp.writeFile(path.join(outside, 'export.csv'), 'a\n1\n2\n');
  const dir = path.join(s.enginePath('landing/orders'));
  await fsp.symlink(path.join(outside, 'export.csv'), path.join(dir, 'linked.csv'));
  await fsp.symlink(path.join(outside, 'gone.csv'), path.join(dir, 'dangling.csv'));
  await fsp.symlink(path.join(dir, 'loop-b.csv'), path.join(dir, 'loop-a.csv'));
  await fsp.symlink(path.join(dir, 'loop-a.csv'), path.join(dir, 'loop-b.csv'));
  const listed = await s.list('landing/orders/');
  assert.deepEqual(listed.map((o) => [o.key, o.size]), [['landing/orders/linked.csv', 6], ['landing/orders/real.csv', 4]]);
  assert.equal((await s.get('landing/orders/linked.csv')).toString(), 'a\n1\n2\n');
});

test('a put is durable when it returns: bytes synced before the rename, the folders synced after', async () => {
  const s = await store();
  const root = s.enginePath('');
  const opened = new WeakMap<object, string>();
  const events: string[] = [];
  const open = fsp.open.bind(fsp);
  const rename = fsp.rename.bind(fsp);
  const link = fsp.link.bind(fsp);
  const name = (p: string) => path.relative(root, p).replace(/\.[0-9a-f-]{36}\.tmp$/, '.TMP') || '.';
  const probe = await open(path.join(root, '.probe'), 'w');
  const handleProto = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
  await probe.close();
  const sync = handleProto.sync;
  const spies = [
    mock.method(fsp, 'open', async (p: string, flags: string) => {
      const h = await open(p, flags);
      opened.set(h, name(p));
      return h;
    }),
    mock.method(fsp, 'rename', async (a: string, b: string) => {
      events.push(`rename ${name(a)} -> ${name(b)}`);
      return rename(a, b);
    }),
    mock.method(fsp, 'link', async (a: string, b: string) => {
      events.push(`link ${name(a)} -> ${name(b)}`);
      return link(a, b);
    }),
    mock.method(handleProto, 'sync', async function (this: object) {
      events.push(`sync ${opened.get(this) ?? '?'}`);
      return sync.call(this);
    }),
  ];
  try {
    await s.put('landing/iot/a.ndjson', '{"a":1}\n');
    await s.put('landing/iot/b.ndjson', '{"b":1}\n', { ifAbsent: true });
    await s.putStream('landing/web/c.csv', (async function* () {
      yield new TextEncoder().encode('x\n1\n');
    })());
  } finally {
    for (const spy of spies) spy.mock.restore();
  }
  assert.deepEqual(events, [
    'sync landing/iot/a.ndjson.TMP',
    'rename landing/iot/a.ndjson.TMP -> landing/iot/a.ndjson',
    // The folders made for the first file: each new name is synced within its parent.
    'sync landing/iot',
    'sync landing',
    'sync .',
    'sync landing/iot/b.ndjson.TMP',
    'link landing/iot/b.ndjson.TMP -> landing/iot/b.ndjson',
    'sync landing/iot',
    'sync landing/web/c.csv.TMP',
    'rename landing/web/c.csv.TMP -> landing/web/c.csv',
    'sync landing/web',
    'sync landing',
  ]);
  assert.equal((await s.get('landing/iot/b.ndjson')).toString(), '{"b":1}\n');
  assert.equal((await s.get('landing/web/c.csv')).toString(), 'x\n1\n');
});
