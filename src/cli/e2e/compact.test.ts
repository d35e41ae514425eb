/**
 * `silt compact` end to end: a table of many small files with merge-on-read deletes reads the same
 * in Silt and PyIceberg after compaction and as of before it, with an INSERT racing it from
 * another process; a dry run changes nothing; bad arguments fail naming what is wrong.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { pyicebergRead, requirePyIceberg } from '../../testing/pyiceberg.js';
import { assertSameAs, assertSameRows } from '../../testing/pyiceberg-compare.js';
import { assertCleanFailure, finished, queryNumber, silt, siltOk, startSilt } from '../../testing/silt-process.js';
import { currentSnapshot, snapshots, withProject } from '../../testing/temp-project.js';

function eventsCsv(from: number, to: number): string {
  const lines = ['id,ts,name,amount'];
  for (let i = from; i < to; i++) lines.push(`${i},2024-03-0${1 + (i % 6)} 10:00:00,name ${i},${(i * 1.25).toFixed(2)}`);
  return lines.join('\n') + '\n';
}

test('silt compact: many small files and merge-on-read deletes become one file per partition; PyIceberg and Silt read the same rows after it and before it, a racing INSERT included', async () => {
  requirePyIceberg();
  await withProject(async (dir) => {
    const t = 'sales.events';
    for (let n = 0; n < 4; n++) {
      await writeFile(path.join(dir, `e${n}.csv`), eventsCsv(n * 30, n * 30 + 30));
      await siltOk(dir, 'load', `e${n}.csv`, '--into', t, ...(n === 0 ? ['--partition-by', 'day(ts)'] : []));
    }
    await siltOk(dir, 'query', `ALTER TABLE ${t} SET TBLPROPERTIES ('write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read')`);
    await siltOk(dir, 'query', `DELETE FROM ${t} WHERE id % 7 = 0`);
    await siltOk(dir, 'query', `UPDATE ${t} SET amount = -1 WHERE id % 10 = 1`);
    const rows = await assertSameRows(dir, t);
    assert.equal(rows, 120 - 18);
    const before = await currentSnapshot(dir, t);

    const dry = await siltOk(dir, 'compact', '--dry-run');
    assert.match(dry, /^sales\.events: would rewrite 6 partitions into files of 128\.0 MB$/m);
    assert.match(dry, /^ {2}ts_day=2024-03-01: \d+ files \(.* KB, \d+ rows before deletes, \d+ with deletes\) -> about 1 file$/m);
    assert.equal(await currentSnapshot(dir, t), before, 'a dry run commits nothing');

    const [compacted, inserted] = await Promise.all([
      finished(startSilt(dir, ['compact', t])),
      finished(startSilt(dir, ['query', `INSERT INTO ${t} VALUES (5000, TIMESTAMP '2024-03-02 10:00:00', 'raced', 1.0)`])),
    ]);
    assert.equal(inserted.code, 0, inserted.stderr);
    assert.equal(compacted.code, 0, compacted.stderr);
    assert.match(compacted.stdout, /^sales\.events: rewrote \d+ data files into 6 \((102|103) rows, .*\), removed \d+ delete files; snapshot \d+ \(replace\)$/m);

    assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${t} WHERE name = 'raced'`), 1, 'the racing INSERT is kept');
    assert.equal(await assertSameRows(dir, t), rows + 1);
    const history = await snapshots(dir, t);
    assert.ok(history.some((s) => s.operation === 'replace'));
    assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${t} FOR VERSION AS OF ${before}`), rows, 'time travel reads the rows before compaction');
    const old = path.join(dir, 'before-compaction.parquet');
    assert.equal((await pyicebergRead(dir, t, old, before)).rows, rows);
    assert.equal(await assertSameAs(dir, old, `${t} FOR VERSION AS OF ${before}`), rows, 'PyIceberg and Silt time-travel to the same rows');

    assertCleanFailure(await silt(dir, 'compact', '--target-size', 'lots'), 'a bad size', /compact: --target-size expects a size such as 64MB, 128MiB or 1GB, found "lots"/);
    const missing = await silt(dir, 'compact', 'sales.nope');
    assertCleanFailure(missing, 'an unknown table', /sales\.nope/);
    assert.equal(missing.code, 3);
  });
});
