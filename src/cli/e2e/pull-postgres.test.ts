/**
 * A source pulled from PostgreSQL through the CLI: `silt plan` checks it, a `silt run` SIGKILLed
 * mid-pull and run again lands every row once, and an update and a delete reach silver.
 */
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { onFreshPostgres, runOn } from '../../catalog/postgres-test-support.js';
import { finished, queryCsv, startSilt } from '../../testing/silt-process.js';
import { withProject } from '../../testing/temp-project.js';

const ROWS = 6_000;
const CHUNK = 200;

const SOURCE = (table: string): string => `
sources:
  customers:
    pull:
      kind: postgres
      url_env: SILT_TEST_SHOP_URL
      table: ${table}
      cursor: updated_at
      key: id
      chunk_rows: ${CHUNK}
      deletes: compare
silver:
  customers:
    source: bronze.customers
    key: id
    order_by: _pulled_at
    columns:
      id:         { type: long, required: true }
      name:       { type: string }
      _deleted:   { type: boolean }
      _pulled_at: { type: timestamptz }
`;

async function pulledFiles(dir: string): Promise<number> {
  return (await readdir(path.join(dir, 'lake/landing/customers')).catch(() => [] as string[])).filter((f) => f.startsWith('pull-') && f.endsWith('.ndjson.gz')).length;
}

test('silt plan names a wrong table; a run killed mid-pull, run again, holds every row once; a later update and delete reach silver', async () => {
  await onFreshPostgres(async (url) => {
    await runOn(
      url,
      `CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, updated_at timestamptz NOT NULL);
       INSERT INTO customers SELECT i, 'c' || i, timestamptz '2026-01-01' + (i / 3) * interval '1 second' FROM generate_series(1, ${ROWS}) i`,
    );
    const env = { SILT_TEST_SHOP_URL: url };
    await withProject(async (dir) => {
      await appendFile(path.join(dir, 'silt.yaml'), SOURCE('public.custmers'));
      const plan = await finished(startSilt(dir, ['plan'], env));
      assert.equal(plan.code, 1, plan.stderr);
      assert.match(plan.stderr, /source customers: no table public\.custmers in PostgreSQL .*\(did you mean public\.customers\?\); fix sources\.customers\.pull\.table in silt\.yaml/);

      const yaml = path.join(dir, 'silt.yaml');
      await writeFile(yaml, (await readFile(yaml, 'utf8')).replace('public.custmers', 'public.customers'));
      const child = startSilt(dir, ['run'], env);
      const done = finished(child);
      // Killed once a few chunks have landed, while the pull goes on.
      for (let i = 0; i < 600 && (await pulledFiles(dir)) < 4; i++) await sleep(25);
      child.kill('SIGKILL');
      const killed = await done;
      assert.equal(killed.signal, 'SIGKILL', `the run was killed mid-pull, not finished (${killed.stdout})`);
      const landedBefore = await pulledFiles(dir);
      assert.ok(landedBefore < ROWS / CHUNK, `killed before the last chunk (${landedBefore} landed)`);

      const rerun = await finished(startSilt(dir, ['run'], env));
      assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
      assert.deepEqual(await queryCsv(dir, 'SELECT count(*), count(DISTINCT id), min(id), max(id) FROM bronze.customers'), [[String(ROWS), String(ROWS), '1', String(ROWS)]]);
      assert.equal(await pulledFiles(dir), ROWS / CHUNK, 'one file a chunk: the chunks landed before the kill were not pulled again');

      await runOn(url, `UPDATE customers SET name = 'renamed', updated_at = timestamptz '2026-02-01' WHERE id = 2; DELETE FROM customers WHERE id = 1`);
      const third = await finished(startSilt(dir, ['run'], env));
      assert.equal(third.code, 0, third.stderr + third.stdout);
      assert.deepEqual(await queryCsv(dir, 'SELECT id, name, _deleted FROM silver.customers WHERE id <= 3 ORDER BY id'), [['1', '', 'true'], ['2', 'renamed', 'false'], ['3', 'c3', 'false']]);
      assert.deepEqual(await queryCsv(dir, 'SELECT count(*) FROM bronze.customers'), [[String(ROWS + 2)]], 'one new version and one tombstone');
      const replan = await finished(startSilt(dir, ['plan'], env));
      assert.match(replan.stdout, /= bronze\.customers +source customers \(pulled from postgres public\.customers into landing\/customers\/\)/);
    });
  });
});
