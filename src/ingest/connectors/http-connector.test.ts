import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { Cancelled, EnvironmentFault, InvalidInput } from '../../errors.js';
import type { ConnectorState, PulledChunk } from './connector.js';
import { items, TestApi, type Style } from './http-api-test-fixture.js';
import { httpPullSchema } from './http-config.js';
import { httpConnector } from './http-connector.js';

let api: TestApi;
before(async () => {
  api = await TestApi.start();
});
after(() => api.stop());
beforeEach(() => {
  api.items = items(10);
  api.style = 'page';
  api.pageSize = 3;
  api.faults = [];
  api.token = undefined;
  api.requests.length = 0;
});

const PAGINATE: Record<Style, unknown> = {
  page: { kind: 'page', param: 'page', start: 1, size_param: 'per_page', size: 3 },
  offset: { kind: 'offset', param: 'offset', limit_param: 'limit', limit: 3 },
  cursor: { kind: 'cursor', path: 'meta.next', param: 'cursor' },
  link: { kind: 'link' },
};

function config(style: Style, more: Record<string, unknown> = {}) {
  return httpPullSchema.parse({
    kind: 'http',
    url: api.url,
    ...(style === 'link' ? {} : { records: 'data' }),
    paginate: PAGINATE[style],
    retries: { max: 3, backoff: '1ms' },
    ...more,
  });
}

async function pull(
  style: Style,
  state?: ConnectorState,
  opts: { chunkRows?: number; more?: Record<string, unknown>; env?: NodeJS.ProcessEnv; signal?: AbortSignal; log?: string[] } = {},
): Promise<PulledChunk[]> {
  api.style = style;
  const connector = httpConnector(config(style, opts.more), opts.env ?? {});
  const chunks: PulledChunk[] = [];
  const signal = opts.signal ?? new AbortController().signal;
  for await (const c of connector.pull(state, { signal, chunkRows: opts.chunkRows ?? 4, log: (l) => opts.log?.push(l) })) chunks.push(c);
  return chunks;
}

const ids = (chunks: PulledChunk[]) => chunks.flatMap((c) => c.records.map((r) => r['id']));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

for (const style of ['page', 'offset', 'cursor', 'link'] as const) {
  test(`${style} pagination: every record once, in chunks of at most chunkRows, to the last page`, async () => {
    const chunks = await pull(style);
    assert.deepEqual(ids(chunks), range(1, 10));
    assert.ok(chunks.every((c) => c.records.length <= 4));
    assert.equal(chunks.at(-1)!.state['next'], undefined, 'a finished pull keeps no page to resume from');
  });

  test(`${style} pagination: a pull resumed from any chunk's state gives exactly the records after it`, async () => {
    const chunks = await pull(style, undefined, { chunkRows: 2 });
    assert.deepEqual(ids(chunks), range(1, 10));
    for (let k = 0; k < chunks.length - 1; k++) {
      const landed = ids(chunks.slice(0, k + 1));
      const rest = ids(await pull(style, chunks[k]!.state, { chunkRows: 5 }));
      assert.deepEqual([...landed, ...rest], range(1, 10), `resumed after chunk ${k + 1}`);
    }
  });
}

test('a page with fewer records than asked is not the end: only an empty page is (an API may cap the page size)', async () => {
  api.pageSize = 2; // the server ignores per_page=3
  const chunks = await pull('offset', undefined, { more: { paginate: { kind: 'offset', limit: 3 } } });
  assert.deepEqual(ids(chunks), range(1, 10));
});

test('500s, a 429, a dropped connection and a timeout are retried; every record still arrives once', async () => {
  api.retryAfter = '0';
  api.faults = ['500', '429', 'drop', 'hang'];
  const log: string[] = [];
  const chunks = await pull('page', undefined, { more: { timeout: '200ms', retries: { max: 4, backoff: '1ms' } }, log });
  assert.deepEqual(ids(chunks), range(1, 10));
  assert.equal(log.filter((l) => /retry \d of 4/.test(l)).length, 4, log.join('\n'));
  assert.match(log.join('\n'), /500 Internal Server Error.*upstream exploded/);
  assert.match(log.join('\n'), /no answer within 200ms/);
});

