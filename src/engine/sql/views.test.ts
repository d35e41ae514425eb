import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlreadyExists, InvalidInput, NotFound } from '../../errors.js';
import { currentViewVersion, viewSchema } from '../../table/index.js';
import { withLake } from '../../testing/lake.js';
import type { AccessPolicy } from '../core/access-policy.js';
import { SqlSession } from './session.js';

test('CREATE VIEW keeps an Iceberg view in the catalog; queries read it, OR REPLACE versions it, DROP VIEW removes it', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE shop.orders AS SELECT i AS id, i % 3 AS kind, i * 10 AS amount FROM range(10) t(i)');
    assert.equal((await lake.sql.execute('CREATE VIEW shop.big AS SELECT id, amount FROM shop.orders WHERE amount >= 50')).message, 'created view shop.big');
    assert.deepEqual((await lake.sql.execute('SELECT count(*), sum(amount) FROM shop.big')).rows, [['5', '350']]);
    // Joined with a table and with itself, in a CTE, filtered.
    assert.deepEqual(
      (await lake.sql.execute('WITH b AS (SELECT * FROM shop.big) SELECT count(*) FROM b JOIN shop.orders o USING (id) JOIN shop.big b2 ON b2.id = o.id WHERE o.kind = 0')).rows,
      [['2']],
    );

    const stored = await lake.catalog.views.load('shop', 'big');
    assert.equal(stored.metadata['format-version'], 1);
    assert.deepEqual(viewSchema(stored.metadata).fields.map((f) => [f.name, f.type]), [['id', 'long'], ['amount', 'long']]);
    const version = currentViewVersion(stored.metadata);
    assert.deepEqual(version.representations.map((r) => r.dialect), ['silt', 'trino', 'spark']);
    assert.equal(version.representations[0]!.sql, 'SELECT id, amount FROM shop.orders WHERE amount >= 50');
    assert.deepEqual(version['default-namespace'], ['shop']);
    assert.ok(await lake.store.exists(lake.store.keyOf(stored.metadataLocation)));
    assert.deepEqual(await lake.catalog.views.list('shop'), [{ namespace: 'shop', name: 'big' }]);
    assert.deepEqual((await lake.catalog.listTables('shop')).map((t) => t.name), ['orders']);

    await assert.rejects(lake.sql.execute('CREATE VIEW shop.big AS SELECT 1 AS x'), (e: Error) => e instanceof AlreadyExists && /CREATE OR REPLACE VIEW/.test(e.message));
    assert.equal((await lake.sql.execute('CREATE VIEW IF NOT EXISTS shop.big AS SELECT 1 AS x')).message, 'view shop.big already exists');
    assert.equal((await lake.sql.execute('CREATE OR REPLACE VIEW shop.big AS SELECT id FROM shop.orders WHERE amount >= 80')).message, 'replaced view shop.big');
    assert.deepEqual((await lake.sql.execute('SELECT * FROM shop.big ORDER BY id')).rows, [['8'], ['9']]);
    const replaced = (await lake.catalog.views.load('shop', 'big')).metadata;
    assert.equal(replaced.versions.length, 2);
    assert.equal(replaced['current-version-id'], 2);
    assert.deepEqual(replaced['version-log'].map((v) => v['version-id']), [1, 2]);

    assert.equal((await lake.sql.execute('DROP VIEW shop.big')).message, 'dropped view shop.big');
    await assert.rejects(lake.sql.execute('SELECT * FROM shop.big'), NotFound);
    assert.equal((await lake.sql.execute('DROP VIEW IF EXISTS shop.big')).message, 'view shop.big does not exist');
    await assert.rejects(lake.sql.execute('DROP VIEW shop.big'), (e: Error) => e instanceof NotFound && /no view shop\.big/.test(e.message));
    assert.equal(await lake.store.exists(lake.store.keyOf(stored.metadataLocation)), false);
  });
});

test('a view cannot be written to, and a view and a table never share a name', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE shop.t AS SELECT 1 AS x');
    await lake.sql.execute('CREATE VIEW shop.v AS SELECT x FROM shop.t');
    for (const sql of ['INSERT INTO shop.v VALUES (2)', 'DELETE FROM shop.v WHERE x = 1', 'UPDATE shop.v SET x = 2', 'ALTER TABLE shop.v ADD COLUMN y INT']) {
      await assert.rejects(lake.sql.execute(sql), (e: Error) => e instanceof InvalidInput && /shop\.v is a view; a view cannot be written to/.test(e.message), sql);
    }
    await assert.rejects(lake.sql.execute('DROP TABLE shop.v'), /shop\.v is a view, not a table; use DROP VIEW shop\.v/);
    await assert.rejects(lake.sql.execute('DROP VIEW shop.t'), /shop\.t is a table, not a view; use DROP TABLE shop\.t/);
    await assert.rejects(lake.sql.execute('CREATE TABLE shop.v (a INT)'), (e: Error) => e instanceof AlreadyExists && /already exists as a view/.test(e.message));
    await assert.rejects(lake.sql.execute('CREATE TABLE shop.v AS SELECT 1 AS a'), (e: Error) => e instanceof AlreadyExists && /already exists as a view/.test(e.message));
    await assert.rejects(lake.sql.execute('CREATE VIEW shop.t AS SELECT 1 AS a'), (e: Error) => e instanceof AlreadyExists && /shop\.t already exists as a table/.test(e.message));
    await assert.rejects(lake.sql.execute('SELECT * FROM shop.v FOR VERSION AS OF 1'), /shop\.v is a view; it has no snapshots/);
    await assert.rejects(lake.catalog.dropNamespace('shop'), /drop its tables and views first/);
  });
});

