import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { withLake, type Lake } from '../testing/lake.js';
import { loadFiles } from '../ingest/index.js';
import type { DataFile } from '../table/index.js';
import { checkTables } from './check.js';

async function liveFiles(lake: Lake, ns: string, name: string): Promise<DataFile[]> {
  return (await (await lake.catalog.loadTable(ns, name)).planFiles()).files;
}

function localPath(f: DataFile): string {
  return new URL(f.filePath).pathname;
}

async function check(lake: Lake, table: string, opts: { allSnapshots?: boolean } = {}) {
  const [ns, name] = table.split('.') as [string, string];
  const result = await checkTables(lake.catalog, { tables: [{ namespace: ns, name }], ...opts });
  return { damaged: result.damaged, t: result.tables[0]! };
}

test('every writer records a checksum: load, CTAS, INSERT, UPDATE and DELETE rewrites; a clean table checks clean', async () => {
  await withLake(async (lake) => {
    const csv = path.join(lake.dir, 'items.csv');
    await fs.writeFile(csv, 'id,name\n1,a\n2,b\n3,c\n');
    await loadFiles(lake.catalog, lake.engine, [csv], { into: 'raw.items' });
    await lake.sql.execute('CREATE TABLE s.t AS SELECT * FROM (VALUES (1, \'a\'), (2, \'b\')) v(id, v)');
    await lake.sql.execute("INSERT INTO s.t VALUES (10, 'x')");
    await lake.sql.execute("UPDATE s.t SET v = 'B' WHERE id = 2");
    await lake.sql.execute('DELETE FROM s.t WHERE id = 1');
    for (const table of ['raw.items', 's.t']) {
      const [ns, name] = table.split('.') as [string, string];
      const files = await liveFiles(lake, ns, name);
      assert.ok(files.length > 0);
      for (const f of files) assert.match(f.sha256 ?? '', /^[0-9a-f]{64}$/, `${table}: ${f.filePath} has a checksum`);
      const { damaged, t } = await check(lake, table, { allSnapshots: true });
      assert.equal(damaged, false, t.messages.join('\n'));
      assert.ok(t.files >= files.length);
      assert.equal(t.checksumsMatched, t.files);
      assert.equal(t.checksumsUnrecorded, 0);
      assert.equal(t.bytes > 0, true);
    }
    // The DELETE rewrote the file holding id 1; the INSERT's file was carried over with its checksum.
    const { t } = await check(lake, 's.t');
    assert.equal(t.files, (await liveFiles(lake, 's', 't')).length);
  });
});

test('a flipped byte, a truncated file and a deleted file are each reported naming the file', async () => {
  await withLake(async (lake) => {
    for (const n of [1, 2, 3]) await lake.sql.execute(n === 1 ? 'CREATE TABLE s.t AS SELECT 1 AS id, repeat(\'x\', 200) AS v' : `INSERT INTO s.t SELECT range AS id, md5(range::VARCHAR) AS v FROM range(${n * 1000})`);
    const [flipped, truncated, deleted] = await liveFiles(lake, 's', 't');
    const bytes = await fs.readFile(localPath(flipped!));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    await fs.writeFile(localPath(flipped!), Uint8Array.from(bytes));
    await fs.truncate(localPath(truncated!), truncated!.fileSizeInBytes - 10);
    await fs.rm(localPath(deleted!));

    const { damaged, t } = await check(lake, 's.t');
    assert.equal(damaged, true);
    assert.equal(t.files, 3);
    assert.deepEqual(t.problems.map((p) => [p.kind, p.file]).sort(), [
      ['checksum', flipped!.filePath], ['missing', deleted!.filePath], ['size', truncated!.filePath],
    ].sort());
    const text = t.messages.join('\n');
    assert.match(text, new RegExp(`s\\.t: ${flipped!.filePath}[^\\n]*does not match its recorded checksum[^\\n]*silt table rollback s\\.t`));
    assert.match(text, new RegExp(`${truncated!.filePath} has ${truncated!.fileSizeInBytes - 10} bytes, its manifest records ${truncated!.fileSizeInBytes}`));
    assert.match(text, new RegExp(`${deleted!.filePath} is missing`));
  });
});

test('files written without a checksum are "not recorded", not damage; an unreadable manifest is damage', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE s.t AS SELECT 1 AS id');
    const table = await lake.catalog.loadTable('s', 't');
    const [f] = await liveFiles(lake, 's', 't');
    // As Silt wrote files before checksums were recorded (and as other engines write them).
    const copy = localPath(f!).replace(/\.parquet$/, '-old.parquet');
    await fs.copyFile(localPath(f!), copy);
    const { sha256: _, ...old } = { ...f!, filePath: `file://${copy}` };
    await table.append([old]);
    let { damaged, t } = await check(lake, 's.t');
    assert.equal(damaged, false);
    assert.equal(t.checksumsMatched, 1);
    assert.equal(t.checksumsUnrecorded, 1);

    const list = (await lake.catalog.loadTable('s', 't')).metadata.snapshots.at(-1)!['manifest-list'];
    const mf = (await fs.readdir(path.dirname(new URL(list).pathname))).find((n) => n.endsWith('.avro') && !n.startsWith('snap-'))!;
    const mfPath = path.join(path.dirname(new URL(list).pathname), mf);
    const size = (await fs.stat(mfPath)).size;
    await fs.writeFile(mfPath, "\x07".repeat(size));
    ({ damaged, t } = await check(lake, 's.t'));
    assert.equal(damaged, true);
    assert.match(t.messages.join('\n'), new RegExp(`manifest file://${mfPath} cannot be read`));
  });
});
