import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileFixture } from '../files/file-test-fixture.js';
import { dropReadResult, readFiles } from '../files/file-reader.js';
import { Engine } from './duckdb.js';
import { sideBySide } from './side-by-side.js';
import { quoteIdent } from './sql-text.js';

const fx = fileFixture('side', 2);

test('results come back in item order, on forks that see and are seen by the engine', async () => {
  await fx.engine.run('CREATE TABLE side_shared AS SELECT 42 AS v');
  const used = new Set<unknown>();
  // The first item is the slowest, so the others finish before it.
  const results = await sideBySide(fx.engine, [300, 10, 20, 30], async (on, wait, i) => {
    used.add(on);
    await new Promise((resolve) => setTimeout(resolve, wait));
    await on.run(`CREATE TABLE side_made_${i} AS SELECT v + ${i} AS v FROM side_shared`);
    return i;
  });
  assert.deepEqual(results, [0, 1, 2, 3]);
  assert.equal(used.size, 2, 'threads = 2: two connections');
  const made = await fx.engine.all<{ v: number }>('SELECT v FROM side_made_3');
  assert.deepEqual(made, [{ v: 45 }]);
  for (let i = 0; i < 4; i++) await fx.engine.run(`DROP TABLE side_made_${i}`);
  await fx.engine.run('DROP TABLE side_shared');
});

test('after a failure no new item starts; the ones under way finish and are reported', async () => {
  const started: number[] = [];
  const reported: number[] = [];
  await assert.rejects(
    sideBySide(
      fx.engine,
      [0, 1, 2, 3, 4],
      async (_on, item) => {
        started.push(item);
        if (item === 0) throw new Error('item 0 is broken');
        await new Promise((resolve) => setTimeout(resolve, 50));
        return item;
      },
      (result) => reported.push(result),
    ),
    /item 0 is broken/,
  );
  // Item 0 fails at once, while item 1 is under way on the other connection; nothing after starts.
  assert.deepEqual(started, [0, 1]);
  assert.deepEqual(reported, [1]);
});

test('several files read side by side keep their path order, rows and rejects alike', async () => {
  const big = fx.file('a-big.csv', `id,v\n${Array.from({ length: 50_000 }, (_, i) => `${i},x`).join('\n')}\nbad,row,extra\n`);
  const small = fx.file('b-small.csv', 'id,v\n1,y\n2,y,extra\n');
  const result = await readFiles(fx.engine, [big, small]);
  try {
    assert.deepEqual(
      result.rejects.map((r) => [r.file, r.line]),
      [
        [big, 50_002],
        [small, 3],
      ],
    );
    assert.equal(result.rowsRead, 50_001);
    const files = await fx.engine.all<{ f: string }>(
      `SELECT _source_file AS f FROM ${quoteIdent(result.relation)} GROUP BY f ORDER BY min(rowid)`,
    );
    assert.deepEqual(files.map((r) => r.f), [big, small]);
  } finally {
    await dropReadResult(fx.engine, result);
  }
});

test('a fork casts times in the time zone of the engine it came from', async () => {
  await fx.engine.run(`SET TimeZone = 'America/New_York'`);
  const fork = await fx.engine.fork();
  try {
    const sql = `SELECT CAST(TIMESTAMPTZ '2026-01-01 12:00:00+00' AS VARCHAR) AS t`;
    const [mine, theirs] = [await fx.engine.all<{ t: string }>(sql), await fork.all<{ t: string }>(sql)];
    assert.deepEqual(theirs, mine);
    assert.equal(theirs[0]?.t, '2026-01-01 07:00:00-05');
  } finally {
    fork.close();
    await fx.engine.run(`SET TimeZone = 'UTC'`);
  }
});

test('a fork of a locked engine casts times in UTC, as its settings can no longer change', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-locked-'));
  const engine = await Engine.open({ onlyFolders: [dir] });
  try {
    await assert.rejects(engine.run(`SET TimeZone = 'America/New_York'`), /locked/);
    const fork = await engine.fork();
    try {
      const [row] = await fork.all<{ t: string }>(`SELECT CAST(TIMESTAMPTZ '2026-01-01 12:00:00+02' AS VARCHAR) AS t`);
      assert.equal(row?.t, '2026-01-01 10:00:00+00');
      await assert.rejects(fork.run(`SET TimeZone = 'Europe/Oslo'`), /locked/);
    } finally {
      fork.close();
    }
  } finally {
    engine.close();
    await rm(dir, { recursive: true, force: true });
  }
});
