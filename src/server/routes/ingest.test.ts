import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { OWNER } from '../../engine/index.js';
import { PushService } from '../../ingest/index.js';
import { runPipeline } from '../../pipeline/index.js';
import type { Project } from '../../project/index.js';
import { ownerApp, withApi } from '../../testing/index.js';
import { query, withSession } from '../../testing/pipeline-project.js';

const YAML = `
sources:
  iot:
    format: ndjson
    push: { batch_wait: 40ms }
  web:
    format: json
    push: { batch_wait: 40ms }
  orders:
    format: csv
    push: { batch_wait: 40ms, max_body: 1KiB }
  any:
    push: { batch_wait: 40ms }
  sheet:
    format: tsv
    push: { batch_wait: 40ms }
  parts:
    format: parquet
`;

interface Pushed {
  status: number;
  body: any;
  replayed: string | null;
}

async function push(app: OpenAPIHono, source: string, body: string | Uint8Array | ReadableStream, type?: string, key?: string): Promise<Pushed> {
  // As a client would send it: a body of known size says so.
  const headers: Record<string, string> = body instanceof ReadableStream ? {} : { 'content-length': String(new TextEncoder().encode(body as string).byteLength) };
  if (body instanceof Uint8Array) headers['content-length'] = String(body.byteLength);
  if (type) headers['content-type'] = type;
  if (key !== undefined) headers['idempotency-key'] = key;
  const res = await app.request(`/v1/ingest/${source}`, { method: 'POST', body, headers, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
  return { status: res.status, body: await res.json(), replayed: res.headers.get('idempotent-replayed') };
}

/** Every landing file of a source: key → its text (gunzipped). */
async function landed(project: Project, source: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const o of await project.store.list(`landing/${source}/`)) out.set(o.key, gunzipSync(new Uint8Array(await project.store.get(o.key))).toString('utf8'));
  return out;
}

test('NDJSON, JSON and CSV pushes are answered with their durable landing file, records kept as sent', async () => {
  await withApi({ yaml: YAML }, async (app, project) => {
    const nd = await push(app, 'iot', '{"device":"a","t":20.5}\r\n\n{"device":"b","t":21}\n', 'application/x-ndjson');
    assert.equal(nd.status, 202, JSON.stringify(nd.body));
    assert.equal(nd.body.rows, 2);
    assert.equal(nd.body.replayed, false);
    assert.match(nd.body.file, /^landing\/iot\/push-\d{8}T\d{9}Z-[0-9a-f]{8}-\d{6}\.ndjson\.gz$/);
    assert.equal((await landed(project, 'iot')).get(nd.body.file), '{"device":"a","t":20.5}\n{"device":"b","t":21}\n');

    // A pretty-printed array: each element on one line, its text as sent (a number beyond doubles stays whole).
    const array = await push(app, 'web', '[\n  {"page": "/",\n   "id": 12345678901234567890},\n  {"page": "/a", "tags": ["x", "y"]}\n]', 'application/json');
    assert.equal(array.status, 202, JSON.stringify(array.body));
    assert.equal(array.body.rows, 2);
    const one = await push(app, 'web', '{"page":"/b"}', 'application/json; charset=utf-8');
    assert.equal(one.status, 202, JSON.stringify(one.body));
    const web = [...(await landed(project, 'web')).values()].join('');
    assert.match(web, /^\{"page": "\/", {4}"id": 12345678901234567890\}$/m);
    assert.match(web, /^\{"page": "\/a", "tags": \["x", "y"\]\}$/m);
    assert.match(web, /^\{"page":"\/b"\}$/m);

    const csv = await push(app, 'orders', 'id,note\r\n1,"two\nlines"\r\n2,plain\r\n', 'text/csv');
    assert.equal(csv.status, 202, JSON.stringify(csv.body));
    assert.equal(csv.body.rows, 2);
    assert.equal((await landed(project, 'orders')).get(csv.body.file), 'id,note\n1,"two\nlines"\n2,plain\n');
    assert.match(csv.body.file, /\.csv\.gz$/);
  });
});

test('many concurrent small pushes make few files, each push answered only once its file exists', async () => {
  await withApi({ yaml: YAML }, async (app, project) => {
    const seenAtAnswer: boolean[] = [];
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        push(app, 'iot', `{"n":${i}}\n`, 'application/x-ndjson').then(async (r) => {
          seenAtAnswer.push(await project.store.exists(r.body.file));
          return r;
        }),
      ),
    );
    assert.deepEqual(answers.map((a) => a.status), Array(60).fill(202));
    assert.ok(seenAtAnswer.every(Boolean), 'a push was answered before its file was there');
    const files = await landed(project, 'iot');
    assert.ok(files.size >= 1 && files.size <= 3, `${files.size} files for 60 pushes`);
    const lines = [...files.values()].join('').split('\n').filter(Boolean).sort();
    assert.deepEqual(lines, Array.from({ length: 60 }, (_, i) => `{"n":${i}}`).sort());
    // CSV bodies share a file only under the same header.
    const csv = await Promise.all([
      push(app, 'orders', 'id,v\n1,a\n', 'text/csv'),
      push(app, 'orders', 'id,v\n2,b\n', 'text/csv'),
      push(app, 'orders', 'v,id\nc,3\n', 'text/csv'),
    ]);
    assert.equal(csv[0]!.body.file, csv[1]!.body.file);
    assert.notEqual(csv[0]!.body.file, csv[2]!.body.file);
    const orders = await landed(project, 'orders');
    assert.equal(orders.get(csv[0]!.body.file), 'id,v\n1,a\n2,b\n');
    assert.equal(orders.get(csv[2]!.body.file), 'v,id\nc,3\n');
  });
});

