import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { EnvironmentFault } from '../../errors.js';
import { VERIFY_CHECKSUMS_PROPERTY } from '../../table/index.js';
import { withLake, type Lake } from '../../testing/lake.js';

async function firstFile(lake: Lake): Promise<{ uri: string; path: string; size: number }> {
  const [f] = (await (await lake.catalog.loadTable('s', 't')).planFiles()).files;
  return { uri: f!.filePath, path: new URL(f!.filePath).pathname, size: f!.fileSizeInBytes };
}

async function flipMiddleByte(file: string): Promise<void> {
  const bytes = await fs.readFile(file);
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  await fs.writeFile(file, Uint8Array.from(bytes));
}

function faultNaming(file: string, what: RegExp) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof EnvironmentFault, `an EnvironmentFault, got ${String(e)}`);
    assert.ok(e.message.includes(file), `names ${file}: ${e.message}`);
    assert.match(e.message, what);
    assert.match(e.message, /silt table rollback s\.t/);
    return true;
  };
}

test('a table asking for verified reads fails a query over a flipped byte, naming the file', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE s.t AS SELECT range AS id, range * 2 AS v FROM range(20000)');
    const altered = await lake.sql.execute(`ALTER TABLE s.t SET TBLPROPERTIES ('${VERIFY_CHECKSUMS_PROPERTY}' = 'true')`);
    assert.match(altered.message ?? '', /set silt\.read\.verify-checksums = true/);
    assert.equal((await lake.catalog.loadTable('s', 't')).metadata.properties[VERIFY_CHECKSUMS_PROPERTY], 'true');
    assert.deepEqual((await lake.sql.execute('SELECT sum(v)::VARCHAR FROM s.t')).rows, [['399980000']]);
    const f = await firstFile(lake);
    await flipMiddleByte(f.path);
    await assert.rejects(lake.sql.execute('SELECT sum(v) FROM s.t'), faultNaming(f.uri, /does not match its recorded checksum/));
    await assert.rejects(lake.sql.execute('DELETE FROM s.t WHERE id = 1'), faultNaming(f.uri, /does not match its recorded checksum/));
    await lake.sql.execute(`ALTER TABLE s.t UNSET TBLPROPERTIES ('${VERIFY_CHECKSUMS_PROPERTY}')`);
    assert.equal((await lake.catalog.loadTable('s', 't')).metadata.properties[VERIFY_CHECKSUMS_PROPERTY], undefined);
  });
});

test('a truncated or missing data file fails the query naming it, whatever the table asks', async () => {
  await withLake(async (lake) => {
    await lake.sql.execute('CREATE TABLE s.t AS SELECT range AS id FROM range(1000)');
    const f = await firstFile(lake);
    await fs.truncate(f.path, f.size - 100);
    await assert.rejects(lake.sql.execute('SELECT count(*) FROM s.t'), faultNaming(f.uri, new RegExp(`has ${f.size - 100} bytes, its manifest records ${f.size}`)));
    await fs.rm(f.path);
    await assert.rejects(lake.sql.execute('SELECT count(*) FROM s.t'), faultNaming(f.uri, /is missing/));
  });
});
