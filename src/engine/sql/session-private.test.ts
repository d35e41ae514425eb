import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AccessDenied, Cancelled, InvalidInput, LimitExceeded } from '../../errors.js';
import type { AccessPolicy } from '../core/access-policy.js';
import { SqlSession } from './session.js';
import { withLake, type Lake } from '../../testing/lake.js';

/** shop.t with two snapshots: 10 rows (x 0..9), then 10 more (x 10..19), in two files. */
async function twoSnapshots(lake: Lake): Promise<[string, string]> {
  const a = await lake.sql.execute('CREATE TABLE shop.t AS SELECT i AS x, i % 2 AS odd, \'name \' || i AS name FROM range(10) r(i)');
  const b = await lake.sql.execute('INSERT INTO shop.t SELECT i, i % 2, \'name \' || i FROM range(10, 20) r(i)');
  return [a.snapshotId!, b.snapshotId!];
}

test('20 statements at once over the same and different snapshots of one table each see their own rows', async () => {
  await withLake(async (lake) => {
    const [a, b] = await twoSnapshots(lake);
    const cases = [
      { sql: `SELECT count(*), sum(x) FROM shop.t FOR VERSION AS OF ${a}`, want: [['10', '45']] },
      { sql: `SELECT count(*), sum(x) FROM shop.t FOR VERSION AS OF ${b}`, want: [['20', '190']] },
      { sql: 'SELECT count(*), sum(x) FROM shop.t WHERE x >= 15', want: [['5', '85']] },
      { sql: `SELECT count(*), sum(t.x) FROM shop.t JOIN shop.t FOR VERSION AS OF ${a} AS o USING (x)`, want: [['10', '45']] },
    ];
    // Several sessions, as a server would hold, each on a connection of the one database.
    const forks = await Promise.all([1, 2, 3].map(() => lake.engine.fork()));
    const sessions = [lake.sql, ...forks.map((f) => new SqlSession(f, lake.catalog))];
    try {
      const runs = Array.from({ length: 20 }, (_, i) => cases[i % cases.length]!);
      // A model built into a temp table (as a gold step does) beside them.
      const model = sessions[1]!.materialize(`SELECT x FROM shop.t FOR VERSION AS OF ${a} WHERE x < 3`, 'gold_model');
      const results = await Promise.all(runs.map((c, i) => sessions[i % sessions.length]!.execute(c.sql)));
      results.forEach((r, i) => assert.deepEqual(r.rows, runs[i]!.want, runs[i]!.sql));
      assert.equal((await model).stats.rows, 3);
      assert.deepEqual(await forks[0]!.all('SELECT sum(x)::INT AS s FROM gold_model'), [{ s: 3 }]);
    } finally {
      for (const f of forks) f.close();
    }
    // Nothing a statement bound is left behind.
    const left = await lake.engine.all(`SELECT view_name FROM duckdb_views() WHERE view_name LIKE 'silt_bind_%'`);
    assert.deepEqual(left, []);
  }, { threads: 2 });
});

test('a cancelled statement stops within a second and commits nothing', async () => {
  await withLake(async (lake) => {
    await twoSnapshots(lake);
    const slow = 'SELECT count(*) FROM shop.t, range(100000000000) r(i) WHERE i % 7 = x';
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 300);
    await assert.rejects(lake.sql.execute(slow, { signal: controller.signal }), (e: Error) => e instanceof Cancelled && /cancelled/.test(e.message));
    assert.ok(Date.now() - started < 1300, `stopped after ${Date.now() - started} ms`);

    const write = new AbortController();
    setTimeout(() => write.abort(), 300);
    await assert.rejects(
      lake.sql.execute('CREATE TABLE shop.big AS SELECT count(*) AS n FROM shop.t, range(100000000000) r(i) WHERE i % 7 = x', { signal: write.signal }),
      Cancelled,
    );
    assert.equal(await lake.catalog.tableExists('shop', 'big'), false);
    await assert.rejects(lake.sql.execute('SELECT 1', { signal: AbortSignal.abort() }), Cancelled);
  });
});

