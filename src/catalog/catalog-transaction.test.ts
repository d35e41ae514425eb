import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommitConflict } from '../errors.js';
import { assertRef, buildSchema, type ChangeProducer, type Table } from '../table/index.js';
import type { Catalog } from './catalog.js';
import { BACKENDS, catalogFixture, fakeDataFile } from './test-support.js';

const def = () => buildSchema([{ name: 'id', type: 'long' }]);

async function twoTables(c: Catalog): Promise<[Table, Table]> {
  await c.createNamespace('silver');
  return [await c.createTable('silver', 'orders', def()), await c.createTable('silver', 'orders_quarantine', def())];
}

async function metadataFiles(c: Catalog, table: string): Promise<string[]> {
  return (await c.store.list(`warehouse/silver/${table}/metadata/`)).map((o) => o.key).filter((k) => k.endsWith('.metadata.json')).sort();
}

for (const backend of BACKENDS) {
  test(`${backend}: a transaction over two tables changes both: each gets a snapshot, in one commit`, async () => {
    const f = await catalogFixture('silt-tx-', backend);
    const c = await f.open();
    try {
      const [orders, quarantine] = await twoTables(c);
      const done = await c.commitTransaction([
        { table: orders, change: orders.appendChange([fakeDataFile(c.store, 'warehouse/silver/orders/data/a.parquet', 3)], { properties: { 'silt.contract': '{}' } }) },
        { table: quarantine, change: quarantine.appendChange([fakeDataFile(c.store, 'warehouse/silver/orders_quarantine/data/q.parquet', 1)]) },
      ]);
      assert.deepEqual(done.map((d) => d.changed), [true, true]);
      const o = await c.loadTable('silver', 'orders');
      const q = await c.loadTable('silver', 'orders_quarantine');
      assert.equal(o.metadata.snapshots.length, 1);
      assert.equal(o.metadata.properties['silt.contract'], '{}', 'bookkeeping lands in the same commit');
      assert.equal(q.metadata.snapshots.length, 1);
      assert.equal(orders.metadataLocation, o.metadataLocation, 'the tables handed in know their new state');
    } finally {
      await c.close();
    }
  });

  test(`${backend}: a transaction is all or nothing: when one table's swap loses, no table changes, the attempt's files go, and the retry commits both`, async () => {
    const f = await catalogFixture('silt-tx-', backend);
    const c = await f.open();
    try {
      const [orders, quarantine] = await twoTables(c);
      const ordersBase = (await c.loadTable('silver', 'orders')).metadataLocation;
      const scratchKey = 'warehouse/silver/orders/metadata/scratch-of-attempt-0.avro';
      const seen: string[] = [];
      const ordersChange: ChangeProducer = async (base, attempt) => {
        seen.push((await c.loadTable('silver', 'orders')).metadataLocation);
        if (attempt === 0) await c.store.put(scratchKey, 'x');
        return { requirements: [assertRef(base['current-snapshot-id'])], updates: [{ action: 'set-properties', updates: { step: `run-${attempt}` } }], scratch: attempt === 0 ? [scratchKey] : [] };
      };
      const quarantineChange: ChangeProducer = async (base, attempt) => {
        // Another writer commits to the quarantine between this attempt's load and its swap.
        if (attempt === 0) await (await c.loadTable('silver', 'orders_quarantine')).setProperties({ other: 'writer' });
        return { requirements: [], updates: [{ action: 'set-properties', updates: { step: `run-${attempt}` } }] };
      };
      const done = await c.commitTransaction([{ table: orders, change: ordersChange }, { table: quarantine, change: quarantineChange }]);
      assert.deepEqual(seen, [ordersBase, ordersBase], 'the lost attempt did not move orders, though its swap came first');
      assert.equal(await c.store.exists(scratchKey), false, 'the lost attempt\'s scratch file is removed');
      assert.deepEqual(done.map((d) => d.metadata.properties.step), ['run-1', 'run-1']);
      assert.equal((await c.loadTable('silver', 'orders_quarantine')).metadata.properties.other, 'writer', 'the other writer\'s commit stays');
      assert.equal((await metadataFiles(c, 'orders')).length, 2, 'create + the transaction: the lost attempt\'s metadata file is gone');
      assert.equal((await metadataFiles(c, 'orders_quarantine')).length, 3, 'create + the other writer + the transaction');
    } finally {
      await c.close();
    }
  });

  test(`${backend}: a requirement that no longer holds is a conflict naming it, and no table of the transaction changes`, async () => {
    const f = await catalogFixture('silt-tx-', backend);
    const c = await f.open();
    try {
      const [orders, quarantine] = await twoTables(c);
      const stale = (await c.loadTable('silver', 'orders_quarantine')).metadata['current-snapshot-id'];
      await quarantine.append([fakeDataFile(c.store, 'warehouse/silver/orders_quarantine/data/q.parquet', 1)]);
      const head = quarantine.metadata['current-snapshot-id'];
      const before = [await metadataFiles(c, 'orders'), await metadataFiles(c, 'orders_quarantine')];
      await assert.rejects(
        c.commitTransaction([
          { table: orders, change: { requirements: [], updates: [{ action: 'set-properties', updates: { a: 'b' } }] } },
          { table: quarantine, change: { requirements: [assertRef(stale)], updates: [{ action: 'remove-snapshot-ref', 'ref-name': 'main' }] } },
        ]),
        (e: unknown) => e instanceof CommitConflict &&
          /silver\.orders_quarantine: requirement assert-ref-snapshot-id \(main at no snapshot\) failed: main exists at snapshot \d+/.test(e.message),
      );
      assert.equal((await c.loadTable('silver', 'orders')).metadata.properties.a, undefined);
      assert.equal((await c.loadTable('silver', 'orders_quarantine')).metadata['current-snapshot-id'], head);
      assert.deepEqual([await metadataFiles(c, 'orders'), await metadataFiles(c, 'orders_quarantine')], before, 'no metadata file is left behind');

      // One table, the same rule: a change built on a snapshot that is no longer current is refused.
      await assert.rejects(
        quarantine.commitChange({ requirements: [assertRef(stale)], updates: [{ action: 'set-properties', updates: { late: 'yes' } }] }),
        CommitConflict,
      );
      assert.equal((await quarantine.refresh()).properties.late, undefined);
    } finally {
      await c.close();
    }
  });
}

// In one process SQLite's connections wait for its write lock blocking the event loop; PostgreSQL's
// row locks are where two transactions over the same tables could wait on each other.
test('PostgreSQL: transactions over the same two tables, named in opposite orders, all commit', async () => {
  const f = await catalogFixture('silt-tx-', 'PostgreSQL');
  const [a, b] = [await f.open(), await f.open()];
  try {
    await twoTables(a);
    const rounds = 8;
    for (let i = 0; i < rounds; i++) {
      await Promise.all(
        [a, b].map(async (c, w) => {
          const tables = [await c.loadTable('silver', 'orders'), await c.loadTable('silver', 'orders_quarantine')];
          if (w === 1) tables.reverse();
          await c.commitTransaction(tables.map((t) => ({ table: t, change: t.appendChange([fakeDataFile(c.store, `warehouse/silver/${t.name.split('.')[1]}/data/r${i}-w${w}.parquet`, 1)]) })));
        }),
      );
    }
    for (const name of ['orders', 'orders_quarantine']) {
      assert.equal((await a.loadTable('silver', name)).metadata.snapshots.length, 2 * rounds, name);
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
