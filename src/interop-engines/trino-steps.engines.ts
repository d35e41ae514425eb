import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { demoProject, removeDir, tempDir, VOLATILE_COLUMNS } from '../testing/pipeline-project.js';
import { startServeProcess, type ServeProcess } from '../testing/serve-process.js';
import { silt, siltOk } from '../testing/silt-process.js';
import { connectSettings, enginesCredential, requireEngines, Trino } from './test-engines.js';
import { siltRows } from './test-fixture.js';
import { assertSameRows, type Row } from './test-rows.js';

// The demo's silver and gold steps on Trino (`engine.steps: trino`): Trino computes each step's
// rows through Silt's REST catalog, Silt checks and commits them. Only Trino is started here.

let root = '';
let dir = '';
let server: ServeProcess | undefined;
let trino: Trino | undefined;

before(async () => {
  requireEngines();
  root = await tempDir('engines-trino-steps');
  ({ dir } = await demoProject(path.join(root, 'demo'), { rows: 300, seed: 11 }));
  await siltOk(dir, 'run');
  const credential = await enginesCredential(dir);
  server = await startServeProcess(dir);
  trino = await Trino.start(await connectSettings(dir, 'trino', credential), path.join(root, 'trino'));
});

after(async () => {
  await trino?.stop();
  if (server) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  if (!process.env['SILT_E2E_KEEP'] && root) await removeDir(root);
});

async function tables(namespace: string): Promise<string[]> {
  return (await siltOk(dir, 'table', 'list', namespace)).split('\n').map((l) => l.trim()).filter((l) => l && !l.includes('('));
}

/** A table's rows as Silt reads them, less the columns that say when and in which run they were written. */
async function stableRows(table: string): Promise<Row[]> {
  const rows = await siltRows(dir, `SELECT * FROM ${table}`);
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE_COLUMNS.includes(k))));
}

async function stagingQueries(): Promise<number> {
  const r = await trino!.sql(`SELECT count(*) AS n FROM system.runtime.queries WHERE query LIKE 'CREATE TABLE "silt_staging".%' AND state = 'FINISHED'`);
  return Number(r.rows[0]!['n']);
}

test("the demo's silver and gold steps on Trino give the tables DuckDB gave, row for row, and leave no staging table", async () => {
  const built = [...(await tables('silver')), ...(await tables('gold'))];
  assert.ok(built.length >= 8, `silver and gold tables: ${built.join(', ')}`);
  const want = new Map<string, Row[]>();
  for (const t of built) want.set(t, await stableRows(t));

  for (const t of built) await siltOk(dir, 'query', `DROP TABLE ${t}`);
  // Every step on Trino, for the whole project.
  const yaml = path.join(dir, 'silt.yaml');
  const text = await readFile(yaml, 'utf8');
  assert.match(text, /^engine:\n/m);
  await writeFile(yaml, `${text.replace(/^engine:\n/m, 'engine:\n  steps: trino\n')}\ntrino: { url: "${trino!.url}", catalog: silt, user: silt }\n`);
  const before = await stagingQueries();
  await siltOk(dir, 'run', '--local');
  const silverAndGold = built.filter((t) => !t.endsWith('_quarantine')).length;
  assert.ok((await stagingQueries()) - before >= silverAndGold, 'each silver and gold step ran its SELECT on Trino');

  assert.deepEqual([...(await tables('silver')), ...(await tables('gold'))].sort(), [...built].sort());
  for (const t of built) assertSameRows(await stableRows(t), want.get(t)!, `${t} built on Trino`);
  assert.deepEqual(await tables('silt_staging'), [], 'no staging table is left');
});

test('a failing expectation of a model on Trino commits nothing and leaves no staging table', async () => {
  await writeFile(
    path.join(dir, 'models', 'big_spenders.sql'),
    "-- silt: expect range(orders, 1000000, null)\nSELECT customer_id, count(*) AS orders FROM silver.orders GROUP BY customer_id\n",
  );
  const r = await silt(dir, 'run', '--local');
  assert.equal(r.code, 5, `exit code 5 (a fail rule broken)\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout + r.stderr, /gold\.big_spenders: expectation range\(orders\) failed on \d+ rows.*nothing was committed/);
  assert.ok(!(await tables('gold')).includes('gold.big_spenders'), 'the model has no table');
  assert.deepEqual(await tables('silt_staging'), [], 'no staging table is left');
});
