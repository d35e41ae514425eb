import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { pyicebergRead } from '../../testing/pyiceberg.js';
import { assertCleanFailure, queryNumber, silt, siltOk } from '../../testing/silt-process.js';
import { withProject } from '../../testing/temp-project.js';

test('a lost catalog stops every command with exit 6 naming it; silt recover brings the tables back, all rows, PyIceberg too', async () => {
  await withProject(async (dir) => {
    await writeFile(path.join(dir, 'a.csv'), 'id,name\n1,a\n2,b\n3,c\n');
    await writeFile(path.join(dir, 'b.csv'), 'x\n1\n2\n');
    await siltOk(dir, 'load', 'a.csv', '--into', 'raw.a');
    await siltOk(dir, 'load', 'a.csv', '--into', 'raw.a');
    await siltOk(dir, 'load', 'b.csv', '--into', 'shop.b');
    const catalog = path.join(dir, '.silt', 'catalog.db');

    await truncate(catalog, 0);
    const emptied = await silt(dir, 'query', 'SELECT count(*) FROM raw.a');
    assertCleanFailure(emptied, 'query on an emptied catalog', /catalog file \S*catalog\.db is empty \(0 bytes\)/, /holds 2 tables \(raw\.a, shop\.b\)/, /`silt recover`/);
    assert.equal(emptied.code, 6);

    for (const f of [catalog, `${catalog}-wal`, `${catalog}-shm`]) await rm(f, { force: true });
    const missing = await silt(dir, 'table', 'list');
    assertCleanFailure(missing, 'table list on a deleted catalog', /catalog file \S*catalog\.db is missing/, /`silt recover`/);
    assert.equal(missing.code, 6);
    assert.ok(!existsSync(catalog), 'a refused command leaves no empty catalog behind');

    const dry = await siltOk(dir, 'recover', '--dry-run');
    assert.match(dry, /raw\.a\s+would register\s+00002-\S+\.metadata\.json\s+\d+\s+6\n/);
    assert.match(dry, /shop\.b\s+would register\s+00001-\S+\.metadata\.json\s+\d+\s+2\n/);
    assert.ok(!existsSync(catalog), 'a dry run changes nothing');

    const done = await siltOk(dir, 'recover');
    assert.match(done, /registered 2 tables; 0 already registered; 0 not recoverable/);
    assert.match(done, /not restored/);
    assert.equal(await queryNumber(dir, 'SELECT count(*) FROM raw.a'), 6);
    assert.equal(await queryNumber(dir, 'SELECT count(*) FROM shop.b'), 2);
    assert.equal((await siltOk(dir, 'ns', 'list')).trim(), 'raw\nshop');

    // The recovered catalog takes commits, and PyIceberg opens it as it is.
    await siltOk(dir, 'load', 'a.csv', '--into', 'raw.a');
    assert.equal(await queryNumber(dir, 'SELECT count(*) FROM raw.a'), 9);
    assert.equal((await pyicebergRead(dir, 'raw.a', path.join(dir, 'a.parquet'))).rows, 9);
  });
});
