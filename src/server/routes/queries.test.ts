import assert from 'node:assert/strict';
import { writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { Engine, OWNER, quoteLiteral } from '../../engine/index.js';
import { call, withApi } from '../../testing/index.js';
import { routeApp } from '../route-app.js';
import { toHttpError } from '../../errors-http.js';
import { queriesRoutes } from './queries.js';

/** A statement run to its end through the API; its view. */
async function run(app: OpenAPIHono, sql: string, extra: Record<string, unknown> = {}): Promise<any> {
  const r = await call(app, 'POST', '/v1/queries', { sql, wait_ms: 30_000, ...extra });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.status, 'succeeded', JSON.stringify(r.body));
  return r.body;
}

async function allRows(app: OpenAPIHono, id: string, pageSize: number): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for (let offset = 0; ; offset += pageSize) {
    const page = await call(app, 'GET', `/v1/queries/${id}/results?offset=${offset}&limit=${pageSize}`);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    rows.push(...page.body.rows);
    if (page.body.rows.length < pageSize) return rows;
  }
}

async function streamed(app: OpenAPIHono, id: string): Promise<{ columns: unknown; rows: unknown[][]; end: any }> {
  const res = await app.request(`/v1/queries/${id}/stream`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /ndjson/);
  const lines = (await res.text()).trimEnd().split('\n').map((l) => JSON.parse(l));
  return { columns: lines[0].columns, rows: lines.slice(1, -1), end: lines.at(-1) };
}

const TYPED = `SELECT i AS id, 'name ' || i AS name, (i * 1.25)::DECIMAL(10,2) AS amount, DATE '2024-01-01' + i::INTEGER AS day,
  TIMESTAMP '2024-01-01 10:00:00' + INTERVAL (i) MINUTE AS ts, i / 3.0 AS ratio, [i, i + 1] AS pair, CASE WHEN i % 5 = 0 THEN NULL ELSE 'x,"y"' END AS quoted
  FROM (SELECT range::INTEGER AS i FROM range(2500))`;

test('a statement submitted runs as the request\'s principal; pages and the stream give the rows of the whole result; history records it', async () => {
  await withApi({}, async (app, project) => {
    await project.catalog.createNamespace('shop');
    const created = await run(app, `CREATE TABLE shop.items AS ${TYPED}`);
    assert.match(created.message, /shop\.items/);
    assert.match(created.snapshot_id, /^\d+$/);

    const q = await run(app, 'SELECT * FROM shop.items ORDER BY id');
    assert.equal(q.principal, OWNER.name);
    assert.equal(q.row_count, 2500);
    assert.deepEqual(q.columns.map((c: any) => c.name), ['id', 'name', 'amount', 'day', 'ts', 'ratio', 'pair', 'quoted']);
    assert.ok(q.bytes_scanned > 0, 'bytes scanned are counted');
    assert.equal(q.stats.rows, 2500);

    const whole = await allRows(app, q.id, 10_000);
    assert.equal(whole.length, 2500);
    assert.deepEqual(whole[7], [7, 'name 7', '8.75', '2024-01-08', '2024-01-01 10:07:00', 7 / 3, [7, 8], 'x,"y"']);
    assert.deepEqual(await allRows(app, q.id, 333), whole, 'pages of 333 make the whole result');
    const s = await streamed(app, q.id);
    assert.deepEqual(s.columns, q.columns);
    assert.deepEqual(s.rows, whole, 'the stream gives the same rows');
    assert.deepEqual(s.end, { status: 'succeeded', row_count: 2500 });

    const status = await call(app, 'GET', `/v1/queries/${q.id}`);
    assert.equal(status.body.status, 'succeeded');
    const history = await call(app, 'GET', '/v1/queries?limit=10');
    assert.equal(history.status, 200);
    const entry = history.body.queries.find((h: any) => h.id === q.id);
    assert.equal(entry.sql, 'SELECT * FROM shop.items ORDER BY id');
    assert.equal(entry.principal, 'owner');
    assert.equal(entry.status, 'succeeded');
    assert.equal(entry.rows, 2500);
    assert.equal(entry.bytes_scanned, q.bytes_scanned);
    assert.ok(entry.elapsed_ms >= 0);
    assert.equal(history.body.queries[0].id, q.id, 'newest first');
  });
});

