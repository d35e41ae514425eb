import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { eventLine, writeEventsCsv } from '../../testing/csv-data.js';
import { queryCsv, queryNumber, silt } from '../../testing/silt-process.js';
import { snapshots, withProject } from '../../testing/temp-project.js';

const ROWS = 2000;

/** Starts one `silt load` per file at once; all must succeed. */
async function loadAtOnce(dir: string, files: string[], table: string, ...more: string[]): Promise<void> {
  const results = await Promise.all(files.map((f) => silt(dir, 'load', f, '--into', table, ...more)));
  for (const [i, r] of results.entries()) {
    assert.equal(r.code, 0, `load ${files[i]} exited ${r.code}: ${r.stderr}`);
  }
}

test('several processes loading into one table at once: every load lands exactly once', async () => {
  await withProject(async (dir) => {
    const t = 'web.hits';
    const files: string[] = [];
    for (let k = 0; k < 8; k++) {
      files.push(`part-${k}.csv`);
      // distinct ids per file; the same columns and types, so that no load has to evolve the schema
      await writeEventsCsv(path.join(dir, files[k]!), k * ROWS, (k + 1) * ROWS, (i) => eventLine(i));
    }
    // four at once into a table that does not exist yet
    await loadAtOnce(dir, files.slice(0, 4), t);
    const check = async (loads: number) => {
      assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${t}`), loads * ROWS);
      const [row] = await queryCsv(dir, `SELECT count(DISTINCT id), min(id), max(id) FROM ${t}`);
      assert.deepEqual(row, [String(loads * ROWS), '0', String(loads * ROWS - 1)]);
      const history = await snapshots(dir, t);
      assert.deepEqual(history.map((s) => s.operation), Array(loads).fill('append'), 'one append snapshot per load');
      // each snapshot's parent is the one before it: a straight line of commits, none lost
      for (let i = 1; i < history.length; i++) assert.equal(history[i]!.parentId, history[i - 1]!.id);
    };
    await check(4);
    // four more at once into the table that now exists
    await loadAtOnce(dir, files.slice(4), t);
    await check(8);
  });
});

test('several processes creating one partitioned table at once, each with the same --partition-by', async () => {
  await withProject(async (dir) => {
    const t = 'web.daily';
    const files = ['a.csv', 'b.csv', 'c.csv', 'd.csv'];
    for (const [k, f] of files.entries()) await writeEventsCsv(path.join(dir, f), k * 500, (k + 1) * 500);
    // a script run per file does not know which run comes first: the spec matches, so every one loads
    await loadAtOnce(dir, files, t, '--partition-by', 'day(ts)');
    assert.equal(await queryNumber(dir, `SELECT count(DISTINCT id) FROM ${t}`), 2000);
    assert.equal((await snapshots(dir, t)).length, 4);
  });
});
