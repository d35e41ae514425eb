/** Retention deletes and archives what its policy says is due, and every other row reads as before. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadProject } from '../config/index.js';
import { Catalog } from '../catalog/index.js';
import { Engine, SqlSession } from '../engine/index.js';
import { LocalStore } from '../storage/index.js';
import { EnvironmentFault, InvalidInput, NotFound } from '../errors.js';
import { withLake, type Lake } from '../testing/lake.js';
import { applyRetention, retentionStatus } from './retention.js';
import { retentionRules, type RetentionPolicies } from './retention-config.js';

const DAY = 86_400_000;
/** "Now" for these tests: noon, 7 December 2026. */
const NOW = Date.UTC(2026, 11, 7, 12);

/** Rules as silt.yaml would give them (parsed by the real section schema). */
function rules(lake: Lake, yaml: string): RetentionPolicies {
  writeFileSync(path.join(lake.dir, 'silt.yaml'), `name: t\nretention:\n${yaml}`);
  return retentionRules(loadProject(lake.dir));
}

/**
 * A bronze-like table partitioned by day of ingestion, filled by `months` commits of daily runs
 * (ten rows a day, one month a commit): the last day is yesterday.
 */
async function dailyRuns(lake: Lake, table: string, days: number): Promise<void> {
  const yesterday = new Date(NOW - DAY).toISOString().slice(0, 10);
  const rows = (from: number, to: number) =>
    `SELECT d * 10 + r AS id, CAST(DATE '${yesterday}' - INTERVAL (d) DAY + INTERVAL (r) HOUR AS TIMESTAMPTZ) AS _ingested_at, 'row ' || (d * 10 + r) AS payload ` +
    `FROM range(${from}, ${to}) a(d), range(10) b(r)`;
  await lake.sql.execute(`CREATE TABLE ${table} PARTITIONED BY (day(_ingested_at)) AS ${rows(days - 30, days)}`);
  for (let end = days - 30; end > 0; end -= 30) await lake.sql.execute(`INSERT INTO ${table} ${rows(Math.max(0, end - 30), end)}`);
}

async function rowsOf(lake: Lake, sql: string): Promise<string[]> {
  return (await lake.sql.execute(sql)).rows.map((r) => JSON.stringify(r));
}

const current = async (lake: Lake, ns: string, name: string) => (await lake.catalog.loadTable(ns, name)).metadata['current-snapshot-id'];

