import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { VOLATILE_COLUMNS } from '../testing/pipeline-project.js';
import { silt, siltOk } from '../testing/silt-process.js';
import { siltRows, type Engines } from './test-fixture.js';
import { assertSameRows, type Row } from './test-rows.js';

async function tables(dir: string, namespace: string): Promise<string[]> {
  return (await siltOk(dir, 'table', 'list', namespace)).split('\n').map((l) => l.trim()).filter((l) => l && !l.includes('('));
}

/** A table's rows as Silt reads them, less the columns that say when and in which run they were written. */
async function stableRows(dir: string, table: string): Promise<Row[]> {
  const rows = await siltRows(dir, `SELECT * FROM ${table}`);
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE_COLUMNS.includes(k))));
}

/** How many CREATE TABLE … AS of a staging table Trino has finished. */
async function stagingQueries(e: Engines): Promise<number> {
  const r = await e.trino.sql(`SELECT count(*) AS n FROM system.runtime.queries WHERE query LIKE 'CREATE TABLE "silt_staging".%' AND state = 'FINISHED'`);
  return Number(r.rows[0]!['n']);
}

/**
 * The demo's silver and gold steps on Trino (`engine.steps: trino`): Trino computes each step's
 * rows through Silt's REST catalog, Silt checks and commits them. Registered after a file's own
 * tests (these drop and rebuild every silver and gold table), on that file's engines, so the
 * stage starts no Trino of its own for them.
 */
export function trinoStepTests(engines: () => Engines): void {
  test("the demo's silver and gold steps on Trino give the tables DuckDB gave, row for row, and leave no staging table", async () => {
    const e = engines();
    const built = [...(await tables(e.dir, 'silver')), ...(await tables(e.dir, 'gold'))];
    assert.ok(built.length >= 8, `silver and gold tables: ${built.join(', ')}`);
    const want = new Map<string, Row[]>();
    for (const t of built) want.set(t, await stableRows(e.dir, t));

    for (const t of built) await siltOk(e.dir, 'query', `DROP TABLE ${t}`);
    // Every step on Trino, for the whole project.
    const yaml = path.join(e.dir, 'silt.yaml');
    const text = await readFile(yaml, 'utf8');
    assert.match(text, /^engine:\n/m);
    await writeFile(yaml, `${text.replace(/^engine:\n/m, 'engine:\n  steps: trino\n')}\ntrino: { url: "${e.trino.url}", catalog: silt, user: silt }\n`);
    const before = await stagingQueries(e);
    await siltOk(e.dir, 'run', '--local');
    const silverAndGold = built.filter((t) => !t.endsWith('_quarantine')).length;
    assert.ok((await stagingQueries(e)) - before >= silverAndGold, 'each silver and gold step ran its SELECT on Trino');

    assert.deepEqual([...(await tables(e.dir, 'silver')), ...(await tables(e.dir, 'gold'))].sort(), [...built].sort());
    for (const t of built) assertSameRows(await stableRows(e.dir, t), want.get(t)!, `${t} built on Trino`);
    assert.deepEqual(await tables(e.dir, 'silt_staging'), [], 'no staging table is left');
  });

  test('a failing expectation of a model on Trino commits nothing and leaves no staging table', async () => {
    const e = engines();
    await writeFile(
      path.join(e.dir, 'models', 'big_spenders.sql'),
      '-- silt: expect range(orders, 1000000, null)\nSELECT customer_id, count(*) AS orders FROM silver.orders GROUP BY customer_id\n',
    );
    const before = await stagingQueries(e);
    const r = await silt(e.dir, 'run', '--local');
    assert.equal(r.code, 5, `exit code 5 (a fail rule broken)\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout + r.stderr, /gold\.big_spenders: expectation range\(orders\) failed on \d+ rows.*nothing was committed/);
    assert.equal((await stagingQueries(e)) - before, 1, 'the model ran on Trino');
    assert.ok(!(await tables(e.dir, 'gold')).includes('gold.big_spenders'), 'the model has no table');
    assert.deepEqual(await tables(e.dir, 'silt_staging'), [], 'no staging table is left');
  });
}