test('limits: bytes scanned is refused before reading, rows returned and wall time name their limit', async () => {
  await withLake(async (lake) => {
    await twoSnapshots(lake);
    const all = await lake.sql.execute('SELECT * FROM shop.t');
    const total = all.stats.bytes_scanned;
    const oneFile = (await lake.sql.execute('SELECT * FROM shop.t WHERE x >= 15')).stats.bytes_scanned;
    assert.ok(oneFile < total);
    await assert.rejects(
      lake.sql.execute('SELECT * FROM shop.t', { limits: { bytesScanned: oneFile } }),
      (e: Error) => e instanceof LimitExceeded && new RegExp(`${total} bytes.*limit of ${oneFile} bytes scanned`).test(e.message),
    );
    // Pruned to one file, the same statement is within the limit.
    assert.deepEqual((await lake.sql.execute('SELECT count(*) FROM shop.t WHERE x >= 15', { limits: { bytesScanned: oneFile } })).rows, [['5']]);

    await assert.rejects(lake.sql.execute('SELECT x FROM shop.t', { limits: { rows: 19 } }), (e: Error) => e instanceof LimitExceeded && /limit of 19 rows/.test(e.message));
    assert.equal((await lake.sql.execute('SELECT x FROM shop.t', { limits: { rows: 20 } })).rows.length, 20);

    const started = Date.now();
    await assert.rejects(
      lake.sql.execute('SELECT count(*) FROM shop.t, range(100000000000) r(i) WHERE i % 7 = x', { limits: { wallMs: 200 } }),
      (e: Error) => e instanceof LimitExceeded && /200 ms wall time/.test(e.message),
    );
    assert.ok(Date.now() - started < 1200);
    await assert.rejects(
      lake.sql.execute('CREATE TABLE shop.big AS SELECT count(*) AS n FROM shop.t, range(100000000000) r(i) WHERE i % 7 = x', { limits: { wallMs: 200 } }),
      LimitExceeded,
    );
    assert.equal(await lake.catalog.tableExists('shop', 'big'), false);
  });
});

test('a wall time that runs out while the statement is still being bound stops it all the same', async () => {
  await withLake(async (lake) => {
    await twoSnapshots(lake);
    for (const wallMs of [1, 5, 20]) {
      const started = Date.now();
      await assert.rejects(
        lake.sql.execute('SELECT count(*) FROM shop.t, range(100000000000) r(i) WHERE i % 7 = x', { limits: { wallMs } }),
        (e: Error) => e instanceof LimitExceeded && new RegExp(`${wallMs} ms wall time`).test(e.message),
      );
      assert.ok(Date.now() - started < 1500, `stopped ${Date.now() - started} ms after a ${wallMs} ms limit`);
    }
  });
});

test('a query streams its rows in batches', async () => {
  await withLake(async (lake) => {
    await twoSnapshots(lake);
    const batches: number[] = [];
    const seen: unknown[] = [];
    for await (const batch of lake.sql.stream('SELECT x FROM shop.t ORDER BY x', { batchRows: 6 })) {
      batches.push(batch.length);
      seen.push(...batch.map((r) => r[0]));
    }
    assert.deepEqual(batches, [6, 6, 6, 2]);
    assert.deepEqual(seen, Array.from({ length: 20 }, (_, i) => String(i)));
    await assert.rejects(async () => {
      for await (const _ of lake.sql.stream('SELECT x FROM shop.t', { limits: { rows: 5 } })) void _;
    }, LimitExceeded);
    await assert.rejects(async () => {
      for await (const _ of lake.sql.stream('DROP TABLE shop.t')) void _;
    }, InvalidInput);
  });
});

