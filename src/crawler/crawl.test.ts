import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { withLake, type Lake } from '../testing/lake.js';
import { AlreadyExists, InvalidInput, NotFound } from '../errors.js';
import { LocalStore, MemoryStore } from '../storage/index.js';
import { crawl, type CrawlTarget } from './index.js';

/** A local folder as the crawler reaches it: a store rooted there. */
const folder = (dir: string): CrawlTarget => ({ store: new LocalStore(dir), prefix: '' });

async function put(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
}

const rows = async (lake: Lake, sql: string): Promise<unknown[][]> => (await lake.sql.execute(sql)).rows;

/** Two datasets: sales partitioned by year=/month=, customers as NDJSON; plus a file that is not data. */
async function landing(lake: Lake): Promise<string> {
  const root = path.join(lake.dir, 'landing');
  await put(path.join(root, 'sales/year=2024/month=1/part-0.csv'), 'id,amount,day\n1,10,2024-01-03\n2,20,2024-01-04\n');
  await put(path.join(root, 'sales/year=2024/month=2/part-0.csv'), 'id,amount,day\n3,30,2024-02-01\n');
  await put(path.join(root, 'customers/customers.ndjson'), '{"id":1,"name":"Ada"}\n{"id":2,"name":"Bo"}\n{"id":3,"name":"Cy"}\n');
  await put(path.join(root, 'README.md'), '# landing zone\n');
  return root;
}

test('crawl registers each dataset with its partitions, and SQL reads them in place', async () => {
  await withLake(async (lake) => {
    const root = await landing(lake);
    const report = await crawl(lake.catalog, lake.engine, folder(root));
    assert.equal(report.namespace, 'crawled');
    const byName = new Map(report.tables.map((t) => [t.name, t]));
    assert.deepEqual([...byName.keys()].sort(), ['customers', 'sales']);
    const sales = byName.get('sales')!;
    assert.equal(sales.status, 'created');
    assert.equal(sales.files, 2);
    assert.equal(sales.partitions, 2);
    assert.equal(sales.schemaVersion, 1);
    assert.deepEqual(report.skipped.map((s) => s.path), ['README.md']);

    const info = await lake.catalog.externalTables.get('crawled', 'sales');
    assert.deepEqual(info?.columns, [
      { name: 'id', type: 'BIGINT' },
      { name: 'amount', type: 'BIGINT' },
      { name: 'day', type: 'DATE' },
      { name: 'year', type: 'BIGINT', partition: true },
      { name: 'month', type: 'BIGINT', partition: true },
    ]);

    const result = await lake.sql.execute('SELECT month, count(*) AS n, sum(amount) AS total FROM crawled.sales GROUP BY month ORDER BY month');
    assert.deepEqual(result.columns.map((c) => c.type), ['BIGINT', 'BIGINT', 'HUGEINT']);
    assert.deepEqual(result.rows, [['1', '2', '30'], ['2', '1', '30']]);
    assert.equal(result.stats.files_total, 2);
    assert.deepEqual(
      await rows(lake, `SELECT c.name, s.day FROM crawled.sales s JOIN crawled.customers c ON c.id = s.id WHERE s.year = 2024 AND s.month = 2`),
      [['Cy', '2024-02-01']],
    );
  });
});