test('a view whose SQL no longer binds fails naming the view; one reading itself is refused', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE shop.t AS SELECT 1 AS x, 2 AS y');
    await lake.sql.execute('CREATE VIEW shop.named AS SELECT x, y FROM shop.t');
    await lake.sql.execute('CREATE VIEW shop.star AS SELECT * FROM shop.t');
    await lake.sql.execute('CREATE VIEW shop.outer_v AS SELECT x FROM shop.named');
    await lake.sql.execute('ALTER TABLE shop.t DROP COLUMN y');
    await assert.rejects(lake.sql.execute('SELECT * FROM shop.named'), (e: Error) => e instanceof InvalidInput && /view shop\.named no longer runs: .*y.*CREATE OR REPLACE VIEW shop\.named/s.test(e.message));
    await assert.rejects(lake.sql.execute('SELECT * FROM shop.star'), /view shop\.star no longer runs: its SQL now gives the columns \(x\), but the view was made with \(x, y\)/);
    await assert.rejects(lake.sql.execute('SELECT * FROM shop.outer_v'), /view shop\.outer_v no longer runs: view shop\.named no longer runs/);
    await lake.sql.execute('DROP TABLE shop.t');
    await assert.rejects(lake.sql.execute('SELECT * FROM shop.named'), (e: Error) => e instanceof NotFound && /view shop\.named no longer runs: no table shop\.t/.test(e.message));
    await assert.rejects(lake.sql.execute('CREATE VIEW shop.bad AS SELECT nope FROM shop.missing'), NotFound);
    await assert.rejects(lake.sql.execute("CREATE VIEW shop.bad AS SELECT * FROM read_csv('x.csv')"), InvalidInput);
    await lake.sql.execute('CREATE VIEW shop.a AS SELECT 1 AS one');
    await assert.rejects(lake.sql.execute('CREATE OR REPLACE VIEW shop.a AS SELECT * FROM shop.a'), /view shop\.a reads itself/);
  });
});

test("a view reads each table with the rights of the principal querying it (invoker's rights)", async () => {
  await withLake(async (lake) => {
    await lake.sql.execute("CREATE TABLE shop.t AS SELECT i AS x, 'n' || i AS name FROM range(6) t(i)");
    await lake.sql.execute('CREATE TABLE shop.secret AS SELECT 1 AS k');
    await lake.sql.execute('CREATE VIEW shop.v AS SELECT x, name FROM shop.t');
    await lake.sql.execute('CREATE VIEW shop.s AS SELECT k FROM shop.secret');
    const policy: AccessPolicy = {
      read: (principal, table) => {
        if (principal.kind !== 'service') return {};
        if (table.name === 'secret') return undefined;
        return { rowFilter: 'x % 2 = 0', masks: { name: "'***'" } };
      },
    };
    const sql = new SqlSession(lake.engine, lake.catalog, { policy });
    const svc = { name: 'reports', kind: 'service' as const };
    assert.deepEqual((await sql.execute('SELECT * FROM shop.v ORDER BY x', { principal: svc })).rows, [['0', '***'], ['2', '***'], ['4', '***']]);
    await assert.rejects(sql.execute('SELECT * FROM shop.s', { principal: svc }), /may not read table shop\.secret/);
    assert.deepEqual((await sql.execute('SELECT count(*) FROM shop.v')).rows, [['6']]);
  });
});

test('a view whose SQL is not portable carries only its Silt representation', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE shop.t AS SELECT 1 AS x');
    await lake.sql.execute('CREATE VIEW shop.duck AS SELECT x::VARCHAR AS s, [x, x] AS l FROM shop.t');
    const dialects = async (v: string) => currentViewVersion((await lake.catalog.views.load('shop', v)).metadata).representations.map((r) => r.dialect);
    assert.deepEqual(await dialects('duck'), ['silt']);
    const views: [string, string, string[]][] = [
      ['like', "SELECT count(*) AS n FROM shop.t WHERE CAST(x AS VARCHAR) LIKE '1%' AND x BETWEEN 0 AND 2", ['silt', 'trino', 'spark']],
      ['athena', "SELECT date_add('day', 7, DATE '2020-01-01') + INTERVAL '1' DAY AS d FROM shop.t", ['silt', 'trino']],
      ['duck_add', 'SELECT date_add(DATE \'2020-01-01\', INTERVAL 1 DAY) AS d FROM shop.t', ['silt']],
      ['duck_interval', "SELECT DATE '2020-01-01' + INTERVAL 1 DAY AS d FROM shop.t", ['silt']],
      ['qualify', 'SELECT x FROM shop.t QUALIFY row_number() OVER (ORDER BY x) = 1', ['silt']],
    ];
    for (const [name, sql, expected] of views) {
      await lake.sql.execute(`CREATE VIEW shop.${name} AS ${sql}`);
      assert.deepEqual(await dialects(name), expected, name);
    }
    assert.deepEqual((await lake.sql.execute('SELECT * FROM shop.duck')).rows, [['1', [1, 1]]]);
  });
});