test('an access policy filters rows, masks and hides columns, and refuses tables, for its principal only', async () => {
  await withLake(async (lake) => {
    await twoSnapshots(lake);
    await lake.sql.execute('CREATE TABLE shop.secret AS SELECT 1 AS k');
    const policy: AccessPolicy = {
      read: (principal, table) => {
        if (principal.kind !== 'service') return {};
        if (table.name === 'secret') return undefined;
        return { rowFilter: 'odd = 1', masks: { name: "'***'" }, columns: table.columns.filter((c) => c !== 'odd') };
      },
    };
    const sql = new SqlSession(lake.engine, lake.catalog, { policy });
    const svc = { name: 'reports', kind: 'service' as const };
    const seen = await sql.execute('SELECT * FROM shop.t WHERE x < 6 ORDER BY x', { principal: svc });
    assert.deepEqual(seen.columns.map((c) => c.name), ['x', 'name']);
    assert.deepEqual(seen.rows, [['1', '***'], ['3', '***'], ['5', '***']]);
    // A filter on a masked column is not pruned by the files' real values.
    assert.deepEqual((await sql.execute("SELECT count(*) FROM shop.t WHERE name = '***'", { principal: svc })).rows, [['10']]);
    await assert.rejects(sql.execute('SELECT odd FROM shop.t', { principal: svc }), /odd/);
    await assert.rejects(sql.execute('SELECT * FROM shop.secret', { principal: svc }), (e: Error) => e instanceof AccessDenied && /service reports may not read table shop\.secret/.test(e.message));
    await assert.rejects(sql.execute('DELETE FROM shop.t WHERE x = 1', { principal: svc }), /through a filter or mask/);
    // The owner sees everything.
    assert.deepEqual((await sql.execute('SELECT count(*) FROM shop.t')).rows, [['20']]);
  });
});

test('user SQL on a locked engine reaches no file but the bound tables', async () => {
  await withLake(async (lake) => {
    const { Engine } = await import('../core/duckdb.js');
    const engine = await Engine.open({ threads: 1, onlyFolders: [lake.store.enginePath('')] });
    try {
      const sql = new SqlSession(engine, lake.catalog);
      await sql.execute('CREATE TABLE shop.t AS SELECT i AS x FROM range(3) r(i)');
      assert.deepEqual((await sql.execute('SELECT sum(x) FROM shop.t')).rows, [['3']]);
      // A partitioned write works under the lock (its COPY setting was made before it).
      assert.equal((await sql.execute('CREATE TABLE shop.p PARTITIONED BY (x) AS SELECT x FROM shop.t')).message, 'created table shop.p (3 rows)');
      const dataFile = (await (await lake.catalog.loadTable('shop', 't')).planFiles()).files[0]!.filePath;
      const dataPath = lake.store.enginePath(lake.store.keyOf(dataFile));
      const out = path.join(lake.dir, 'out.csv');
      const hostile = [
        `COPY (SELECT 1) TO '${out}'`,
        `COPY shop.t TO '${out}'`,
        `ATTACH '${path.join(lake.dir, 'catalog.db')}' AS c`,
        'INSTALL httpfs',
        'LOAD httpfs',
        "SET enable_external_access = true",
        'PRAGMA database_list',
        `SELECT * FROM read_parquet('${dataPath}')`,
        `SELECT * FROM '${dataPath}'`,
        `SELECT * FROM read_blob('${path.join(lake.dir, 'catalog.db')}')`,
        "SELECT * FROM 'file.csv'",
        "SELECT current_setting('temp_directory')",
        "SELECT * FROM read_text('/etc/hostname')",
      ];
      for (const h of hostile) {
        await assert.rejects(sql.execute(h), (e: Error) => e instanceof InvalidInput && !e.message.includes('\n'), h);
      }
      assert.equal(existsSync(out), false);
      // Behind the statement gate, the engine itself refuses what is outside the warehouse.
      await assert.rejects(engine.all("SELECT * FROM read_text('/etc/hostname')"), /Permission Error/);
      await assert.rejects(engine.all(`SELECT * FROM read_blob('${path.join(lake.dir, 'catalog.db')}')`), /Permission Error/);
      await assert.rejects(engine.run(`COPY (SELECT 1) TO '${out}'`), /Permission Error/);
      await assert.rejects(engine.run('SET enable_external_access = true'), /locked/);
      assert.equal(existsSync(out), false);
    } finally {
      engine.close();
    }
  });
});