test('after four months of daily runs, partitions past delete_after go and those past archive_after move; every other row reads the same', async () => {
  await withLake(async (lake) => {
    await dailyRuns(lake, 'bronze.events', 120);
    const policy = rules(lake, '  bronze:\n    delete_after: 90d\n    archive_after: 30d\n    archive: archive\n');
    const kept = await rowsOf(lake, 'SELECT * FROM bronze.events WHERE id < 900 ORDER BY id');
    const before = await current(lake, 'bronze', 'events');

    // Days 1..30 ago are hot, 31..90 due to archive (the 31st day ago ends 30 days before noon today), 91..120 due to go.
    const dry = await applyRetention(lake.catalog, policy, { nowMs: NOW, dryRun: true });
    assert.deepEqual(dry.tables.map((t) => [t.table, t.deleted.files, t.deleted.rows, t.archived.files, t.archived.rows]), [['bronze.events', 30, 300, 60, 600]]);
    assert.equal(await current(lake, 'bronze', 'events'), before, 'a dry run commits nothing');
    assert.deepEqual(await lake.store.list('archive/'), [], 'a dry run copies nothing');

    const status = await retentionStatus(lake.catalog, policy, { nowMs: NOW });
    const byState = (s: typeof status) => {
      const out: Record<string, number[]> = {};
      for (const p of s.tables[0]!.partitions) out[p.state] = [(out[p.state]?.[0] ?? 0) + p.files, (out[p.state]?.[1] ?? 0) + p.rows];
      return out;
    };
    assert.deepEqual(byState(status), { delete: [30, 300], archive: [60, 600], hot: [30, 300] });
    assert.equal(status.tables[0]!.partitions[0]!.partition, '_ingested_at_day=2026-08-09', 'oldest partition first');
    assert.equal(status.tables[0]!.partitions[0]!.oldest, '2026-08-09');

    const sequence = async () => new Map((await (await lake.catalog.loadTable('bronze', 'events')).liveEntries()).map((e) => [lake.store.keyOf(e.dataFile.filePath).replace(/^archive\//, ''), e.sequenceNumber]));
    const sequenceBefore = await sequence();
    const done = await applyRetention(lake.catalog, policy, { nowMs: NOW });
    assert.equal(done.tables[0]!.snapshots.length, 2);
    for (const [key, seq] of await sequence()) assert.equal(seq, sequenceBefore.get(key), `${key} keeps its data sequence number, so deletes still apply to it`);
    const table = await lake.catalog.loadTable('bronze', 'events');
    const [deleted, replaced] = table.metadata.snapshots.slice(-2).map((s) => s.summary);
    assert.equal(deleted!.operation, 'delete');
    assert.equal(deleted!['deleted-data-files'], '30');
    assert.equal(replaced!.operation, 'replace');
    assert.equal(replaced!['added-records'], replaced!['deleted-records']);
    assert.equal(replaced!['total-records'], deleted!['total-records']);
    assert.deepEqual(await rowsOf(lake, 'SELECT * FROM bronze.events ORDER BY id'), kept, 'the rows left read the same, row for row');

    const files = (await table.liveEntries()).map((e) => lake.store.keyOf(e.dataFile.filePath));
    const archived = files.filter((k) => k.startsWith('archive/'));
    assert.equal(archived.length, 60);
    for (const k of archived) assert.ok(await lake.store.exists(k), `${k} is there`);
    const after = byState(await retentionStatus(lake.catalog, policy, { nowMs: NOW }));
    assert.deepEqual(after, { archived: [60, 600], hot: [30, 300] });

    // The old files stay for the snapshots that reference them: time travel still reads them.
    assert.deepEqual(await rowsOf(lake, `SELECT count(*) FROM bronze.events FOR VERSION AS OF ${before}`), ['["1200"]']);
    const again = await applyRetention(lake.catalog, policy, { nowMs: NOW });
    assert.deepEqual(again.tables[0]!.snapshots, [], 'nothing more is due');
  });
});

test('a table not partitioned by a date is refused, naming it; with column: its old rows are deleted and the rest stay', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute(`CREATE TABLE gold.daily AS SELECT CAST(DATE '2026-12-06' - INTERVAL (i) DAY AS DATE) AS day, i AS n FROM range(200) t(i)`);
    await lake.sql.execute(`INSERT INTO gold.daily SELECT CAST(DATE '2026-12-06' - INTERVAL (i) DAY AS DATE) AS day, i + 1000 AS n FROM range(0, 200, 50) t(i)`);
    const table = rules(lake, '  gold.daily:\n    delete_after: 100d\n');
    await assert.rejects(applyRetention(lake.catalog, table, { nowMs: NOW }), (e: unknown) => {
      assert.ok(e instanceof InvalidInput, String(e));
      assert.match(e.message, /^retention: table gold\.daily is not partitioned by a date or time column.*partition it by one \(partition_by: "day\(<column>\)"\) or set column: .* under retention\.gold\.daily$/);
      return true;
    });
    // A layer's rule skips it instead, saying why.
    const layer = rules(lake, '  gold:\n    delete_after: 100d\n');
    const skipped = await applyRetention(lake.catalog, layer, { nowMs: NOW });
    assert.deepEqual(skipped.skipped.map((s) => s.table), ['gold.daily']);
    assert.deepEqual(skipped.tables, []);

    const byColumn = rules(lake, '  gold.daily:\n    delete_after: 100d\n    column: day\n');
    const keep = await rowsOf(lake, `SELECT * FROM gold.daily WHERE day >= DATE '2026-08-29' ORDER BY n`);
    const before = await current(lake, 'gold', 'daily');
    const dry = await applyRetention(lake.catalog, byColumn, { nowMs: NOW, dryRun: true });
    assert.equal(dry.tables[0]!.deleted.files, 2, 'both files hold rows past 100 days');
    assert.equal(await current(lake, 'gold', 'daily'), before);
    const done = await applyRetention(lake.catalog, byColumn, { nowMs: NOW, openEngine: () => Engine.open({ threads: 1 }) });
    assert.equal(done.tables[0]!.deleted.rows, 100 + 2, 'days 100..199 of the first file, 100 and 150 of the second');
    assert.deepEqual(await rowsOf(lake, 'SELECT * FROM gold.daily ORDER BY n'), keep);
  });
});

test('bad input: a bad duration names its line, an unknown table and an archive outside the lake are refused', async () => {
  await withLake(async (lake) => {
    await dailyRuns(lake, 'bronze.events', 40);
    assert.throws(() => rules(lake, '  bronze:\n    delete_after: 90 days\n'), (e: unknown) => {
      assert.ok(e instanceof InvalidInput, String(e));
      assert.match(e.message, /silt\.yaml line 4: retention\.bronze\.delete_after: expected a duration with its unit, such as 90d, 36h or 30m, found "90 days"/);
      return true;
    });
    assert.throws(() => rules(lake, '  bronze:\n    archive_after: 30d\n'), /silt\.yaml line 3: retention\.bronze\.archive: missing; expected the location archived files move to \(archive_after needs one\)/);
    const policy = rules(lake, '  bronze:\n    delete_after: 90d\n');
    await assert.rejects(applyRetention(lake.catalog, policy, { tables: [{ namespace: 'bronze', name: 'nope' }] }), (e: unknown) => {
      assert.ok(e instanceof NotFound, String(e));
      assert.match(e.message, /^retention: no table bronze\.nope;/);
      return true;
    });
    await assert.rejects(applyRetention(lake.catalog, rules(lake, '  bronze.nope:\n    delete_after: 90d\n')), /retention\.bronze\.nope in silt\.yaml names no table/);
    const outside = rules(lake, '  bronze:\n    archive_after: 10d\n    archive: file:///elsewhere/cold\n');
    await assert.rejects(applyRetention(lake.catalog, outside, { nowMs: NOW }), (e: unknown) => {
      assert.ok(e instanceof InvalidInput, String(e));
      assert.match(e.message, /^retention: retention\.bronze\.archive: file:\/\/\/elsewhere\/cold is outside the lake's store \(file:\/\/.*\), and a table can reference only files in it; give a prefix inside it/);
      return true;
    });
  });
});

test('an archive location that cannot be written fails naming it, commits nothing and leaves no copy', async () => {
  await withLake(async (lake) => {
    await dailyRuns(lake, 'bronze.events', 40);
    // A file where the archive folder should be: no folder can be made under it.
    await lake.store.put('cold/archive/warehouse', 'in the way');
    const policy = rules(lake, '  bronze:\n    archive_after: 10d\n    archive: cold/archive\n');
    const before = await current(lake, 'bronze', 'events');
    await assert.rejects(applyRetention(lake.catalog, policy, { nowMs: NOW }), (e: unknown) => {
      assert.ok(e instanceof EnvironmentFault, String(e));
      assert.match(e.message, /^retention: bronze\.events: archive location cold\/archive \(retention\.bronze\.archive\): cannot write cold\/archive\/warehouse\/.*\.parquet: .*make the location writable/);
      return true;
    });
    assert.equal(await current(lake, 'bronze', 'events'), before);
    assert.deepEqual((await lake.store.list('cold/')).map((o) => o.key), ['cold/archive/warehouse']);
  });
});

test('a file carrying position deletes is held, not archived (they name its path); the others move', async () => {
  await withLake(async (lake) => {
    await dailyRuns(lake, 'bronze.events', 40);
    await lake.sql.execute(`ALTER TABLE bronze.events SET TBLPROPERTIES ('write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read')`);
    await lake.sql.execute(`DELETE FROM bronze.events WHERE id IN (305, 306)`);
    const rows = await rowsOf(lake, 'SELECT * FROM bronze.events ORDER BY id');
    const done = await applyRetention(lake.catalog, rules(lake, '  bronze:\n    archive_after: 20d\n    archive: archive\n'), { nowMs: NOW });
    assert.equal(done.tables[0]!.held, 1);
    assert.equal(done.tables[0]!.archived.files, 19);
    assert.deepEqual(await rowsOf(lake, 'SELECT * FROM bronze.events ORDER BY id'), rows);
  });
});

/**
 * A local store that runs `during` once, inside the replace commit (when it writes its manifest
 * list, after the archive copies): a writer committing between retention's plan and its swap.
 */
class WriterMidway extends LocalStore {
  during: (() => Promise<void>) | undefined;
  private copied = false;
  override async putStream(key: string, data: AsyncIterable<Uint8Array>): Promise<void> {
    if (key.startsWith('archive/')) this.copied = true;
    return super.putStream(key, data);
  }
  override async put(key: string, data: Uint8Array | string, options?: { ifAbsent?: boolean }): Promise<boolean> {
    const run = this.copied && /\/metadata\/snap-/.test(key) ? this.during : undefined;
    if (run) this.during = undefined;
    await run?.();
    return super.put(key, data, options);
  }
}

test('a writer committing during the replace commit loses nothing: the commit is planned again on its snapshot', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'silt-retention-'));
  const store = new WriterMidway(path.join(dir, 'lake'));
  const catalog = await Catalog.open(path.join(dir, 'catalog.db'), store);
  const engine = await Engine.open({ threads: 1 });
  try {
    const lake: Lake = { dir, store, catalog, engine, sql: new SqlSession(engine, catalog) };
    await dailyRuns(lake, 'bronze.events', 40);
    const rows = await rowsOf(lake, 'SELECT * FROM bronze.events ORDER BY id');
    store.during = async () => {
      await lake.sql.execute(`INSERT INTO bronze.events SELECT 5000 AS id, TIMESTAMPTZ '2026-12-07 08:00:00+00' AS _ingested_at, 'late' AS payload`);
    };
    const done = await applyRetention(catalog, rules(lake, '  bronze:\n    archive_after: 20d\n    archive: archive\n'), { nowMs: NOW });
    assert.equal(store.during, undefined, 'the writer ran');
    const ops = (await catalog.loadTable('bronze', 'events')).metadata.snapshots.slice(-2).map((x) => x.summary.operation);
    assert.deepEqual(ops, ['append', 'replace'], "the writer's append came first; the replace was planned again on it");
    assert.equal(done.tables[0]!.archived.files, 20);
    assert.deepEqual(await rowsOf(lake, 'SELECT * FROM bronze.events WHERE id < 5000 ORDER BY id'), rows);
    assert.deepEqual(await rowsOf(lake, 'SELECT payload FROM bronze.events WHERE id = 5000'), ['["late"]'], "the writer's row is there");
  } finally {
    engine.close();
    await catalog.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
