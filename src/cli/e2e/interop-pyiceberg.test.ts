import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { requirePyIceberg } from '../../testing/pyiceberg.js';
import { assertSameRows, assertSameRowsAtEverySnapshot } from '../../testing/pyiceberg-compare.js';
import { queryNumber, siltOk } from '../../testing/silt-process.js';
import { currentSnapshot, snapshots, withProject } from '../../testing/temp-project.js';

function eventsCsv(from: number, to: number, extra?: (i: number) => string): string {
  const lines = [`id,ts,name,amount${extra ? ',channel' : ''}`];
  for (let i = from; i < to; i++) {
    const day = String(1 + (i % 9)).padStart(2, '0');
    const ts = `2024-03-${day} ${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00`;
    lines.push(`${i},${ts},name ${i},${(i * 1.25).toFixed(2)}${extra ? ',' + extra(i) : ''}`);
  }
  return lines.join('\n') + '\n';
}

test('PyIceberg reads what silt query reads, through every kind of change and at every snapshot', async () => {
  requirePyIceberg();
  await withProject(async (dir) => {
    const t = 'sales.events';
    const file = async (name: string, text: string) => {
      await writeFile(path.join(dir, name), text);
      return name;
    };
    // create, partitioned by day and bucket
    await siltOk(dir, 'load', await file('e1.csv', eventsCsv(0, 120)), '--into', t, '--partition-by', 'day(ts), bucket(4, id)');
    assert.equal(await assertSameRows(dir, t), 120);
    // append
    await siltOk(dir, 'load', await file('e2.csv', eventsCsv(120, 200)), '--into', t);
    // schema evolution by load: a new column
    await siltOk(dir, 'load', await file('e3.csv', eventsCsv(200, 260, (i) => (i % 3 ? 'web' : 'shop'))), '--into', t);
    assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${t}`), 260);
    // schema evolution by SQL: add, rename, drop, widen int -> long
    await siltOk(dir, 'query', `ALTER TABLE ${t} ADD COLUMN qty INTEGER`);
    await siltOk(dir, 'query', `INSERT INTO ${t} (id, ts, name, amount, channel, qty) VALUES (900, TIMESTAMP '2024-03-05 12:00:00', 'late', 9.5, 'web', 7)`);
    await siltOk(dir, 'query', `ALTER TABLE ${t} RENAME COLUMN name TO label`);
    await siltOk(dir, 'query', `ALTER TABLE ${t} DROP COLUMN channel`);
    await siltOk(dir, 'query', `ALTER TABLE ${t} ALTER COLUMN qty TYPE BIGINT`);
    await siltOk(dir, 'query', `INSERT INTO ${t} (id, ts, label, amount, qty) VALUES (901, TIMESTAMP '2024-03-06 01:00:00', 'wide', 1.5, 5000000000)`);
    assert.equal(await assertSameRows(dir, t), 262);
    // overwrite one day: delete it, write it again
    await siltOk(dir, 'query', `DELETE FROM ${t} WHERE ts >= TIMESTAMP '2024-03-02' AND ts < TIMESTAMP '2024-03-03'`);
    await siltOk(dir, 'query', `INSERT INTO ${t} SELECT id + 1000, ts, label || ' again', amount, qty FROM ${t} WHERE ts >= TIMESTAMP '2024-03-03' AND ts < TIMESTAMP '2024-03-04'`);
    // delete and update
    await siltOk(dir, 'query', `DELETE FROM ${t} WHERE id % 7 = 0`);
    await siltOk(dir, 'query', `UPDATE ${t} SET amount = amount * 2, label = 'updated' WHERE id % 5 = 0`);
    assert.equal(await assertSameRows(dir, t), await queryNumber(dir, `SELECT count(*) FROM ${t}`));
    // rollback to the snapshot after the third load, then keep writing on top of it
    const history = await snapshots(dir, t);
    assert.ok(history.length >= 9, `expected a long history, got ${history.length} snapshots`);
    await siltOk(dir, 'table', 'rollback', t, history[2]!.id);
    assert.equal(await currentSnapshot(dir, t), history[2]!.id);
    assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${t}`), 260);
    // the current schema stays the newest one (label, qty; no channel) after a rollback
    const e4 = eventsCsv(300, 310, (i) => String(i)).replace('name,amount,channel', 'label,amount,qty');
    await siltOk(dir, 'load', await file('e4.csv', e4), '--into', t);
    assert.equal(await queryNumber(dir, `SELECT count(*) FROM ${t}`), 270);
    // now, and every snapshot ever committed, read as of that snapshot
    await assertSameRowsAtEverySnapshot(dir, t);
  });
});