test('a batch closes at its size (a push that would overflow it starts the next) or at its wait', async () => {
  const yaml = `sources:\n  iot:\n    format: ndjson\n    push: { batch_wait: 1500ms, batch_bytes: 100B }\n`;
  await withApi({ yaml }, async (app, project) => {
    const line = (i: number) => `{"n":${i},"pad":"${'x'.repeat(30)}"}\n`; // 47 bytes: two fit in 100
    const started = Date.now();
    const answers = await Promise.all(
      [0, 1, 2].map((i) => push(app, 'iot', line(i), 'application/x-ndjson').then((r) => ({ ...r, ms: Date.now() - started }))),
    );
    assert.equal(answers[0]!.body.file, answers[1]!.body.file);
    assert.notEqual(answers[1]!.body.file, answers[2]!.body.file);
    assert.ok(answers[1]!.ms < 1000, `the full batch waited ${answers[1]!.ms} ms`);
    assert.ok(answers[2]!.ms >= 1400, `the last batch closed after ${answers[2]!.ms} ms, before its wait`);
    assert.equal((await landed(project, 'iot')).size, 2);
  });
});

test('an Idempotency-Key makes a retried push land once, concurrent or later; a key reused for another body is refused', async () => {
  await withApi({ yaml: YAML }, async (app, project) => {
    const first = await push(app, 'iot', '{"reading":1}\n', 'application/x-ndjson', 'k-1');
    assert.equal(first.status, 202);
    assert.equal(first.replayed, null);
    const again = await push(app, 'iot', '{"reading":1}\n', 'application/x-ndjson', 'k-1');
    assert.equal(again.status, 202);
    assert.equal(again.replayed, 'true');
    assert.deepEqual(again.body, { ...first.body, replayed: true });

    const racing = await Promise.all(Array.from({ length: 5 }, () => push(app, 'iot', '{"reading":2}\n', 'application/x-ndjson', 'k-2')));
    assert.deepEqual(racing.map((r) => r.status), Array(5).fill(202));
    assert.equal(new Set(racing.map((r) => r.body.file)).size, 1);
    assert.equal(racing.filter((r) => !r.body.replayed).length, 1);

    const files = await landed(project, 'iot');
    assert.equal([...files.values()].join('').split('\n').filter(Boolean).length, 2, 'each keyed push once');

    const reused = await push(app, 'iot', '{"reading":3}\n', 'application/x-ndjson', 'k-1');
    assert.equal(reused.status, 422);
    assert.equal(reused.body.error.code, 'idempotency_key_reused');
    assert.match(reused.body.error.message, /Idempotency-Key "k-1" was used for another body/);
    // The same key on another source is another push.
    const elsewhere = await push(app, 'web', '{"reading":1}', 'application/json', 'k-1');
    assert.equal(elsewhere.status, 202);
    assert.equal(elsewhere.body.replayed, false);
  });
});

