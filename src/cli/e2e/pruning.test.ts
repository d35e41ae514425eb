import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { eventLine, writeEventsCsv } from '../../testing/csv-data.js';
import { silt, siltOk } from '../../testing/silt-process.js';
import { withProject } from '../../testing/temp-project.js';

interface Stats {
  files_total: number;
  files_scanned: number;
  bytes_total: number;
  bytes_scanned: number;
  rows: number;
  elapsed_ms: number;
}

/** Runs a query with --stats; returns the CSV result rows and the stats line from stderr. */
async function withStats(dir: string, sql: string): Promise<{ rows: string[][]; stats: Stats }> {
  const r = await silt(dir, 'query', sql, '--format', 'csv', '--stats');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `--stats writes one line on stderr, got:\n${r.stderr}`);
  const stats = JSON.parse(lines[0]!) as Stats;
  for (const key of ['files_total', 'files_scanned', 'bytes_total', 'bytes_scanned', 'rows', 'elapsed_ms'] as const) {
    assert.equal(typeof stats[key], 'number', `stats.${key} in ${lines[0]}`);
  }
  const rows = r.stdout.split('\n').slice(1).filter((l) => l !== '').map((l) => l.split(','));
  return { rows, stats };
}

test('a one-day query on a table partitioned by day over a year scans at most 1/100 of the bytes', async () => {
  await withProject(async (dir) => {
    const t = 'iot.readings';
    const perDay = 300;
    // 365 days x 300 rows, in one CSV; ids spread every day's rows over the whole day
    await writeEventsCsv(path.join(dir, 'year.csv'), 0, 365 * perDay, (i) => eventLine(i, 365));
    await siltOk(dir, 'load', 'year.csv', '--into', t, '--partition-by', 'day(ts)');

    const full = await withStats(dir, `SELECT count(*) FROM ${t}`);
    assert.deepEqual(full.rows, [[String(365 * perDay)]]);
    assert.equal(full.stats.files_scanned, full.stats.files_total);
    assert.ok(full.stats.files_total >= 365, `one file per day at least, got ${full.stats.files_total}`);

    const day = await withStats(dir, `SELECT count(*) FROM ${t} WHERE ts >= '2024-05-01' AND ts < '2024-05-02'`);
    assert.deepEqual(day.rows, [[String(perDay)]]);
    assert.equal(day.stats.bytes_total, full.stats.bytes_total);
    assert.ok(
      day.stats.bytes_scanned * 100 <= day.stats.bytes_total,
      `scanned ${day.stats.bytes_scanned} of ${day.stats.bytes_total} bytes (${day.stats.files_scanned} of ${day.stats.files_total} files)`,
    );
    assert.ok(day.stats.bytes_scanned > 0, 'the day it asks for is read');

    // the same through a timestamp literal and a BETWEEN, as people write it
    const between = await withStats(dir, `SELECT count(*) FROM ${t} WHERE ts BETWEEN TIMESTAMP '2024-12-30 00:00:00' AND TIMESTAMP '2024-12-30 23:59:59'`);
    assert.deepEqual(between.rows, [[String(perDay)]]);
    assert.ok(between.stats.bytes_scanned * 100 <= between.stats.bytes_total, JSON.stringify(between.stats));
  });
});

test('min/max bounds prune data files on a column that is not a partition source', async () => {
  await withProject(async (dir) => {
    const t = 'iot.flat';
    for (let k = 0; k < 4; k++) {
      await writeEventsCsv(path.join(dir, `ids-${k}.csv`), k * 1000, (k + 1) * 1000);
      await siltOk(dir, 'load', `ids-${k}.csv`, '--into', t);
    }
    const all = await withStats(dir, `SELECT count(*) FROM ${t}`);
    assert.deepEqual(all.rows, [['4000']]);
    assert.equal(all.stats.files_total, 4);

    const some = await withStats(dir, `SELECT count(*), min(id), max(id) FROM ${t} WHERE id BETWEEN 2100 AND 2199`);
    assert.deepEqual(some.rows, [['100', '2100', '2199']]);
    assert.equal(some.stats.files_scanned, 1, JSON.stringify(some.stats));
    assert.ok(some.stats.bytes_scanned < some.stats.bytes_total);

    const none = await withStats(dir, `SELECT count(*) FROM ${t} WHERE id > 100000`);
    assert.deepEqual(none.rows, [['0']]);
    assert.equal(none.stats.files_scanned, 0, JSON.stringify(none.stats));
  });
});
