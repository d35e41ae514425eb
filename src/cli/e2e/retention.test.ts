/** `silt retention` on a project: what is due goes or moves, and PyIceberg reads what silt reads. */
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { diffParquet } from '../../testing/parquet-diff.js';
import { pyicebergRead, requirePyIceberg } from '../../testing/pyiceberg.js';
import { assertCleanFailure, queryCsv, silt, siltOk } from '../../testing/silt-process.js';
import { currentSnapshot, filesUnder, withProject } from '../../testing/temp-project.js';

test('silt retention after a hundred days of daily runs: a dry run changes nothing, then old partitions go, older ones move, and PyIceberg reads the same rows', async () => {
  requirePyIceberg();
  await withProject(async (dir) => {
    // Ten rows a day for the hundred days before today, one partition a day.
    await siltOk(dir, 'query',
      `CREATE TABLE bronze.events PARTITIONED BY (day(_ingested_at)) AS SELECT d * 10 + r AS id, ` +
      `CAST(current_date - INTERVAL (d + 1) DAY + INTERVAL (r) HOUR AS TIMESTAMPTZ) AS _ingested_at, 'row ' || (d * 10 + r) AS payload FROM range(100) a(d), range(10) b(r)`);
    await appendFile(path.join(dir, 'silt.yaml'), '\nretention:\n  bronze:\n    delete_after: 60d\n    archive_after: 20d\n    archive: archive\n');
    const before = await currentSnapshot(dir, 'bronze.events');

    const dry = await siltOk(dir, 'retention', '--dry-run');
    assert.match(dry, /^bronze\.events \(retention\.bronze\): would delete 400 rows in 40 files \(.*\), would archive 40 files \(.*\)$/m);
    assert.equal(await currentSnapshot(dir, 'bronze.events'), before, 'a dry run commits nothing');

    const status = (rows: string[][]) => {
      const out: Record<string, number> = {};
      for (const [, , state, files] of rows) out[state!] = (out[state!] ?? 0) + Number(files);
      return out;
    };
    const csv = async () => (await siltOk(dir, 'retention', 'status', '--format', 'csv')).trim().split('\n').slice(1).map((l) => l.split(','));
    assert.deepEqual(status(await csv()), { delete: 40, archive: 40, hot: 20 });

    await siltOk(dir, 'retention');
    assert.deepEqual(await queryCsv(dir, 'SELECT count(*), min(id), max(id) FROM bronze.events'), [['600', '0', '599']], 'days 60 to 99 ago are gone');
    assert.deepEqual(status(await csv()), { archived: 40, hot: 20 });
    const archived = (await filesUnder(path.join(dir, 'lake', 'archive'))).filter((f) => f.endsWith('.parquet'));
    assert.equal(archived.length, 40, 'the archived files live under the archive location');

    const py = path.join(dir, 'py.parquet');
    const ours = path.join(dir, 'silt.parquet');
    assert.equal((await pyicebergRead(dir, 'bronze.events', py)).rows, 600);
    await siltOk(dir, 'query', 'SELECT * FROM bronze.events', '--format', 'parquet', '--output', ours);
    const d = await diffParquet(py, ours);
    assert.equal(d.onlyInA + d.onlyInB, 0, `PyIceberg and silt read different rows\n${d.sample.join('\n')}`);

    const unknown = await silt(dir, 'retention', 'bronze.nope');
    assertCleanFailure(unknown, 'an unknown table', /retention: no table bronze\.nope/);
    assert.equal(unknown.code, 3);
  });
});
