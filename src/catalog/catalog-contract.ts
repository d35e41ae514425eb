import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { sql } from 'kysely';
import { AlreadyExists, InvalidInput, NotFound } from '../errors.js';
import type { ObjectStore } from '../storage/index.js';
import { buildSchema, serializeMetadata, type TableMetadata } from '../table/index.js';
import { Catalog } from './catalog.js';
import { openDb } from './db.js';
import { LATEST_VERSION } from './migrations.js';
import { fakeDataFile } from './test-support.js';

/**
 * A fresh metadata store for one test: its URI as `catalog.uri` names it (nothing made there yet),
 * the object store its tables live in, and how to remove both afterwards.
 */
export type CatalogFactory = () => Promise<{ uri: string; store: ObjectStore; cleanup(): Promise<void> }>;

const def = () => buildSchema([
  { name: 'id', type: 'long' },
  { name: 'name', type: 'string' },
]);

/**
 * What every metadata store must do, as `node:test` tests: run it on each backend (SQLite today;
 * PostgreSQL when it comes) from that backend's own test file. Each test opens several catalogs
 * (connections) on one store, as several `silt` processes do.
 */
export function catalogContract(name: string, factory: CatalogFactory): void {
  const it = (what: string, fn: (open: () => Promise<Catalog>, uri: string) => Promise<void>) =>
    test(`${name}: ${what}`, async () => {
      const { uri, store, cleanup } = await factory();
      const opened: Catalog[] = [];
      try {
        await fn(async () => {
          const c = await Catalog.open(uri, store);
          opened.push(c);
          return c;
        }, uri);
      } finally {
        await Promise.all(opened.map((c) => c.close().catch(() => undefined)));
        await cleanup();
      }
    });

  it('namespaces: create, list, properties, drop; duplicates, missing and non-empty ones are refused', async (open) => {
    const c = await open();
    await c.createNamespace('bronze');
    await c.createNamespace('silver', { owner: 'data-eng', 'comment': 'cleaned rows' });
    await c.createNamespace('bronze', {}, { ifNotExists: true });
    await assert.rejects(c.createNamespace('bronze'), (e) => e instanceof AlreadyExists && /namespace bronze already exists/.test(e.message));
    await assert.rejects(c.createNamespace('Bad-Name'), InvalidInput);
    await assert.rejects(c.createNamespace('a.b'), InvalidInput, 'nested namespaces are not supported: a dot is refused');
    const other = await open();
    assert.deepEqual(await other.listNamespaces(), ['bronze', 'silver'], 'another connection sees them');
    assert.equal(await other.namespaceExists('silver'), true);
    assert.equal(await other.namespaceExists('gold'), false);
    assert.deepEqual(await other.namespaceProperties('bronze'), {});
    assert.deepEqual(await other.namespaceProperties('silver'), { owner: 'data-eng', comment: 'cleaned rows' });
    await assert.rejects(other.namespaceProperties('gold'), NotFound);
    await c.createTable('silver', 'orders', def());
    await assert.rejects(other.dropNamespace('silver'), (e) => e instanceof InvalidInput && /namespace silver is not empty \(orders\)/.test(e.message));
    await other.dropNamespace('bronze');
    await assert.rejects(c.dropNamespace('bronze'), NotFound);
    assert.deepEqual(await c.listNamespaces(), ['silver']);
  });

  it('tables: create (namespace implied), load, list, exists, drop; duplicates and missing ones are refused', async (open) => {
    const c = await open();
    const other = await open();
    const t = await c.createTable('raw', 'events', { ...def(), properties: { owner: 'a' } });
    await c.createTable('raw', 'clicks', def());
    await c.createTable('lab', 'notes', def());
    assert.equal(t.name, 'raw.events');
    assert.deepEqual(await other.listNamespaces(), ['lab', 'raw']);
    assert.deepEqual(await other.listTables(), [
      { namespace: 'lab', name: 'notes' },
      { namespace: 'raw', name: 'clicks' },
      { namespace: 'raw', name: 'events' },
    ]);
    assert.deepEqual(await other.listTables('raw'), [{ namespace: 'raw', name: 'clicks' }, { namespace: 'raw', name: 'events' }]);
    await assert.rejects(other.listTables('gold'), NotFound);
    const loaded = await other.loadTable('raw', 'events');
    assert.equal(loaded.metadata['table-uuid'], t.metadata['table-uuid']);
    assert.equal(loaded.metadata.properties['owner'], 'a');
    assert.equal(await other.tableExists('raw', 'events'), true);
    await assert.rejects(other.createTable('raw', 'events', def()), AlreadyExists);
    assert.equal((await other.createTable('raw', 'events', def(), { ifNotExists: true })).metadata['table-uuid'], t.metadata['table-uuid']);
    await assert.rejects(other.loadTable('raw', 'evnts'), (e) => e instanceof NotFound && /no table raw\.evnts/.test(e.message));
    await other.dropTable('raw', 'events');
    assert.equal(await c.tableExists('raw', 'events'), false);
    await assert.rejects(c.loadTable('raw', 'events'), NotFound);
    await assert.rejects(c.dropTable('raw', 'events'), NotFound);
    assert.deepEqual(await c.listTables('raw'), [{ namespace: 'raw', name: 'clicks' }]);
  });

  it("a table's grants follow it when renamed and go when it is dropped, so a new table of its old name inherits none", async (open) => {
    const c = await open();
    await c.createNamespace('raw');
    await c.createTable('raw', 'events', def());
    const grant = (grantee: string, securable: 'table' | 'column', table: string, column = '') =>
      c.access.putGrant({ grantee, privilege: 'SELECT', securable, namespace: 'raw', table, column, grantOption: false, origin: 'manual', grantedBy: 'owner', createdMs: 1 });
    await grant('ana', 'table', 'events');
    await grant('bob', 'column', 'events', 'id');
    await grant('ana', 'table', 'clicks'); // declared on the new name before the table existed
    await grant('cy', 'table', 'other');
    const on = async () => (await c.access.grants()).map((g) => `${g.grantee} ${g.securable} ${g.namespace}.${g.table}${g.column ? '.' + g.column : ''}`).sort();
    await c.renameTable({ namespace: 'raw', name: 'events' }, { namespace: 'raw', name: 'clicks' });
    assert.deepEqual(await on(), ['ana table raw.clicks', 'bob column raw.clicks.id', 'cy table raw.other']);
    await c.createTable('raw', 'events', def());
    await c.dropTable('raw', 'clicks');
    assert.deepEqual(await on(), ['cy table raw.other']);
  });

  it('many connections creating one table at once all get that one table', async (open) => {
    const catalogs = await Promise.all(Array.from({ length: 5 }, () => open()));
    const tables = await Promise.all(catalogs.map((c) => c.createTable('raw', 'race', def(), { ifNotExists: true })));
    assert.equal(new Set(tables.map((t) => t.metadata['table-uuid'])).size, 1);
    assert.equal(new Set(tables.map((t) => t.metadataLocation)).size, 1);
    assert.deepEqual(await catalogs[0]!.listTables(), [{ namespace: 'raw', name: 'race' }]);
  });

  it('two swaps from the same base: exactly one wins, and the pointer holds the winner', async (open) => {
    const a = await open();
    const b = await open();
    await a.createTable('raw', 'events', def());
    const pa = a.pointer('raw', 'events');
    const pb = b.pointer('raw', 'events');
    const base = await pa.load();
    assert.equal((await pb.load()).metadataLocation, base.metadataLocation);
    const write = async (c: Catalog, tag: string) => {
      const key = c.store.keyOf(base.metadataLocation).replace(/[^/]+$/, `00002-${tag}.metadata.json`);
      const next: TableMetadata = { ...base.metadata, properties: { writer: tag } };
      await c.store.put(key, serializeMetadata(next));
      return c.store.uri(key);
    };
    const [la, lb] = [await write(a, 'a'), await write(b, 'b')];
    const won = await Promise.all([pa.swap(base.metadataLocation, la), pb.swap(base.metadataLocation, lb)]);
    assert.equal(won.filter(Boolean).length, 1, `one swap wins: ${won}`);
    const winner = won[0] ? la : lb;
    for (const p of [pa, pb]) {
      const now = await p.load();
      assert.equal(now.metadataLocation, winner);
      assert.equal(now.metadata.properties['writer'], won[0] ? 'a' : 'b');
    }
    assert.equal(await pb.swap(base.metadataLocation, lb), false, 'a stale expectation changes nothing');
    assert.equal(await pa.swap(base.metadataLocation, la), false);
    assert.equal((await pa.load()).metadataLocation, winner);
    assert.equal(await a.pointer('raw', 'absent').swap(base.metadataLocation, la), false, 'no row, no swap');
    await assert.rejects(a.pointer('raw', 'absent').load(), NotFound);
  });

  it('many committers on several connections: every commit lands exactly once, none is lost', async (open) => {
    const writers = 4;
    const commits = 4;
    const catalogs = await Promise.all(Array.from({ length: writers }, () => open()));
    await catalogs[0]!.createTable('raw', 'events', def());
    await Promise.all(
      catalogs.map(async (c, w) => {
        const table = await c.loadTable('raw', 'events');
        for (let i = 0; i < commits; i++) await table.append([fakeDataFile(c.store, `warehouse/raw/events/data/w${w}-c${i}.parquet`, w * 10 + i + 1)]);
      }),
    );
    const table = await catalogs[writers - 1]!.loadTable('raw', 'events');
    const m = table.metadata;
    assert.equal(m.snapshots.length, writers * commits);
    assert.equal(m['last-sequence-number'], writers * commits);
    assert.deepEqual(m.snapshots.map((s) => s['sequence-number']), Array.from({ length: writers * commits }, (_, i) => i + 1));
    const live = await table.liveEntries();
    const paths = live.map((e) => catalogs[0]!.store.keyOf(e.dataFile.filePath)).sort();
    const expected = catalogs.flatMap((_, w) => Array.from({ length: commits }, (_, i) => `warehouse/raw/events/data/w${w}-c${i}.parquet`)).sort();
    assert.deepEqual(paths, expected);
    assert.equal(m['metadata-log'].length, writers * commits, 'each commit wrote one metadata file on top of the one before');
  });

  it('several processes migrating one new store at once all succeed, and it ends at the latest version once', async (open, uri) => {
    const processes = 4;
    const child = fileURLToPath(new URL('./migrate-child.js', import.meta.url));
    const runs = Array.from({ length: processes }, () => {
      const p = spawn(process.execPath, [child, uri], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const ready = new Promise<void>((resolve) => {
        const look = () => (out.startsWith('ready\n') ? resolve() : p.stdout.once('data', look));
        look();
      });
      const exit = once(p, 'exit').then(([code]) => ({ code: code as number | null, out: () => out, err: () => err }));
      return { p, ready, exit };
    });
    await Promise.all(runs.map((r) => r.ready));
    for (const r of runs) r.p.stdin.write('go\n');
    for (const r of runs) {
      const { code, out, err } = await r.exit;
      assert.equal(code, 0, `a migrating process failed: ${err()}`);
      assert.deepEqual(JSON.parse(out().split('\n')[1]!), [{ version: LATEST_VERSION }]);
    }
    const { db } = openDb(uri);
    try {
      const { rows } = await sql<{ version: number }>`SELECT version FROM silt_schema_version`.execute(db);
      assert.deepEqual(rows, [{ version: LATEST_VERSION }]);
    } finally {
      await db.destroy();
    }
    const c = await open();
    await c.createTable('raw', 'after', def());
    assert.deepEqual(await c.listTables(), [{ namespace: 'raw', name: 'after' }]);
  });
  it('runs and audited statements since a time: only those at or after it, oldest first, steps with their run', async (open, uri) => {
    const c = await open();
    const steps = (runId: string, at: number) =>
      c.runLog.recordStep({
        runId, step: 'silver.orders', kind: 'silver', status: 'succeeded', startedMs: at, finishedMs: at + 1500, rowsIn: 3, rowsWritten: 3,
        rowsQuarantined: 0, rowsDeduplicated: 0, bytesWritten: 10, snapshotId: null, details: '{"bytesScanned":42}', error: null,
      });
    for (const [runId, at] of [['old', 1_000], ['new', 5_000]] as const) {
      await c.runLog.start({ runId, trigger: 'manual', selector: null });
      await steps(runId, at);
      await c.runLog.finish(runId, 'succeeded');
    }
    // start() stamps the clock; the test needs the runs at known times.
    const { db } = openDb(uri);
    try {
      await sql`UPDATE silt_runs SET started_ms = CASE WHEN run_id = 'old' THEN 1000 ELSE 5000 END`.execute(db);
    } finally {
      await db.destroy();
    }
    const since = await c.runLog.runsSince(2_000);
    assert.deepEqual(since.map((r) => [r.run.runId, r.steps.map((s) => [s.step, s.finishedMs! - s.startedMs!, s.details])]), [['new', [['silver.orders', 1500, '{"bytesScanned":42}']]]]);
    for (const [auditId, atMs, action] of [['a1', 1_000, 'query'], ['a2', 6_000, 'query'], ['a3', 7_000, 'grant'], ['a4', 8_000, 'commit']] as const) {
      await c.governance.audit({ auditId, atMs, principal: 'user:ann', action, statement: 'SELECT 1', tables: ['gold.x'], columns: [], bytesScanned: 7, outcome: 'ok', detail: null });
    }
    assert.deepEqual((await c.governance.statementsSince(2_000)).map((a) => [a.auditId, a.tables, a.bytesScanned]), [['a2', ['gold.x'], 7], ['a4', ['gold.x'], 7]]);
  });
  it('pull states: a chunk pending before its put, then landed or abandoned; seen by another connection', async (open) => {
    const [a, b] = [await open(), await open()];
    assert.deepEqual(await a.pullStates.get('shop'), { source: 'shop', state: undefined, pending: undefined });
    await a.pullStates.begin('shop', 'landing/shop/pull-1.ndjson.gz', { cursor: '5', key: ['1'] });
    assert.deepEqual((await b.pullStates.get('shop')).pending, { file: 'landing/shop/pull-1.ndjson.gz', state: { cursor: '5', key: ['1'] } });
    assert.equal((await b.pullStates.get('shop')).state, undefined, 'the state waits for the file');
    await b.pullStates.landed('shop');
    assert.deepEqual(await a.pullStates.get('shop'), { source: 'shop', state: { cursor: '5', key: ['1'] }, pending: undefined });
    await a.pullStates.begin('shop', 'landing/shop/pull-2.ndjson.gz', { cursor: '9', key: ['2'] });
    await a.pullStates.abandon('shop');
    assert.deepEqual(await b.pullStates.get('shop'), { source: 'shop', state: { cursor: '5', key: ['1'] }, pending: undefined });
  });
}