test('a 429 waits for its Retry-After, not the configured backoff', async () => {
  api.retryAfter = '1';
  api.faults = ['429'];
  const t0 = performance.now();
  assert.deepEqual(ids(await pull('page')), range(1, 10));
  assert.ok(performance.now() - t0 >= 950, `waited ${performance.now() - t0}ms`);
});

test('retries run out: the pull fails as an environment fault naming the page, the URL and the last answer', async () => {
  api.faults = ['500', '500', '500', '500'];
  await assert.rejects(pull('page', undefined, { more: { retries: { max: 3, backoff: '1ms' } } }), (e: Error) => {
    assert.ok(e instanceof EnvironmentFault);
    assert.match(e.message, /page 1 \(GET http:\/\/127\.0\.0\.1:\d+\/items\?page=1&per_page=3\) failed after 4 attempts, the last with 500 Internal Server Error: "upstream exploded"/);
    return true;
  });
  assert.equal(api.requests.length, 4);
});

test('a 4xx other than 429 fails at once, with the status, the URL without secrets and the start of the body', async () => {
  api.token = 'right';
  const env = { TOKEN: 'wrong-token', KEY: 'sekrit-key-value' };
  const more = { auth: { bearer_env: 'TOKEN' }, params: { api_key: { env: 'KEY' } } };
  await assert.rejects(pull('page', undefined, { env, more }), (e: Error) => {
    assert.ok(e instanceof InvalidInput);
    assert.match(e.message, /page 1 \(GET http:\/\/127\.0\.0\.1:\d+\/items\?api_key=\*\*\*&page=1&per_page=3\) answered 401 Unauthorized: "\{\\"error\\":\\"bad token\\",\\"got\\":\\"Bearer \*\*\*\\"\}"; check the token/);
    assert.doesNotMatch(e.message, /sekrit|wrong-token/);
    return true;
  });
  assert.equal(api.requests.length, 1, 'not retried');
});

test('a page that is not JSON, or has no array at records, fails naming the page and its URL', async () => {
  api.faults = [null, 'notjson'];
  await assert.rejects(pull('page', undefined, { chunkRows: 100 }), (e: Error) => {
    assert.ok(e instanceof InvalidInput);
    assert.match(e.message, /^http pull: page 2 \(http:\/\/127\.0\.0\.1:\d+\/items\?page=2&per_page=3\) is not JSON .*; it begins "<html>maintenance<\/html>"/);
    return true;
  });
  await assert.rejects(pull('page', undefined, { more: { records: 'items' } }), /page 1 \(http:\/\/127\.0\.0\.1:\d+\/items\?page=1&per_page=3\) has no such key at records: items, not an array/);
  await assert.rejects(pull('link', undefined, { more: { records: 'data' } }), /page 1 .* has no such key at records: data/);
  await assert.rejects(pull('page', undefined, { more: { records: undefined } }), /page 1 .* is a JSON object, not an array of records; write records:/);
});

test('auth: the bearer token and X-Api-Key come from the environment, on every page', async () => {
  api.token = 'tok-123';
  const env = { API_TOKEN: 'tok-123', API_KEY: 'key-456' };
  const chunks = await pull('cursor', undefined, { env, more: { auth: { bearer_env: 'API_TOKEN' }, headers: { 'X-Api-Key': { env: 'API_KEY' }, 'X-Client': 'silt-test' } } });
  assert.deepEqual(ids(chunks), range(1, 10));
  assert.equal(api.requests.length, 4);
  for (const r of api.requests) {
    assert.equal(r.headers['authorization'], 'Bearer tok-123');
    assert.equal(r.headers['x-api-key'], 'key-456');
    assert.equal(r.headers['x-client'], 'silt-test');
  }
});

test('an environment variable the config names but the environment lacks fails before any request, naming it', async () => {
  await assert.rejects(pull('page', undefined, { more: { auth: { bearer_env: 'NOPE_TOKEN' } } }), (e: Error) => {
    assert.ok(e instanceof InvalidInput);
    assert.equal(e.message, 'http pull: auth.bearer_env reads the environment variable NOPE_TOKEN, which is not set; set it where silt runs (export NOPE_TOKEN=…)');
    return true;
  });
  assert.equal(api.requests.length, 0);
});

