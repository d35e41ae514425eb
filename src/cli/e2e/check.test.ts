import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { silt, siltOk } from '../../testing/silt-process.js';
import { withProject } from '../../testing/temp-project.js';

test('silt check: exit 0 with counts on a clean table, exit 6 naming the damaged file', async () => {
  await withProject(async (dir) => {
    const rows = Array.from({ length: 3000 }, (_, i) => `${i},name ${i},${(i * 1.5).toFixed(2)}`);
    await fs.writeFile(path.join(dir, 'items.csv'), `id,name,amount\n${rows.join('\n')}\n`);
    await siltOk(dir, 'load', 'items.csv', '--into', 'raw.items');
    await siltOk(dir, 'query', "CREATE TABLE raw.other AS SELECT 1 AS id");
    const clean = await siltOk(dir, 'check');
    assert.match(clean, /^raw\.items: 1 files, [\d.]+ KB, 1 checksums match, 0 problems$/m);
    assert.match(clean, /^raw\.other: 1 files, .*, 0 problems$/m);
    assert.match(clean, /checked 2 tables in [\d.]+ s: no problems/);

    const data = path.join(dir, 'lake', 'warehouse', 'raw', 'items', 'data');
    const [name] = (await fs.readdir(data)).filter((n) => n.endsWith('.parquet'));
    const file = path.join(data, name!);
    const bytes = await fs.readFile(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    await fs.writeFile(file, Uint8Array.from(bytes));

    const damaged = await silt(dir, 'check', 'raw.items', '--all-snapshots');
    assert.equal(damaged.code, 6, damaged.stderr);
    assert.match(damaged.stdout, /raw\.items: 1 files, .*, 1 problems/);
    assert.ok(damaged.stdout.includes(`${name} does not match its recorded checksum`), damaged.stdout);
    assert.match(damaged.stdout, /silt table rollback raw\.items/);
    assert.match(damaged.stderr, /^silt: check: found 1 problems in 1 of 1 tables/);
    assert.equal((await silt(dir, 'check', 'raw.nothing')).code, 3, 'a table that does not exist is not found, not damage');
  });
});
