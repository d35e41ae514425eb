import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { queryCsv, silt, siltOk } from '../../testing/silt-process.js';
import { withProject } from '../../testing/temp-project.js';

async function put(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

test('silt crawl: a store folder becomes queryable tables; a re-crawl reports the new schema version', async () => {
  await withProject(async (dir) => {
    const landing = path.join(dir, 'lake', 'landing');
    await put(path.join(landing, 'orders/year=2024/month=1/a.csv'), 'id,amount\n1,5\n2,7\n');
    await put(path.join(landing, 'devices/d.ndjson'), '{"dev":"a","t":1.5}\n');

    const first = await siltOk(dir, 'crawl', 'landing');
    assert.match(first, /into crawled: 2 created, 0 updated, 0 unchanged, 0 failed/);
    assert.match(first, /crawled\.orders\s+created\s+csv\s+1 \(\+1\)\s+1 \(\+1\)\s+v1/);
    assert.deepEqual(await queryCsv(dir, 'SELECT month, sum(amount) FROM crawled.orders GROUP BY month'), [['1', '12']]);
    assert.equal(await siltOk(dir, 'table', 'list'), 'crawled.devices  (external)\ncrawled.orders  (external)\n');

    await put(path.join(landing, 'orders/year=2024/month=2/b.csv'), 'id,amount,note\n3,9,late\n');
    const second = await siltOk(dir, 'crawl', 'landing');
    assert.match(second, /1 updated, 1 unchanged/);
    assert.match(second, /crawled\.orders schema v2: added note VARCHAR/);
    const described = await siltOk(dir, 'table', 'describe', 'crawled.orders');
    assert.match(described, /^table\s+crawled\.orders \(external, crawled; read-only\)$/m);
    assert.match(described, /^partitions 2: year=2024\/month=1, year=2024\/month=2$/m);
    assert.match(described, /^ {2}v2 .* added note VARCHAR$/m);

    const missing = await silt(dir, 'crawl', 'no/such/dir');
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /^silt: crawl: .*no[/]such[/]dir: no such folder\n$/);
    const write = await silt(dir, 'query', 'DELETE FROM crawled.orders');
    assert.equal(write.code, 1);
    assert.equal(write.stderr, 'silt: query: crawled.orders is an external table (crawled); it is read-only\n');
  });
});