test('PyIceberg reads every column type silt writes, nested ones included, with nulls', async () => {
  requirePyIceberg();
  await withProject(async (dir) => {
    const t = 'lab.types';
    await siltOk(
      dir,
      'query',
      `CREATE TABLE ${t} PARTITIONED BY (day(ts), bucket(4, id)) AS
       SELECT i::BIGINT AS id, (i * 3)::INTEGER AS n, i / 7.0 AS d, (i * 1.25)::DECIMAL(10, 2) AS amt,
              'text ' || i AS s, DATE '2024-01-01' + i::INTEGER AS dt,
              TIMESTAMP '2024-01-01 00:00:00' + to_hours(i) + to_microseconds(i) AS ts,
              TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_minutes(i * 37) AS tz,
              i % 2 = 0 AS b
       FROM range(48) r(i)`,
    );
    await siltOk(dir, 'query', `INSERT INTO ${t} VALUES (1000, NULL, NULL, NULL, NULL, NULL, TIMESTAMP '2024-02-01 00:00:00', NULL, NULL)`);
    assert.equal(await assertSameRows(dir, t), 49);

    const nested = 'lab.nested';
    const lines = [];
    for (let i = 0; i < 30; i++) {
      lines.push(
        JSON.stringify({
          id: i,
          ts: `2024-05-0${1 + (i % 3)}T0${i % 10}:00:00`,
          user: i % 10 === 9 ? null : { name: `u${i}`, age: 20 + i, address: { city: i % 2 ? 'Oslo' : 'Lima' } },
          tags: i % 4 === 0 ? [] : Array.from({ length: i % 4 }, (_, k) => `t${k}`),
          scores: [i, i * 2],
        }),
      );
    }
    await writeFile(path.join(dir, 'nested.ndjson'), lines.join('\n') + '\n');
    await siltOk(dir, 'load', 'nested.ndjson', '--into', nested, '--partition-by', 'bucket(4, id)');
    assert.equal(await assertSameRows(dir, nested), 30);
  });
});

test("PyIceberg reads Silt's merge-on-read position deletes row for row, at every snapshot", async () => {
  requirePyIceberg();
  await withProject(async (dir) => {
    const t = 'sales.mor';
    await writeFile(path.join(dir, 'm1.csv'), eventsCsv(0, 200));
    await siltOk(dir, 'load', 'm1.csv', '--into', t, '--partition-by', 'day(ts)');
    await siltOk(dir, 'query', `ALTER TABLE ${t} SET TBLPROPERTIES ('write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read')`);
    await siltOk(dir, 'query', `DELETE FROM ${t} WHERE id % 7 = 0`);
    await siltOk(dir, 'query', `UPDATE ${t} SET amount = -1 WHERE id % 10 = 1`);
    await siltOk(dir, 'query', `DELETE FROM ${t} WHERE id BETWEEN 50 AND 60`);
    assert.equal(await assertSameRows(dir, t), 200 - 29 - 10, 'multiples of 7 and 50..60 but 56');
    await assertSameRowsAtEverySnapshot(dir, t);
  });
});

test('PyIceberg reads what MERGE INTO (copy-on-write and merge-on-read) and INSERT OVERWRITE commit', async () => {
  requirePyIceberg();
  await withProject(async (dir) => {
    const t = 'sales.merged';
    await writeFile(path.join(dir, 'g1.csv'), eventsCsv(0, 120));
    await siltOk(dir, 'load', 'g1.csv', '--into', t, '--partition-by', 'day(ts)');
    const merge = `MERGE INTO ${t} AS t USING (SELECT id, ts, name, amount FROM ${t} WHERE id % 4 = 0 UNION ALL SELECT 1000 + i, TIMESTAMP '2024-03-04 12:00:00', 'new', 1.0 FROM range(5) r(i)) AS s
      ON t.id = s.id WHEN MATCHED AND s.id % 8 = 0 THEN DELETE WHEN MATCHED THEN UPDATE SET amount = t.amount + 100 WHEN NOT MATCHED THEN INSERT *`;
    await siltOk(dir, 'query', merge);
    assert.equal(await assertSameRows(dir, t), 120 - 15 + 5);
    await siltOk(dir, 'query', `ALTER TABLE ${t} SET TBLPROPERTIES ('write.merge.mode' = 'merge-on-read')`);
    await siltOk(dir, 'query', merge.replace('1000 + i', '2000 + i').replace('% 4 = 0', '% 3 = 0'));
    await siltOk(dir, 'query', `INSERT OVERWRITE ${t} SELECT id, ts, 'overwritten', amount FROM ${t} WHERE ts < TIMESTAMP '2024-03-03'`);
    assert.equal(await assertSameRows(dir, t), await queryNumber(dir, `SELECT count(*) FROM ${t}`));
  });
});