test('a re-crawl records new files, partitions and columns as a new schema version, and drops removed files', async () => {
  await withLake(async (lake) => {
    const root = await landing(lake);
    await crawl(lake.catalog, lake.engine, folder(root), { nowMs: 1_000 });
    await put(path.join(root, 'sales/year=2024/month=3/part-0.csv'), 'id,amount,day,channel\n4,2.5,2024-03-01,web\n');
    await put(path.join(root, 'customers/customers.ndjson'), '{"id":1,"name":"Ada","email":"ada@example.com"}\n{"id":2,"name":"Bo"}\n{"id":3,"name":"Cy"}\n');

    const second = await crawl(lake.catalog, lake.engine, folder(root), { nowMs: 2_000 });
    const sales = second.tables.find((t) => t.name === 'sales')!;
    assert.equal(sales.status, 'updated');
    assert.deepEqual(
      { files: sales.files, added: sales.filesAdded, partitions: sales.partitions, partitionsAdded: sales.partitionsAdded, v: sales.schemaVersion },
      { files: 3, added: 1, partitions: 3, partitionsAdded: 1, v: 2 },
    );
    assert.deepEqual(sales.schemaChanges, [
      { column: 'amount', kind: 'widened', from: 'BIGINT', to: 'DOUBLE' },
      { column: 'channel', kind: 'added', to: 'VARCHAR' },
    ]);
    const customers = second.tables.find((t) => t.name === 'customers')!;
    assert.deepEqual([customers.status, customers.filesChanged, customers.schemaVersion], ['updated', 1, 2]);
    assert.deepEqual(customers.schemaChanges, [{ column: 'email', kind: 'added', to: 'VARCHAR' }]);
    const versions = await lake.catalog.externalTables.schemaVersions('crawled', 'sales');
    assert.deepEqual(versions.map((v) => [v.version, v.createdMs, v.columns.length]), [[1, 1_000, 5], [2, 2_000, 6]]);
    assert.deepEqual(await rows(lake, 'SELECT month, amount, channel FROM crawled.sales ORDER BY id'), [
      ['1', 10, null], ['1', 20, null], ['2', 30, null], ['3', 2.5, 'web'],
    ]);

    await fs.rm(path.join(root, 'sales/year=2024/month=1'), { recursive: true });
    await fs.rm(path.join(root, 'customers'), { recursive: true });
    const third = await crawl(lake.catalog, lake.engine, folder(root), { nowMs: 3_000 });
    const after = new Map(third.tables.map((t) => [t.name, t]));
    assert.deepEqual([after.get('sales')!.files, after.get('sales')!.filesRemoved, after.get('sales')!.schemaVersion], [2, 1, 2]);
    assert.deepEqual([after.get('customers')!.files, after.get('customers')!.filesRemoved], [0, 1]);
    assert.deepEqual(await rows(lake, 'SELECT count(*) FROM crawled.sales'), [['2']]);
    assert.deepEqual(await rows(lake, 'SELECT count(*), max(name) FROM crawled.customers'), [['0', null]]);

    const fourth = await crawl(lake.catalog, lake.engine, folder(root), { nowMs: 4_000 });
    assert.deepEqual(fourth.tables.map((t) => t.status), ['unchanged', 'unchanged']);
  });
});

test('external tables are read-only, and time travel on them is refused', async () => {
  await withLake(async (lake) => {
    await crawl(lake.catalog, lake.engine, folder(await landing(lake)), { namespace: 'raw' });
    const readOnly = /^query: raw\.sales is an external table \(crawled\); it is read-only$/;
    for (const sql of [
      `INSERT INTO raw.sales VALUES (9, 9, DATE '2024-01-01', 2024, 1)`,
      'DELETE FROM raw.sales WHERE id = 1',
      'UPDATE raw.sales SET amount = 0',
      'ALTER TABLE raw.sales ADD COLUMN x INTEGER',
    ]) {
      await assert.rejects(lake.sql.execute(sql), (e: Error) => e instanceof InvalidInput && readOnly.test(e.message), sql);
    }
    await assert.rejects(lake.sql.execute('CREATE TABLE raw.sales AS SELECT 1 AS x'), (e: Error) => e instanceof AlreadyExists && /raw\.sales .*external/.test(e.message));
    await assert.rejects(lake.sql.execute('SELECT * FROM raw.sales FOR VERSION AS OF 1'), /query: raw\.sales is an external table \(crawled\); it has no snapshots/);
    assert.deepEqual(await rows(lake, 'SELECT count(*) FROM raw.sales'), [['3']]);
    // Reading an external table into an Iceberg table is fine.
    await lake.sql.execute('CREATE TABLE gold.sales AS SELECT * FROM raw.sales');
    assert.deepEqual(await rows(lake, 'SELECT sum(amount) FROM gold.sales'), [['60']]);
  });
});

test('DROP TABLE forgets a crawled table and leaves its files; then its namespace can be dropped', async () => {
  await withLake(async (lake) => {
    const root = await landing(lake);
    await crawl(lake.catalog, lake.engine, folder(root), { namespace: 'raw' });
    const dropped = await lake.sql.execute('DROP TABLE raw.sales');
    assert.equal(dropped.message, 'dropped external table raw.sales (its files stay where they are)');
    assert.equal((await lake.sql.execute('DROP TABLE IF EXISTS raw.customers')).message, 'dropped external table raw.customers (its files stay where they are)');
    await assert.rejects(lake.sql.execute('SELECT * FROM raw.sales'), (e: Error) => e instanceof NotFound && /raw\.sales/.test(e.message));
    await assert.rejects(lake.sql.execute('DROP TABLE raw.sales'), (e: Error) => e instanceof NotFound && /raw\.sales/.test(e.message));
    assert.deepEqual(await lake.catalog.externalTables.list('raw'), []);
    await lake.catalog.dropNamespace('raw');
    assert.deepEqual(await lake.catalog.listNamespaces(), []);
    await fs.access(path.join(root, 'sales/year=2024/month=1/part-0.csv'));
  });
});