test('a result past the memory bound spills to a file, and pages and downloads still give every row', async () => {
  await withApi({}, async (_app, project, dir) => {
    const app = routeApp().route('/v1', queriesRoutes({ project, principalOf: () => OWNER }, { memoryBytesPerQuery: 2000 }));
    const q = await run(app, TYPED.replace('2500', '5000'));
    assert.equal(q.row_count, 5000);
    const pages = await allRows(app, q.id, 700);
    assert.equal(pages.length, 5000);
    assert.deepEqual(pages[4999]![0], 4999);
    assert.deepEqual(pages.map((r) => r[0]), [...Array(5000).keys()]);
    assert.ok((await readFile(path.join(dir, '.silt', 'results', `${q.id}.ndjson`), 'utf8')).length > 0, 'the rows are in the spill file');
  });
});

test('downloads as CSV and Parquet read back with DuckDB equal the result', async () => {
  await withApi({}, async (app, _project, dir) => {
    const q = await run(app, TYPED);
    const whole = await allRows(app, q.id, 10_000);
    const engine = await Engine.open({});
    try {
      for (const format of ['parquet', 'csv'] as const) {
        const res = await app.request(`/v1/queries/${q.id}/download?format=${format}`);
        assert.equal(res.status, 200);
        const file = path.join(dir, `out.${format}`);
        await writeFile(file, new Uint8Array(await res.arrayBuffer()));
        const reader =
          format === 'parquet'
            ? `read_parquet(${quoteLiteral(file)})`
            : `read_csv(${quoteLiteral(file)}, header = true, columns = {${q.columns.map((c: any) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}})`;
        const back = await engine.allJson<Record<string, unknown>>(`SELECT * FROM ${reader}`);
        assert.deepEqual(back.map((r) => Object.values(r)), whole, `${format} holds the result's rows`);
      }
      const csv = await (await app.request(`/v1/queries/${q.id}/download?format=csv`)).text();
      assert.match(csv.split('\n')[0]!, /^id,name,amount,day,ts,ratio,pair,quoted$/);
      const twice = await run(app, 'SELECT 1 AS a, 2 AS a');
      const json = await call(app, 'GET', `/v1/queries/${twice.id}/download?format=json`);
      assert.equal(json.status, 400, 'a JSON object cannot hold one name twice: the client\'s to change, not a bug');
      assert.equal(json.body.error.code, 'download_failed');
    } finally {
      engine.close();
    }
  });
});

test('unknown ids are 404s in the error model; malformed bodies are 400s naming the field', async () => {
  await withApi({}, async (app) => {
    for (const [method, url] of [
      ['GET', '/v1/queries/nope'],
      ['GET', '/v1/queries/nope/results'],
      ['GET', '/v1/queries/nope/stream'],
      ['GET', '/v1/queries/nope/download?format=csv'],
      ['POST', '/v1/queries/nope/cancel'],
    ] as const) {
      const r = await call(app, method, url);
      assert.equal(r.status, 404, url);
      assert.equal(r.body.error.code, 'query_not_found', url);
      assert.match(r.body.error.message, /query nope does not exist/);
    }
    for (const [body, field] of [
      [{}, 'sql'],
      [{ sql: 42 }, 'sql'],
      [{ sql: '' }, 'sql'],
      [{ sql: `SELECT 1 -- ${'x'.repeat(1_000_000)}` }, 'sql'],
      [{ sql: 'SELECT 1', limits: { rows: -1 } }, 'limits.rows'],
      [{ sql: 'SELECT 1', limits: { bytes: 5 } }, 'limits'],
      [{ sql: 'SELECT 1', wait_ms: 'soon' }, 'wait_ms'],
    ] as const) {
      const r = await call(app, 'POST', '/v1/queries', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.details.field, field, JSON.stringify(r.body));
    }
    const notJson = await call(app, 'POST', '/v1/queries', '{"sql": ');
    assert.equal(notJson.status, 400);
    const badPage = await call(app, 'GET', '/v1/queries/x/results?limit=0');
    assert.equal(badPage.status, 400);
    assert.equal(badPage.body.error.details.field, 'limit');
    const badFormat = await call(app, 'GET', '/v1/queries/x/download?format=xlsx');
    assert.equal(badFormat.status, 400);
    assert.equal(badFormat.body.error.details.field, 'format');
  });
});

