import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { icebergRead } from 'icebird';
import { serveFolder, withFileUrlsOver } from '../../testing/http-warehouse.js';
import { siltOk } from '../../testing/silt-process.js';
import { snapshots, withProject } from '../../testing/temp-project.js';

/** An icebird value rendered like `silt query --format json` renders it (a date as its day, a timestamp in full). */
function canonical(value: unknown, like: unknown): unknown {
  if (value === undefined || value === null) return null;
  // `--format json` writes integers as JSON numbers (read back here as numbers; these ids are small).
  if (typeof value === 'bigint') return typeof like === 'number' ? Number(value) : value.toString();
  if (value instanceof Date) {
    const iso = value.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '');
    return typeof like === 'string' && like.length === 10 ? iso.slice(0, 10) : iso;
  }
  return value;
}

async function readWithIcebird(dir: string, table: string): Promise<Record<string, unknown>[]> {
  const props = JSON.parse(await siltOk(dir, 'connect', 'pyiceberg', '--catalog', 'sql', '--format', 'json')) as { warehouse: string };
  const warehouse = fileURLToPath(props.warehouse);
  const describe = await siltOk(dir, 'table', 'describe', table);
  const location = /^location\s+(\S+)$/m.exec(describe)![1]!;
  const metadataFile = path.basename(/^metadata\s+(\S+)$/m.exec(describe)![1]!);
  const server = await serveFolder(warehouse);
  try {
    const tableUrl = `${server.url}/${path.relative(warehouse, fileURLToPath(location))}`;
    const rows = await withFileUrlsOver(warehouse, server, () => icebergRead({ tableUrl, metadataFileName: metadataFile }));
    assert.ok(server.counts.partial > 0, 'icebird read Parquet footers and pages by byte range');
    assert.equal(server.counts.missing, 0, 'every file the metadata names exists');
    return rows;
  } finally {
    await server.close();
  }
}

async function readWithSilt(dir: string, sql: string): Promise<Record<string, unknown>[]> {
  const text = await siltOk(dir, 'query', sql, '--format', 'json');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function byId(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return [...rows].sort((a, b) => Number(a['id']) - Number(b['id']));
}

/** icebird reads the same rows, values and columns as `silt query`; returns the row count. */
async function assertSameRows(dir: string, table: string): Promise<number> {
  const ours = byId(await readWithSilt(dir, `SELECT * FROM ${table}`));
  const theirs = byId(await readWithIcebird(dir, table));
  assert.equal(theirs.length, ours.length, `icebird read ${theirs.length} rows, silt ${ours.length}`);
  assert.deepEqual(Object.keys(theirs[0]!), Object.keys(ours[0]!), 'same columns, same order');
  for (let i = 0; i < ours.length; i++) {
    const row = Object.fromEntries(Object.entries(theirs[i]!).map(([k, v]) => [k, canonical(v, ours[i]![k])]));
    assert.deepEqual(row, ours[i], `row ${i} (id ${String(ours[i]!['id'])})`);
  }
  return ours.length;
}

test('icebird reads the rows silt query reads: partitioned, appended, deleted from, updated, evolved', async () => {
  await withProject(async (dir) => {
    const t = 'shop.orders';
    const csv = (from: number, to: number) =>
      ['id,ts,day,customer,amount,paid']
        .concat(
          Array.from({ length: to - from }, (_, k) => {
            const i = from + k;
            const d = String(1 + (i % 5)).padStart(2, '0');
            return `${i},2024-06-${d} ${String(i % 24).padStart(2, '0')}:15:30,2024-06-${d},cust ${i % 13},${(i * 0.75).toFixed(2)},${i % 3 === 0}`;
          }),
        )
        .join('\n') + '\n';
    await writeFile(path.join(dir, 'o1.csv'), csv(0, 150));
    await writeFile(path.join(dir, 'o2.csv'), csv(150, 200));
    await siltOk(dir, 'load', 'o1.csv', '--into', t, '--partition-by', 'day(ts), bucket(4, id)');
    await siltOk(dir, 'load', 'o2.csv', '--into', t);
    await siltOk(dir, 'query', `DELETE FROM ${t} WHERE id % 10 = 3`);
    await siltOk(dir, 'query', `UPDATE ${t} SET customer = 'vip' WHERE id % 10 = 4`);
    await siltOk(dir, 'query', `ALTER TABLE ${t} RENAME COLUMN customer TO client`);
    await siltOk(dir, 'query', `ALTER TABLE ${t} ADD COLUMN note VARCHAR`);
    await siltOk(dir, 'query', `INSERT INTO ${t} (id, ts, day, client, amount, paid, note) VALUES (999, TIMESTAMP '2024-06-02 08:00:00', DATE '2024-06-02', 'late', 1.25, true, 'added later')`);

    assert.equal(await assertSameRows(dir, t), 200 - 20 + 1);
    // after a rollback icebird follows the new metadata file to the older snapshot
    const first = (await snapshots(dir, t))[1]!.id;
    await siltOk(dir, 'table', 'rollback', t, first);
    assert.equal(await assertSameRows(dir, t), 200);
  });
});