test('after a crash between the put and the answer, a retried key finds its file; a key whose put never happened pushes anew', async () => {
  await withApi({ yaml: YAML }, async (_app, project) => {
    // What a crash leaves: keys recorded pending, one with its file put, one without.
    const put = 'landing/iot/push-20260101T000000000Z-deadbeef-000001.ndjson.gz';
    await project.store.put(put, new Uint8Array(gzipSync('{"r":1}\n')));
    const body = (r: number) => `{"r":${r}}\n`;
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    await project.catalog.pushKeys.begin([
      { source: 'iot', key: 'put-done', file: put, rows: 1, bodySha256: sha(body(1)), createdMs: Date.now() },
      { source: 'iot', key: 'never-put', file: 'landing/iot/push-20260101T000000000Z-deadbeef-000002.ndjson.gz', rows: 1, bodySha256: sha(body(2)), createdMs: Date.now() },
    ]);
    const restarted = await PushService.open(project.catalog, project.config);
    try {
      assert.equal((await project.catalog.pushKeys.get('iot', 'put-done'))?.state, 'done');
      assert.equal(await project.catalog.pushKeys.get('iot', 'never-put'), undefined);
      const app = ownerApp({ project, principalOf: () => OWNER, push: restarted });
      const retried = await push(app, 'iot', body(1), 'application/x-ndjson', 'put-done');
      assert.equal(retried.status, 202);
      assert.deepEqual(retried.body, { source: 'iot', file: put, rows: 1, replayed: true });
      const anew = await push(app, 'iot', body(2), 'application/x-ndjson', 'never-put');
      assert.equal(anew.status, 202);
      assert.equal(anew.body.replayed, false);
      assert.notEqual(anew.body.file, put);
      assert.equal((await landed(project, 'iot')).size, 2);
    } finally {
      await restarted.close();
    }
  });
});

test('bad pushes get a 4xx JSON error naming what is wrong, and write nothing', async () => {
  await withApi({ yaml: YAML }, async (app, project) => {
    const cases: [string, string, string | Uint8Array | ReadableStream, string | undefined, number, string, RegExp][] = [
      ['unknown source', 'iott', '{"a":1}\n', 'application/x-ndjson', 404, 'source_not_found', /no source iott in silt\.yaml \(did you mean iot\?\)/],
      ['empty body', 'iot', '', 'application/x-ndjson', 400, 'empty_body', /source iot: the body is empty/],
      ['blank body', 'iot', '\n  \n', 'application/x-ndjson', 400, 'empty_body', /the body is empty/],
      ['empty array', 'web', '[]', 'application/json', 400, 'empty_body', /the array holds no record/],
      ['header only', 'orders', 'id,v\n', 'text/csv', 400, 'empty_body', /a header but no record/],
      ['malformed NDJSON', 'iot', '{"a":1}\n{"a":2}\n{"a":3,}\n', 'application/x-ndjson', 400, 'bad_push_body', /source iot: line 3, column \d+: malformed JSON/],
      ['NDJSON line not an object', 'iot', '{"a":1}\n[1,2]\n', 'application/x-ndjson', 400, 'bad_push_body', /line 2: an array, not an object/],
      ['malformed JSON', 'web', '[\n {"a":1},\n {"a" 2}\n]', 'application/json', 400, 'bad_push_body', /source web: line 3, column \d+: malformed JSON/],
      ['cut JSON', 'web', '[{"a":1}', 'application/json', 400, 'bad_push_body', /line 1, column 9: malformed JSON/],
      ['array of scalars', 'web', '[{"a":1}, 2]', 'application/json', 400, 'bad_push_body', /element 2 of the array is a number, not an object/],
      ['unclosed CSV quote', 'orders', 'id,v\n1,"open\n2,b\n', 'text/csv', 400, 'bad_push_body', /line 2: a quoted field opened here is never closed/],
      ['not UTF-8', 'iot', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d, 0x0a]), 'application/x-ndjson', 400, 'bad_push_body', /not UTF-8/],
      ['no content type', 'iot', '{"a":1}\n', undefined, 415, 'unsupported_media_type', /source iot \(its format is ndjson\) takes Content-Type application\/json, application\/x-ndjson/],
      ['text/plain', 'any', 'hello', 'text/plain', 415, 'unsupported_media_type', /source any takes Content-Type .*text\/csv.*; got text\/plain/],
      ['CSV to an ndjson source', 'iot', 'a\n1\n', 'text/csv', 415, 'unsupported_media_type', /source iot \(its format is ndjson\).*got text\/csv/],
      ['JSON to a CSV source', 'orders', '{"a":1}', 'application/json', 415, 'unsupported_media_type', /source orders \(its format is csv\) takes Content-Type text\/csv; got application\/json/],
      ['a parquet source', 'parts', '{"a":1}', 'application/json', 415, 'unsupported_media_type', /source parts takes parquet files, which cannot be pushed/],
      ['over the limit', 'orders', `id,v\n${'1,x\n'.repeat(400)}`, 'text/csv', 413, 'payload_too_large', /source orders: the body is 1605 bytes, over the 1024 bytes it takes \(push\.max_body/],
      ['over the limit, streamed', 'orders', stream(`id,v\n`, '1,x\n'.repeat(300), '1,x\n'.repeat(300)), 'text/csv', 413, 'payload_too_large', /source orders: the body is over the 1024 bytes it takes/],
    ];
    // The type is refused before the body is read: a body over the limit of the wrong type is a 415.
    cases.push(['over the limit, wrong type', 'orders', 'x'.repeat(4096), 'application/json', 415, 'unsupported_media_type', /takes Content-Type text\/csv/]);
    for (const [what, source, body, type, status, code, message] of cases) {
      const r = await push(app, source, body, type);
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code, what);
      assert.match(r.body.error.message, message, what);
    }
    const keyTooLong = await push(app, 'iot', '{"a":1}\n', 'application/x-ndjson', 'k'.repeat(256));
    assert.equal(keyTooLong.status, 400);
    assert.match(keyTooLong.body.error.message, /idempotency-key/);
    assert.deepEqual(await project.store.list('landing/'), [], 'nothing written');
  });
});

