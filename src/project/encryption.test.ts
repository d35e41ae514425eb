import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { EnvironmentFault, InvalidInput } from '../errors.js';
import { SqlSession } from '../engine/index.js';
import { keyring, keyFromText, KEY_ID_PROPERTY, MASTER_KEY_PROPERTY, WRAPPED_KEY_PROPERTY } from '../keys/index.js';
import { pyicebergRead } from '../testing/pyiceberg.js';
import { removeDir, tempDir } from '../testing/pipeline-project.js';
import { initProject } from './init.js';
import { openProject, type Project } from './open.js';
import { rotateMasterKey } from './rotate-keys.js';

const ROWS = "SELECT * FROM (VALUES (1, 'alice', 'secret-value-one'), (2, 'bob', 'secret-value-two'), (3, 'carol', NULL)) t(id, name, note)";

async function query(project: Project, sql: string): Promise<unknown[][]> {
  const engine = await project.openEngine();
  try {
    return ((await new SqlSession(engine, project.catalog).execute(sql)).rows ?? []) as unknown[][];
  } finally {
    engine.close();
  }
}

/** Opens the project as a process started with `SILT_MASTER_KEY=key` would (no key held from before). */
async function openWithKey(dir: string, key: string | undefined): Promise<Project> {
  keyring.clear();
  const before = process.env['SILT_MASTER_KEY'];
  if (key === undefined) delete process.env['SILT_MASTER_KEY'];
  else process.env['SILT_MASTER_KEY'] = key;
  try {
    return await openProject({ projectDir: dir });
  } finally {
    if (before === undefined) delete process.env['SILT_MASTER_KEY'];
    else process.env['SILT_MASTER_KEY'] = before;
  }
}

async function dataFiles(dir: string, table: string): Promise<string[]> {
  const root = path.join(dir, 'lake', 'warehouse', ...table.split('.'), 'data');
  const names = await fs.readdir(root, { recursive: true });
  return names.filter((n) => n.endsWith('.parquet')).map((n) => path.join(root, n)).sort();
}

async function hashes(files: readonly string[]): Promise<string[]> {
  return Promise.all(files.map(async (f) => createHash('sha256').update(new Uint8Array(await fs.readFile(f))).digest('hex')));
}

test('a table in an encrypted namespace is written with Parquet encryption: Silt reads its rows with the key, DuckDB and PyIceberg without it cannot, and rotation re-wraps the key without touching a data file', async () => {
  const root = await tempDir('encryption');
  const masterA = randomBytes(32).toString('base64');
  const masterB = randomBytes(32).toString('base64');
  try {
    const dir = path.join(root, 'p');
    await initProject(dir, { name: 'enc' });
    await fs.appendFile(path.join(dir, 'silt.yaml'), '\nencryption:\n  namespaces: [sales]\n');

    let project = await openWithKey(dir, masterA);
    try {
      await project.catalog.createNamespace('sales');
      await project.catalog.createNamespace('open');
      await query(project, `CREATE TABLE sales.notes AS ${ROWS}`);
      await query(project, `CREATE TABLE open.notes AS ${ROWS}`);
      await query(project, 'DELETE FROM sales.notes WHERE id = 3');
      await query(project, `INSERT INTO sales.notes VALUES (4, 'dave', 'secret-value-four')`);
      assert.deepEqual(await query(project, 'SELECT id, name, note FROM sales.notes ORDER BY id'), [
        [1, 'alice', 'secret-value-one'], [2, 'bob', 'secret-value-two'], [4, 'dave', 'secret-value-four'],
      ]);
      const props = (await project.catalog.loadTable('sales', 'notes')).metadata.properties;
      assert.match(props[KEY_ID_PROPERTY] ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(props[MASTER_KEY_PROPERTY], keyFromText(masterA, 'test').id);
      assert.equal(props['silt.encryption.algorithm'], 'parquet-modular/AES_GCM_V1');
      assert.equal((await project.catalog.loadTable('open', 'notes')).metadata.properties[KEY_ID_PROPERTY], undefined, 'a namespace not listed stays plaintext');
      await assert.rejects(query(project, "ALTER TABLE sales.notes SET TBLPROPERTIES ('silt.encryption.key-id' = 'x')"), (e: unknown) => {
        assert.ok(e instanceof InvalidInput);
        assert.match(e.message, /sales\.notes: silt\.encryption\.key-id cannot be changed by ALTER TABLE/);
        return true;
      });
    } finally {
      await project.close();
    }

    const files = await dataFiles(dir, 'sales.notes');
    assert.ok(files.length >= 2, files.join(', '));
    for (const f of files) assert.equal((await fs.readFile(f)).includes('secret-value'), false, `${f} holds plaintext`);
    const plain = await dataFiles(dir, 'open.notes');
    assert.equal((await fs.readFile(plain[0]!)).includes('secret-value-one'), true, 'the plaintext table shows its values (the check above can fail)');

    // DuckDB without the key.
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    try {
      await assert.rejects(c.run(`SELECT * FROM read_parquet('${files[0]}')`), /is encrypted/);
      assert.equal(Number((await c.runAndReadAll(`SELECT count(*) FROM read_parquet('${plain[0]}')`)).getRows()[0]![0]), 3);
    } finally {
      c.closeSync();
      db.closeSync();
    }

    // PyIceberg (through `silt connect`, which gives it the catalog, not the key).
    await assert.rejects(pyicebergRead(dir, 'sales.notes', path.join(root, 'py.parquet')), /Could not read encrypted metadata, no decryption found/);

    // Rotation: every key re-wrapped by B, no data file changed, every row readable with B alone.
    const before = await hashes(files);
    project = await openWithKey(dir, masterA);
    let wrappedBefore: string | undefined;
    try {
      wrappedBefore = (await project.catalog.loadTable('sales', 'notes')).metadata.properties[WRAPPED_KEY_PROPERTY];
      const rotated = await rotateMasterKey(project, keyFromText(masterB, 'test'));
      assert.deepEqual(rotated, [{ table: 'sales.notes', already: false }]);
    } finally {
      await project.close();
    }
    assert.deepEqual(await dataFiles(dir, 'sales.notes'), files);
    assert.deepEqual(await hashes(files), before);
    project = await openWithKey(dir, masterB);
    try {
      const props = (await project.catalog.loadTable('sales', 'notes')).metadata.properties;
      assert.notEqual(props[WRAPPED_KEY_PROPERTY], wrappedBefore);
      assert.equal(props[MASTER_KEY_PROPERTY], keyFromText(masterB, 'test').id);
      assert.deepEqual(await query(project, 'SELECT id, note FROM sales.notes ORDER BY id'), [[1, 'secret-value-one'], [2, 'secret-value-two'], [4, 'secret-value-four']]);
    } finally {
      await project.close();
    }

    // The old master key (or none) no longer reads it, and says which table and what to do.
    for (const key of [masterA, undefined]) {
      project = await openWithKey(dir, key);
      try {
        await assert.rejects(query(project, 'SELECT count(*) FROM sales.notes'), (e: unknown) => {
          assert.ok(e instanceof EnvironmentFault, String(e));
          assert.match(e.message, /table sales\.notes is encrypted with master key local:[0-9a-f]{16}/);
          assert.match(e.message, /set SILT_MASTER_KEY \(or encryption\.master_key_file in silt\.yaml\) to the key/);
          return true;
        });
        assert.deepEqual(await query(project, 'SELECT count(*) FROM open.notes'), [['3']], 'tables not encrypted read without a key');
      } finally {
        await project.close();
      }
    }
  } finally {
    keyring.clear();
    await removeDir(root);
  }
});