test('hostile SQL is a 400 with the session\'s refusal; a bytes limit fails the statement naming it', async () => {
  await withApi({}, async (app, project) => {
    for (const sql of ["SELECT * FROM read_csv('/etc/passwd')", "SELECT current_setting('allowed_directories')", "COPY (SELECT 1) TO 'x.csv'", "ATTACH 'x.db'"]) {
      const r = await call(app, 'POST', '/v1/queries', { sql });
      assert.equal(r.status, 400, `${sql}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error.message, /^query: /, sql);
    }
    await project.catalog.createNamespace('shop');
    await run(app, 'CREATE TABLE shop.t AS SELECT range AS n FROM range(1000)');
    const r = await call(app, 'POST', '/v1/queries', { sql: 'SELECT * FROM shop.t', limits: { bytes_scanned: 10 } });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'limit_exceeded');
    assert.match(r.body.error.message, /10 bytes|bytes/);
    const history = await call(app, 'GET', '/v1/queries');
    assert.equal(history.body.queries[0].status, 'failed');
    assert.equal(history.body.queries[0].error.code, 'limit_exceeded');
    const rows = await call(app, 'POST', '/v1/queries', { sql: 'SELECT * FROM shop.t', limits: { rows: 10 } });
    assert.equal(rows.status, 400);
    assert.equal(rows.body.error.code, 'limit_exceeded');
  });
});

test('a long query is cancelled within a second, and its results are the cancel error', async () => {
  await withApi({}, async (app) => {
    const r = await call(app, 'POST', '/v1/queries', { sql: 'SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = 7', wait_ms: 300 });
    assert.equal(r.status, 202);
    assert.equal(r.body.status, 'running');
    const t0 = performance.now();
    const c = await call(app, 'POST', `/v1/queries/${r.body.id}/cancel`);
    const took = performance.now() - t0;
    assert.equal(c.status, 200);
    assert.equal(c.body.status, 'cancelled');
    assert.equal(c.body.error.code, 'cancelled');
    assert.ok(took < 1000, `cancel took ${took.toFixed(0)} ms`);
    const results = await call(app, 'GET', `/v1/queries/${r.body.id}/results`);
    assert.equal(results.status, 400);
    assert.equal(results.body.error.code, 'cancelled');
    const wall = await call(app, 'POST', '/v1/queries', { sql: 'SELECT count(*) FROM range(100000000) a, range(100000000) b', limits: { wall_ms: 200 }, wait_ms: 5000 });
    assert.equal(wall.status, 400);
    assert.match(wall.body.error.message, /200 ms wall time/);
  });
});

test('20 queries at once against two snapshots of one table each get their own rows', async () => {
  await withApi({}, async (app, project) => {
    await project.catalog.createNamespace('shop');
    const first = await run(app, 'CREATE TABLE shop.t AS SELECT range::INTEGER AS n FROM range(10)');
    const second = await run(app, 'INSERT INTO shop.t SELECT (range + 10)::INTEGER AS n FROM range(5)');
    const snaps = [first.snapshot_id, second.snapshot_id];
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const snap = snaps[i % 2];
        const q = await run(app, `SELECT n, ${i} AS asker FROM shop.t FOR VERSION AS OF ${snap} ORDER BY n`);
        return { i, rows: await allRows(app, q.id, 100) };
      }),
    );
    for (const { i, rows } of answers) {
      const n = i % 2 === 0 ? 10 : 15;
      assert.deepEqual(rows, Array.from({ length: n }, (_, k) => [k, i]), `query ${i}`);
    }
  });
});

test('finished results are dropped past their time, their status and history stay; the principal is the request\'s', async () => {
  await withApi({}, async (_app, project) => {
    const ana = { name: 'ana', kind: 'user' as const };
    const app = routeApp().route('/v1', queriesRoutes({ project, principalOf: () => ana }, { keepMs: 0 }));
    app.onError((e, c) => c.json(toHttpError(e).body, toHttpError(e).status as 404));
    const first = await run(app, 'SELECT 1 AS a');
    assert.equal(first.principal, 'ana');
    await run(app, 'SELECT 2 AS b'); // each submit drops results past their time
    const expired = await call(app, 'GET', `/v1/queries/${first.id}/results`);
    assert.equal(expired.status, 404);
    assert.equal(expired.body.error.code, 'query_results_expired');
    assert.match(expired.body.error.message, /no longer kept.*run it again/);
    const status = await call(app, 'GET', `/v1/queries/${first.id}`);
    assert.equal(status.body.status, 'succeeded');
    assert.equal(status.body.results_kept, false);
    assert.equal(status.body.row_count, 1);
    assert.deepEqual(status.body.columns, [{ name: 'a', type: 'INTEGER' }]);
    assert.equal((await call(app, 'GET', '/v1/queries')).body.queries[1].principal, 'ana');
  });
});

test('past the bound on kept bytes, the results of the queries that ended first are dropped first', async () => {
  await withApi({}, async (_app, project) => {
    const app = routeApp().route('/v1', queriesRoutes({ project, principalOf: () => ({ name: 'ana', kind: 'user' as const }) }, { maxKeptBytes: 1_500 }));
    app.onError((e, c) => c.json(toHttpError(e).body, toHttpError(e).status as 404));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await run(app, `SELECT repeat('x', 600) || '${i}' AS v`)).id);
    await run(app, 'SELECT 1 AS n'); // each submit drops what is past the bound
    const kept = await Promise.all(ids.map(async (id) => (await call(app, 'GET', `/v1/queries/${id}/results`)).status));
    assert.deepEqual(kept, [404, 404, 200, 200]);
  });
});

test('a stream opened while the query runs gives every row as it arrives, the same as the pages', async () => {
  await withApi({}, async (app) => {
    const r = await call(app, 'POST', '/v1/queries', { sql: 'SELECT range::INTEGER AS n, md5(range::VARCHAR) AS h FROM range(300000)', wait_ms: 0 });
    assert.equal(r.status, 202);
    assert.ok(['queued', 'running'].includes(r.body.status));
    const s = await streamed(app, r.body.id);
    assert.deepEqual(s.columns, [{ name: 'n', type: 'INTEGER' }, { name: 'h', type: 'VARCHAR' }]);
    assert.equal(s.rows.length, 300_000);
    assert.deepEqual(s.end, { status: 'succeeded', row_count: 300_000 });
    assert.deepEqual(s.rows.map((row) => row[0]), [...Array(300_000).keys()]);
    assert.deepEqual(await allRows(app, r.body.id, 10_000), s.rows);
  });
});

test('a query that fails part-way streams its error, and its status keeps the rows it had returned', async () => {
  await withApi({}, async (app) => {
    const r = await call(app, 'POST', '/v1/queries', { sql: 'SELECT range FROM range(100000)', limits: { rows: 5000 }, wait_ms: 0 });
    const s = await app.request(`/v1/queries/${r.body.id}/stream`);
    const lines = (await s.text()).trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.at(-1).error.code, 'limit_exceeded');
    const status = await call(app, 'GET', `/v1/queries/${r.body.id}`);
    assert.equal(status.body.status, 'failed');
    assert.equal(status.body.error.code, 'limit_exceeded');
    const again = await app.request(`/v1/queries/${r.body.id}/stream`);
    const last = (await again.text()).trimEnd().split('\n').map((l) => JSON.parse(l)).at(-1);
    assert.equal(last.error.code, 'limit_exceeded', 'a stream of a failed query ends with its error');
  });
});

test('past the running limit a query waits as queued, and a cancel while queued ends it at once', async () => {
  await withApi({}, async (_app, project) => {
    const app = routeApp().route('/v1', queriesRoutes({ project, principalOf: () => OWNER }, { maxRunning: 1 }));
    const long = 'SELECT count(*) FROM range(100000000) a, range(100000000) b';
    const first = await call(app, 'POST', '/v1/queries', { sql: long, wait_ms: 0 });
    const second = await call(app, 'POST', '/v1/queries', { sql: 'SELECT 42 AS x', wait_ms: 200 });
    assert.equal(second.status, 202);
    assert.equal(second.body.status, 'queued');
    const t0 = performance.now();
    const cancelled = await call(app, 'POST', `/v1/queries/${second.body.id}/cancel`);
    assert.equal(cancelled.body.status, 'cancelled');
    assert.ok(performance.now() - t0 < 1000);
    const third = await call(app, 'POST', '/v1/queries', { sql: 'SELECT 7 AS y', wait_ms: 0 });
    assert.equal((await call(app, 'POST', `/v1/queries/${first.body.id}/cancel`)).body.status, 'cancelled');
    for (let i = 0; i < 100; i++) {
      if ((await call(app, 'GET', `/v1/queries/${third.body.id}`)).body.status === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual((await call(app, 'GET', `/v1/queries/${third.body.id}/results`)).body.rows, [[7]], 'the place freed by the cancel is taken');
  });
});
