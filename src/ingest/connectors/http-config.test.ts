import assert from 'node:assert/strict';
import { test } from 'node:test';
import { httpPullSchema } from './http-config.js';

const URL_ = 'https://api.example.com/v1/tickets';

/** The first problem with a pull config, as `key.path: message`, or undefined if it is accepted. */
function problem(value: Record<string, unknown>): string | undefined {
  const r = httpPullSchema.safeParse({ kind: 'http', url: URL_, ...value });
  return r.success ? undefined : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)[0];
}

test('a full http pull config is taken, durations in milliseconds and secrets as environment names', () => {
  const c = httpPullSchema.parse({
    kind: 'http',
    url: URL_,
    records: '$.data.items',
    paginate: { kind: 'page', size_param: 'per_page', size: 100 },
    auth: { bearer_env: 'TICKETS_TOKEN' },
    headers: { 'X-Api-Key': { env: 'TICKETS_KEY' }, Accept: 'application/json' },
    params: { status: 'all', limit: 5 },
    incremental: { param: 'updated_since', field: 'updated_at' },
    rate_limit: { per_second: 5 },
    retries: { max: 5, backoff: '500ms', max_backoff: 30 },
    timeout: '10s',
  });
  assert.deepEqual(c.paginate, { kind: 'page', param: 'page', start: 1, size_param: 'per_page', size: 100 });
  assert.deepEqual(c.retries, { max: 5, backoff: 500, max_backoff: 30_000 });
  assert.equal(c.timeout, 10_000);
  assert.deepEqual(c.params, { status: 'all', limit: '5' });
  assert.deepEqual(httpPullSchema.parse({ kind: 'http', url: URL_, paginate: { kind: 'offset' } }).paginate, { kind: 'offset', param: 'offset', limit_param: 'limit', limit: 100 });
});

test('a literal token, key or password is refused, saying to read it from the environment', () => {
  assert.equal(problem({ auth: { bearer: 'abc123' } }), 'auth.bearer: a token never goes in silt.yaml: write bearer_env: NAME and set NAME to the token in the environment silt runs in');
  assert.equal(problem({ headers: { 'X-Api-Key': 'abc123' } }), 'headers.X-Api-Key: a secret never goes in silt.yaml: write `X-Api-Key: { env: NAME }` under headers and set NAME in the environment silt runs in');
  assert.equal(problem({ headers: { Authorization: 'Bearer abc' } }), 'headers.Authorization: a secret never goes in silt.yaml: write `Authorization: { env: NAME }` under headers and set NAME in the environment silt runs in');
  assert.equal(problem({ params: { access_token: 'abc' } }), 'params.access_token: a secret never goes in silt.yaml: write `access_token: { env: NAME }` under params and set NAME in the environment silt runs in');
  assert.equal(problem({ url: `${URL_}?api_key=abc` }), "url: the URL's api_key= looks like a secret: remove it and write params: { api_key: { env: NAME } }");
  assert.match(problem({ url: 'https://me:pw@api.example.com/' }) ?? '', /^url: a URL without user:password@; write auth: \{ bearer_env: NAME \}/);
  assert.equal(problem({ auth: { bearer_env: 'my token' } }), 'auth.bearer_env: the name of an environment variable, e.g. API_TOKEN');
});

test('bad settings are refused naming the key and what to write', () => {
  assert.equal(problem({ url: 'ftp://api.example.com/x' }), 'url: an http:// or https:// URL (found ftp:)');
  assert.equal(problem({ url: 'tickets' }), 'url: an absolute http:// or https:// URL, e.g. https://api.example.com/v1/orders');
  assert.equal(problem({ paginate: { kind: 'pages' } }), 'paginate.kind: one of page, offset, cursor, link');
  assert.equal(problem({ paginate: { kind: 'page', size_param: 'per_page' } }), 'paginate.size: size_param and size go together, e.g. size_param: per_page, size: 100');
  assert.match(problem({ paginate: { kind: 'cursor', param: 'cursor' } }) ?? '', /^paginate\.path: /);
  assert.match(problem({ paginate: { kind: 'link', param: 'x' } }) ?? '', /^paginate: Unrecognized key: "param"/);
  assert.equal(problem({ records: 'data[0]' }), 'records: a path of keys, e.g. data or $.data.items');
  assert.equal(problem({ retries: { backoff: 'fast' } }), 'retries.backoff: a duration such as 200ms, 1s or 5m');
  assert.match(problem({ rate_limit: { per_second: 0 } }) ?? '', /^rate_limit\.per_second: /);
  assert.match(problem({ incremental: { param: 'updated_since' } }) ?? '', /^incremental\.field: /);
  assert.match(problem({ kind: 'postgres' }) ?? '', /^kind: /);
});