function stream(...parts: string[]): ReadableStream {
  return new ReadableStream({
    pull(controller) {
      const next = parts.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(next));
    },
  });
}

test('a batch whose file cannot be put fails each of its pushes with 503, and their keys stay free', async () => {
  await withApi({ yaml: YAML }, async (app, project, dir) => {
    // The source's landing folder is a file: every put under it fails.
    const folder = path.join(dir, 'lake', 'landing', 'iot');
    await fs.writeFile(folder, 'not a folder');
    const failed = await Promise.all([push(app, 'iot', '{"a":1}\n', 'application/x-ndjson', 'k'), push(app, 'iot', '{"a":2}\n', 'application/x-ndjson')]);
    for (const r of failed) {
      assert.equal(r.status, 503, JSON.stringify(r.body));
      assert.match(r.body.error.message, /push: source iot: cannot write landing\/iot\/push-.*; nothing was written, retry/);
    }
    assert.equal(await project.catalog.pushKeys.get('iot', 'k'), undefined);
    await fs.rm(folder);
    const retried = await push(app, 'iot', '{"a":1}\n', 'application/x-ndjson', 'k');
    assert.equal(retried.status, 202);
    assert.equal(retried.body.replayed, false);
  });
});

test('pushed records reach bronze once each: identical batches too, replays never', async () => {
  await withApi({ yaml: YAML }, async (app, project) => {
    // The same reading pushed twice, in two batches: two files with the same records, both ingested.
    for (let i = 0; i < 2; i++) assert.equal((await push(app, 'iot', '{"device":"a","t":1}\n', 'application/x-ndjson')).status, 202);
    assert.equal((await push(app, 'iot', '{"device":"b","t":2}\n', 'application/x-ndjson', 'once')).status, 202);
    assert.equal((await push(app, 'iot', '{"device":"b","t":2}\n', 'application/x-ndjson', 'once')).body.replayed, true);
    assert.equal((await push(app, 'web', '[{"page":"/","n":1},{"page":"/x","n":2}]', 'application/json')).status, 202);
    assert.equal((await push(app, 'orders', 'id,v\n1,"a\nb"\n2,c\n', 'text/csv')).status, 202);
    assert.equal((await push(app, 'sheet', 'k\tv\nx\t1\n', 'text/tab-separated-values')).status, 202);
    const run = await runPipeline(project, { select: ['iot', 'web', 'orders', 'sheet'] });
    for (const s of run.steps) assert.equal(s.status, 'succeeded', `${s.id}: ${s.error ?? ''}`);
    await withSession(project, async (sql) => {
      assert.deepEqual(await query(sql, 'SELECT device, CAST(t AS VARCHAR) FROM bronze.iot ORDER BY 1'), [['a', '1'], ['a', '1'], ['b', '2']]);
      assert.deepEqual(await query(sql, 'SELECT page, CAST(n AS VARCHAR) FROM bronze.web ORDER BY 2'), [['/', '1'], ['/x', '2']]);
      assert.deepEqual(await query(sql, 'SELECT id, v FROM bronze.orders ORDER BY 1'), [['1', 'a\nb'], ['2', 'c']]);
      assert.deepEqual(await query(sql, 'SELECT k, v FROM bronze.sheet'), [['x', '1']]);
    });
    // A second run finds nothing new.
    await runPipeline(project, { select: ['iot'] });
    await withSession(project, async (sql) => assert.deepEqual(await query(sql, 'SELECT count(*) FROM bronze.iot'), [['3']]));
  });
});

