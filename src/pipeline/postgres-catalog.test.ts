/** The demo pipeline with its metadata store on PostgreSQL, and a SQLite project moved there by `silt migrate`. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshPostgresDatabase } from '../catalog/postgres-test-support.js';
import { openProject, moveCatalog, withProject } from '../project/index.js';
import { InvalidInput } from '../errors.js';
import { pyicebergRead } from '../testing/pyiceberg.js';
import { assertReconciled, cli, contentDigests, count, demoProject, removeDir, tempDir, withSession, VOLATILE_COLUMNS } from '../testing/pipeline-project.js';
import { runPipeline } from './run.js';

const NAMESPACES = ['bronze', 'silver', 'gold'];
/** What differs between two runs of one pipeline (a rejects table's batch and time too). */
const VOLATILE = [...VOLATILE_COLUMNS, 'batch_id', 'rejected_at'];

describe('the demo on a PostgreSQL metadata store', () => {
  let root: string;
  let onSqlite: string;
  let onPostgres: string;
  const drops: (() => Promise<void>)[] = [];
  let sqliteDigests: Record<string, string>;

  const fresh = async () => {
    const db = await freshPostgresDatabase();
    drops.push(db.drop);
    return db.uri;
  };
  const digests = (dir: string) => withProject({ projectDir: dir }, (p) => contentDigests(p, NAMESPACES, VOLATILE));

  before(async () => {
    root = await tempDir('pg-catalog');
    ({ dir: onSqlite } = await demoProject(path.join(root, 'sqlite'), { rows: 400, seed: 1207 }));
    ({ dir: onPostgres } = await demoProject(path.join(root, 'postgres'), { rows: 400, seed: 1207 }));
    const yaml = path.join(onPostgres, 'silt.yaml');
    const text = await readFile(yaml, 'utf8');
    const replaced = text.replace(/^catalog:\n(?: {2}.*\n)+/m, `catalog: ${await fresh()}\n`);
    assert.notEqual(replaced, text);
    await writeFile(yaml, replaced);
    for (const dir of [onSqlite, onPostgres]) {
      await withProject({ projectDir: dir }, async (p) => assertReconciled((await runPipeline(p, { trigger: 'manual' })).steps));
    }
    sqliteDigests = await digests(onSqlite);
  });
  after(async () => {
    for (const drop of drops) await drop();
    await removeDir(root);
  });

  test('gives the same tables, row for row, as on SQLite, and keeps the run history there', async () => {
    assert.equal(Object.keys(sqliteDigests).length > 10, true, Object.keys(sqliteDigests).join(', '));
    assert.deepEqual(await digests(onPostgres), sqliteDigests);
    await withProject({ projectDir: onPostgres }, async (p) => {
      assert.match(p.catalog.pyicebergProperties()['uri'] ?? '', /^postgresql\+psycopg2:\/\/postgres@127\.0\.0\.1:\d+\/silt_test_/);
      const runs = await p.catalog.runLog.runs();
      assert.deepEqual(runs.map((r) => [r.trigger, r.status]), [['manual', 'succeeded']]);
      assert.equal((await p.catalog.runLog.run(runs[0]!.runId))?.steps.length, 14);
    });
  });

  test('silt migrate --catalog moves a SQLite project there: same tables, runs and ingest ledger; PyIceberg reads it', async () => {
    const target = await fresh();
    const r = await cli(onSqlite, 'migrate', '--catalog', target);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^iceberg_tables +\d+$/m);
    assert.match(r.stdout, new RegExp(`moved the metadata store from .*catalog\\.db to ${target.replace(/[.?]/g, '\\$&')}; silt\\.yaml's catalog now names it`));
    assert.match(await readFile(path.join(onSqlite, 'silt.yaml'), 'utf8'), new RegExp(`^ {2}uri: ${target}$`, 'm'));
    assert.deepEqual(await digests(onSqlite), sqliteDigests);

    const project = await openProject({ projectDir: onSqlite });
    try {
      assert.equal(project.catalog.pyicebergProperties()['uri'], target.replace(/^postgres:/, 'postgresql+psycopg2:'));
      assert.deepEqual((await project.catalog.runLog.runs()).map((r) => r.status), ['succeeded']);
      const bronze = await withSession(project, (sql) => count(sql, 'bronze.orders'));
      // The ingest ledger moved too: a new run ingests no landing file again.
      assertReconciled((await runPipeline(project, { trigger: 'manual' })).steps);
      assert.equal(await withSession(project, (sql) => count(sql, 'bronze.orders')), bronze);
      const daily = await withSession(project, (sql) => count(sql, 'gold.daily_sales'));
      const read = await pyicebergRead(onSqlite, 'gold.daily_sales', path.join(root, 'daily.parquet'));
      assert.equal(read.rows, daily);
    } finally {
      await project.close();
    }
  });

  test('silt migrate refuses a database that holds a catalog already, and a target that is not PostgreSQL', async () => {
    const yaml = await readFile(path.join(onSqlite, 'silt.yaml'), 'utf8');
    const taken = await withProject({ projectDir: onPostgres }, async (p) => p.config.catalogUri);
    const r = await cli(onSqlite, 'migrate', '--catalog', taken);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^silt: catalog: postgres:\/\/\S+ is not empty \(iceberg_namespace_properties holds \d+ rows\); move into a new, empty database\n/);
    assert.equal(await readFile(path.join(onSqlite, 'silt.yaml'), 'utf8'), yaml, 'silt.yaml is unchanged');
    await assert.rejects(moveCatalog(onSqlite, './elsewhere.db'), (e) => e instanceof InvalidInput && /--catalog takes a postgres:\/\/user@host:port\/database URI, found "\.\/elsewhere\.db"/.test(e.message));
  });
});