test('incremental: the second pull sends the largest updated_at seen and lands only new and updated records', async () => {
  const more = { incremental: { param: 'updated_since', field: 'updated_at' } };
  const first = await pull('page', undefined, { more });
  assert.deepEqual(ids(first), range(1, 10));
  assert.equal(api.queries[0]!['updated_since'], undefined, 'the first pull takes everything');
  const state = first.at(-1)!.state;
  assert.equal(state['max'], '2026-01-01T00:09:00Z');

  api.items[2] = { ...api.items[2]!, name: 'renamed', updated_at: '2026-01-02T00:00:00Z' };
  api.items.push({ id: 11, updated_at: '2026-01-02T00:01:00Z', name: 'new' });
  api.requests.length = 0;
  const second = await pull('page', state, { more });
  // The API answers "at or after": item 10 comes again and is passed over, as it landed already.
  assert.deepEqual(
    second.flatMap((c) => c.records),
    [
      { id: 3, updated_at: '2026-01-02T00:00:00Z', name: 'renamed' },
      { id: 11, updated_at: '2026-01-02T00:01:00Z', name: 'new' },
    ],
  );
  assert.ok(api.queries.every((q) => q['updated_since'] === '2026-01-01T00:09:00Z'));

  const third = await pull('page', second.at(-1)!.state, { more });
  assert.deepEqual(ids(third), [], 'nothing new: nothing pulled');

  // A record changed without its updated_at moving is a new version too.
  api.items[10] = { ...api.items[10]!, name: 'new, fixed' };
  const fourth = await pull('page', second.at(-1)!.state, { more });
  assert.deepEqual(ids(fourth), [11]);
});

test('incremental: a pull resumed mid-way asks the same question as the pull it continues', async () => {
  const more = { incremental: { param: 'updated_since', field: 'updated_at', start: '2026-01-01T00:02:00Z' } };
  const chunks = await pull('offset', undefined, { chunkRows: 2, more });
  assert.deepEqual(ids(chunks), range(3, 10), 'start is sent on the first pull');
  api.items.push({ id: 11, updated_at: '2026-01-01T00:03:30Z', name: 'late' }); // moves offsets of what follows
  api.requests.length = 0;
  const log: string[] = [];
  const rest = await pull('offset', chunks[0]!.state, { chunkRows: 100, more, log });
  assert.equal(log[0], 'http pull: resuming at page 1, after its first 2 records, updated_since=2026-01-01T00:02:00Z');
  assert.ok(api.queries.every((q) => q['updated_since'] === '2026-01-01T00:02:00Z'));
  assert.deepEqual(ids(rest), [11, 5, 6, 7, 8, 9, 10], 'landed records are not pulled again; the late one is');
});

test('rate_limit spaces requests: 5 pages (the last one empty) at 10 a second take at least 400ms', async () => {
  const t0 = performance.now();
  await pull('page', undefined, { more: { rate_limit: { per_second: 10 } } });
  assert.equal(api.requests.length, 5);
  assert.ok(performance.now() - t0 >= 390, `took ${performance.now() - t0}ms`);
});

test('aborting the signal cancels an in-flight request', async () => {
  api.faults = ['hang'];
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 100);
  const t0 = performance.now();
  await assert.rejects(pull('page', undefined, { signal: abort.signal }), (e: Error) => e instanceof Cancelled && /cancelled during page 1/.test(e.message));
  assert.ok(performance.now() - t0 < 1000);
});

test('an API that ignores the paging parameter fails on the repeated page instead of pulling it forever', async () => {
  const connector = httpConnector(config('offset'), {});
  api.style = 'page'; // answers page 1 whatever the offset
  const pulling = (async () => {
    for await (const _ of connector.pull(undefined, { signal: new AbortController().signal, chunkRows: 100, log: () => {} }));
  })();
  await assert.rejects(pulling, /^InvalidInput: http pull: page 2 \(.*offset=3.*\) is the same as the page before: the API does not page by paginate\.param \(offset\)/);
});