test('closing the push service (the server stopping) writes the open batches at once and takes no more pushes', async () => {
  const yaml = `sources:\n  iot:\n    format: ndjson\n    push: { batch_wait: 30s }\n`;
  await withApi({ yaml }, async (_app, project) => {
    const service = await PushService.open(project.catalog, project.config);
    const app = ownerApp({ project, principalOf: () => OWNER, push: service });
    const started = Date.now();
    const waiting = push(app, 'iot', '{"a":1}\n', 'application/x-ndjson');
    await new Promise((r) => setTimeout(r, 50));
    await service.close();
    const answer = await waiting;
    assert.equal(answer.status, 202);
    assert.ok(Date.now() - started < 10_000, 'answered by the close, not the 30 s wait');
    assert.ok(await project.store.exists(answer.body.file));
    const late = await push(app, 'iot', '{"a":2}\n', 'application/x-ndjson');
    assert.equal(late.status, 503);
    assert.equal(late.body.error.code, 'server_stopping');
  });
});

test('an idempotency key is forgotten after its retention: a push retried after it is a new push', async () => {
  await withApi({ yaml: YAML }, async (app, project) => {
    const first = await push(app, 'iot', '{"a":1}\n', 'application/x-ndjson', 'old');
    assert.equal(first.status, 202);
    const kept = await PushService.open(project.catalog, project.config, { keyRetentionMs: 60_000 });
    await kept.close();
    assert.equal((await project.catalog.pushKeys.get('iot', 'old'))?.state, 'done', 'kept within its retention');
    await new Promise((r) => setTimeout(r, 20));
    const later = await PushService.open(project.catalog, project.config, { keyRetentionMs: 10 });
    try {
      assert.equal(await project.catalog.pushKeys.get('iot', 'old'), undefined);
      const again = await push(ownerApp({ project, principalOf: () => OWNER, push: later }), 'iot', '{"a":1}\n', 'application/x-ndjson', 'old');
      assert.equal(again.status, 202);
      assert.equal(again.body.replayed, false);
      assert.notEqual(again.body.file, first.body.file);
    } finally {
      await later.close();
    }
  });
});

test('a push to a pulled source is refused naming it, and lands nothing', async () => {
  const yaml = `
sources:
  shop:
    pull: { kind: postgres, url: "postgres://reader@127.0.0.1:1/shop", table: customers, cursor: updated_at, key: id }
`;
  await withApi({ yaml }, async (app, project) => {
    const r = await push(app, 'shop', '{"id":1}\n', 'application/x-ndjson');
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'source_pulled');
    assert.match(r.body.error.message, /push: source shop is pulled \(its pull: in silt\.yaml\), so it takes no pushes/);
    assert.equal((await landed(project, 'shop')).size, 0);
  });
});