test('crawl errors name the path: missing folder, a file, an unreadable data file', async () => {
  await withLake(async (lake) => {
    const root = await landing(lake);
    const missing = path.join(root, 'nope');
    await assert.rejects(crawl(lake.catalog, lake.engine, folder(missing)), (e: Error) => e instanceof NotFound && e.message === `crawl: ${missing}: no such folder`);
    const file = path.join(root, 'README.md');
    await assert.rejects(crawl(lake.catalog, lake.engine, folder(file)), (e: Error) => e instanceof InvalidInput && e.message.startsWith(`crawl: ${file} is a file`));
    await assert.rejects(crawl(lake.catalog, lake.engine, folder(root), { namespace: 'Bad-NS' }), /invalid namespace name "Bad-NS"/);

    const broken = path.join(root, 'broken/data.parquet');
    await put(broken, 'this is not parquet');
    const report = await crawl(lake.catalog, lake.engine, folder(root));
    const failed = report.tables.find((t) => t.name === 'broken')!;
    assert.equal(failed.status, 'failed');
    assert.ok(failed.error?.startsWith(`crawl: ${broken}: cannot read it as PARQUET`), failed.error);
    assert.equal(await lake.catalog.externalTables.get('crawled', 'broken'), undefined);
    assert.equal(report.tables.filter((t) => t.status === 'created').length, 2);
  });
});

test('the crawler works on a store that is not a folder: it lists by key and DuckDB reads copies of the files', async () => {
  await withLake(async (lake) => {
    const store = new MemoryStore();
    try {
      await store.put('in/sales/year=2024/month=1/part-0.csv', 'id,amount\n1,10\n2,20\n');
      await store.put('in/sales/year=2024/month=2/part-0.csv', 'id,amount\n3,30\n');
      await store.put('in/_staging/x.csv', 'id\n9\n');
      await store.put('in/notes.txt', 'not data');
      await store.put('in/tbl/metadata/v1.metadata.json', '{}');
      await store.put('in/tbl/data/f.parquet', 'x');
      await store.put('elsewhere/other.csv', 'id\n1\n');

      const report = await crawl(lake.catalog, lake.engine, { store, prefix: 'in' }, { sampleFiles: 1 });
      assert.deepEqual(report.tables.map((t) => [t.name, t.status, t.files, t.partitions]), [['sales', 'created', 2, 2]]);
      assert.deepEqual(report.skipped.map((s) => s.path), ['notes.txt', 'tbl']);
      const info = await lake.catalog.externalTables.get('crawled', 'sales');
      assert.deepEqual(info?.columns.map((c) => `${c.name} ${c.type}`), ['id BIGINT', 'amount BIGINT', 'year BIGINT', 'month BIGINT']);
      // One file was sampled, yet every file has a copy DuckDB reads.
      assert.deepEqual(await rows(lake, 'SELECT month, sum(amount) FROM crawled.sales GROUP BY month ORDER BY month'), [['1', '30'], ['2', '30']]);

      await store.put('in/sales/year=2024/month=3/part-0.csv', 'id,amount,note\n4,1.5,late\n');
      const again = await crawl(lake.catalog, lake.engine, { store, prefix: 'in/' });
      assert.deepEqual(again.tables[0]!.schemaChanges, [
        { column: 'amount', kind: 'widened', from: 'BIGINT', to: 'DOUBLE' },
        { column: 'note', kind: 'added', to: 'VARCHAR' },
      ]);
      await assert.rejects(crawl(lake.catalog, lake.engine, { store, prefix: 'nothing' }), (e: Error) => e instanceof NotFound && /no such folder$/.test(e.message));
      await assert.rejects(crawl(lake.catalog, lake.engine, { store, prefix: 'in/notes.txt' }), (e: Error) => e instanceof InvalidInput && /is a file; crawl the folder that holds it$/.test(e.message));
    } finally {
      await store.dispose();
    }
  });
});
