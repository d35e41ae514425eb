/**
 * A source pulled from an HTTP JSON API through the CLI: a local API paging by cursor, failing now
 * and then (500s, a 429); a `silt run` SIGKILLed mid-pull and run again lands every record once,
 * and the next run asks only for what changed, which reaches silver.
 */
import assert from 'node:assert/strict';
import { appendFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestApi, type Item } from '../../ingest/connectors/http-api-test-fixture.js';
import { finished, queryCsv, startSilt } from '../../testing/silt-process.js';
import { withProject } from '../../testing/temp-project.js';

const ITEMS = 2_000;
const PAGE = 50;
const CHUNK = 100;

const SOURCE = (url: string): string => `
sources:
  items:
    pull:
      kind: http
      url: ${url}
      records: data
      paginate: { kind: cursor, path: meta.next, param: cursor }
      auth: { bearer_env: SILT_TEST_ITEMS_TOKEN }
      incremental: { param: updated_since, field: updated_at }
      rate_limit: { per_second: 25 }
      retries: { max: 5, backoff: 10ms }
      chunk_rows: ${CHUNK}
silver:
  items:
    source: bronze.items
    key: id
    order_by: updated_at
    columns:
      id:         { type: long, required: true }
      name:       { type: string }
      updated_at: { type: timestamptz }
`;

const at = (second: number) => new Date(Date.UTC(2026, 0, 1) + second * 1000).toISOString();

async function pulledFiles(dir: string): Promise<number> {
  return (await readdir(path.join(dir, 'lake/landing/items')).catch(() => [] as string[])).filter((f) => f.startsWith('pull-')).length;
}

test('an HTTP API pulled by cursor, with failures: a run killed mid-pull, run again, holds every record once; the next run takes only the changes', async () => {
  const api = await TestApi.start();
  try {
    api.items = Array.from({ length: ITEMS }, (_, i): Item => ({ id: i + 1, updated_at: at(i), name: `item ${i + 1}` }));
    api.style = 'cursor';
    api.pageSize = PAGE;
    api.token = 'secret-token';
    api.retryAfter = '0';
    api.faults = [null, '500', null, null, '429', null, '500', '500'];
    const env = { SILT_TEST_ITEMS_TOKEN: 'secret-token' };
    await withProject(async (dir) => {
      await appendFile(path.join(dir, 'silt.yaml'), SOURCE(api.url));
      const child = startSilt(dir, ['run'], env);
      const done = finished(child);
      // Killed once a few chunks have landed, while the pull goes on (25 pages a second: ~1.6 s in all).
      for (let i = 0; i < 1200 && (await pulledFiles(dir)) < 4; i++) await sleep(10);
      child.kill('SIGKILL');
      const killed = await done;
      assert.equal(killed.signal, 'SIGKILL', `the run was killed mid-pull, not finished (${killed.stdout})`);
      const landedBefore = await pulledFiles(dir);
      assert.ok(landedBefore < ITEMS / CHUNK, `killed before the last chunk (${landedBefore} landed)`);
      const asked = api.requests.length;

      api.faults = ['500', null, '429'];
      const rerun = await finished(startSilt(dir, ['run'], env));
      assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
      assert.deepEqual(await queryCsv(dir, 'SELECT count(*), count(DISTINCT id), min(id), max(id) FROM bronze.items'), [[String(ITEMS), String(ITEMS), '1', String(ITEMS)]]);
      // Resuming asks for the pages not yet landed, the 3 failures and a page or so of slack; starting over would ask for all 40 pages.
      const resumed = (ITEMS - landedBefore * CHUNK) / PAGE + 3 + 2;
      assert.ok(api.requests.length - asked <= resumed, `the rerun resumed rather than starting over (${api.requests.length - asked} requests, at most ${resumed} expected)`);
      assert.deepEqual([...new Set(api.requests.map((r) => r.headers.authorization))], ['Bearer secret-token'], 'every request carries the token from the environment, and only it');

      // One record changed, one added: the next run sends the last largest updated_at and lands these two.
      api.items[1] = { id: 2, updated_at: at(ITEMS + 10), name: 'renamed' };
      api.items.push({ id: ITEMS + 1, updated_at: at(ITEMS + 11), name: 'new' });
      const before = api.requests.length;
      const third = await finished(startSilt(dir, ['run'], env));
      assert.equal(third.code, 0, third.stderr + third.stdout);
      assert.equal(api.queries[before]?.['updated_since'], at(ITEMS - 1), 'the third run asks from the largest updated_at landed');
      assert.deepEqual(await queryCsv(dir, 'SELECT count(*) FROM bronze.items'), [[String(ITEMS + 2)]], 'one new version and one new record, the rest not pulled again');
      assert.deepEqual(await queryCsv(dir, `SELECT id, name FROM silver.items WHERE id IN (1, 2, ${ITEMS + 1}) ORDER BY id`), [['1', 'item 1'], ['2', 'renamed'], [String(ITEMS + 1), 'new']]);
    });
  } finally {
    await api.stop();
  }
});
