/** The server's file-arrival trigger: complete files are requested once, in batches, across restarts. */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { landingStatus, SETTLE_MS } from '../ingest/index.js';
import { openProject, type Project } from '../project/index.js';
import { removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';
import { RecordingRequester, until } from '../testing/recording-requester.js';
import { startLandingWatcher, type LandingWatcherOptions } from './landing-watcher.js';
import { pipelineConfig } from './config.js';
import { runPipeline } from './run.js';

const YAML = `
sources:
  orders: { path: orders/, format: csv }
`;

const FAST: LandingWatcherOptions = { pollMs: 50, settleMs: 200, batchWaitMs: 1000, onError: (e) => assert.fail(String(e)) };

const roots: string[] = [];
after(async () => {
  for (const r of roots) await removeDir(r);
});

async function project(): Promise<{ dir: string; project: Project }> {
  const root = await tempDir('watcher');
  roots.push(root);
  const dir = await smallProject(path.join(root, 'p'), YAML, {});
  await fs.mkdir(path.join(dir, 'lake', 'landing', 'orders'), { recursive: true });
  return { dir, project: await openProject({ projectDir: dir }) };
}

/** Files the requests named, from their reasons (`n files in landing/orders/`). */
const requestedCount = (r: RecordingRequester) => r.requests.reduce((n, q) => n + Number(/^(\d+) file/.exec(q.reason ?? '')?.[1] ?? 0), 0);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A new project watched by a watcher asking `requester`, for the time of `fn`. */
async function watched(requester: RecordingRequester, fn: (p: Project, landing: string) => Promise<void>): Promise<void> {
  const { dir, project: p } = await project();
  const watcher = startLandingWatcher(p, requester, FAST);
  try {
    await fn(p, path.join(dir, 'lake', 'landing', 'orders'));
  } finally {
    await watcher.stop();
    await p.close();
  }
}

describe('landing watcher', () => {
  test('a burst of 300 files makes one or a few requests, and files requested are not requested again', async () => {
    const requester = new RecordingRequester();
    await watched(requester, async (p) => {
      // Spread over about a second, as a copy of many small files arrives: the watcher polls in between.
      for (let i = 0; i < 300; i += 30) {
        await Promise.all(Array.from({ length: 30 }, (_, j) => p.store.put(`landing/orders/o_${String(i + j).padStart(4, '0')}.csv`, `id\n${i + j}\n`)));
        await sleep(80);
      }
      await until('all 300 files requested', () => requestedCount(requester) === 300);
      await until('every request answered', async () => (await p.catalog.landingRequests.list()).every((r) => r.jobId !== null));
      assert.ok(requester.requests.length <= 3, `${requester.requests.length} requests for one burst: ${requester.requests.map((r) => r.reason).join('; ')}`);
      for (const r of requester.requests) {
        assert.deepEqual(r.select, ['ingest.orders+']);
        assert.equal(r.trigger, 'file');
        assert.match(r.dedupeKey ?? '', /^landing:[0-9a-f]{32}$/);
        assert.match(r.reason ?? '', /^\d+ files? in landing\/orders\/$/);
      }
      const vouched = await p.catalog.landingRequests.list('orders');
      assert.equal(vouched.length, 300);
      assert.ok(vouched.every((v) => v.jobId?.startsWith('job-')), 'each file names the job its request made');
      const made = requester.requests.length;
      await sleep(400);
      assert.equal(requester.requests.length, made, 'files already requested and unchanged are not requested again');
    });
  });

  test('a file still growing is not taken until it has stopped changing', async () => {
    const requester = new RecordingRequester();
    await watched(requester, async (p, landing) => {
      const file = path.join(landing, 'big.csv');
      await fs.writeFile(file, 'id\n');
      for (let i = 0; i < 12; i++) {
        await sleep(100);
        await fs.appendFile(file, `${i}\n`);
        assert.equal(requester.requests.length, 0, `requested while still being written (append ${i})`);
      }
      const size = (await fs.stat(file)).size;
      await until('the file requested once it settled', () => requester.requests.length === 1);
      const [vouched] = await p.catalog.landingRequests.list('orders');
      assert.equal(vouched?.size, size, 'the request is for the whole file');
    });
  });

  test('a file under a temporary name is never taken; renamed, it is', async () => {
    const requester = new RecordingRequester();
    await watched(requester, async (p, landing) => {
      const partial = path.join(landing, 'x.csv.partial');
      await fs.writeFile(partial, 'id\n1\n');
      const past = new Date(Date.now() - 60_000);
      await fs.utimes(partial, past, past);
      await fs.writeFile(path.join(landing, 'y.tmp'), 'id\n2\n');
      await sleep(600);
      assert.equal(requester.requests.length, 0);
      await fs.rename(partial, partial.replace(/\.partial$/, ''));
      await until('the renamed file requested', () => requester.requests.length === 1);
      assert.deepEqual(requester.requests.map((r) => r.reason), ['1 file in landing/orders/']);
      assert.deepEqual((await p.catalog.landingRequests.list()).map((v) => v.path), ['landing/orders/x.csv']);
    });
  });

  test('after a restart, complete files not yet ingested are requested again, ingested ones not', async () => {
    const { dir, project: p } = await project();
    const landing = path.join(dir, 'lake', 'landing', 'orders');
    try {
      await fs.writeFile(path.join(landing, 'a.csv'), 'id\n1\n');
      const past = new Date(Date.now() - 60_000);
      await fs.utimes(path.join(landing, 'a.csv'), past, past);
      const run = await runPipeline(p, { select: ['ingest.orders'] });
      assert.equal(run.status, 'succeeded');
      await fs.writeFile(path.join(landing, 'b.csv'), 'id\n2\n');

      const before = new RecordingRequester();
      const first = startLandingWatcher(p, before, FAST);
      await until('b requested', () => before.requests.length === 1);
      await first.stop();
      assert.equal(before.requests[0]!.reason, '1 file in landing/orders/');
      assert.deepEqual((await p.catalog.landingRequests.list()).map((v) => v.path), ['landing/orders/b.csv'], 'a.csv is in the ledger');

      // The server stopped before the run took b.csv: the next one asks again, with the same key.
      const again = new RecordingRequester();
      const second = startLandingWatcher(p, again, FAST);
      await until('b requested again', () => again.requests.length === 1);
      await sleep(300);
      await second.stop();
      assert.equal(again.requests.length, 1);
      assert.equal(again.requests[0]!.dedupeKey, before.requests[0]!.dedupeKey, 'the same files make the same key, so the executor finds the run already made');
    } finally {
      await p.close();
    }
  });

  test('the run the watcher asks for takes the file it saw complete, without waiting for it to age', async () => {
    const { dir, project: p } = await project();
    const runs: Awaited<ReturnType<typeof runPipeline>>[] = [];
    let ageAtRequest = Infinity;
    const file = path.join(dir, 'lake', 'landing', 'orders', 'fresh.csv');
    const requester = new RecordingRequester(async (r) => {
      ageAtRequest = Date.now() - (await fs.stat(file)).mtimeMs;
      runs.push(await runPipeline(p, { select: r.select, trigger: r.trigger }));
    });
    const watcher = startLandingWatcher(p, requester, FAST);
    try {
      await fs.writeFile(file, 'id\n1\n2\n');
      await until('the run', () => runs.length === 1);
      assert.ok(ageAtRequest < SETTLE_MS, `the file was ${ageAtRequest} ms old when requested`);
      const ingest = runs[0]!.steps.find((s) => s.id === 'ingest.orders');
      assert.equal(ingest?.rowsWritten, 2, JSON.stringify(ingest));
    } finally {
      await watcher.stop();
    }
    // A young file no watcher vouched for is left by such a run (the watcher asks for it once it settles).
    await fs.writeFile(path.join(dir, 'lake', 'landing', 'orders', 'young.csv'), 'id\n3\n');
    const left = await runPipeline(p, { select: ['ingest.orders'], trigger: 'file' });
    const ingest = left.steps.find((s) => s.id === 'ingest.orders');
    assert.equal(ingest?.rowsWritten, 0);
    assert.ok(left.elapsedMs < SETTLE_MS, `a file-triggered run waited ${left.elapsedMs} ms for a young file`);
    await p.close();
  });

  test('silt landing says which files a watcher requested (and the job), which still settle, and which are done', async () => {
    const requester = new RecordingRequester();
    await watched(requester, async (p, landing) => {
      const status = async () =>
        new Map((await landingStatus(p.catalog, pipelineConfig(p.config).sources)).map((e) => [e.path.replace('landing/orders/', ''), `${e.status}: ${e.detail}`]));
      await fs.writeFile(path.join(landing, 'a.csv'), 'id\n1\n');
      await until('a requested and answered', async () => (await p.catalog.landingRequests.list()).some((r) => r.jobId !== null));
      await fs.writeFile(path.join(landing, 'b.csv'), 'id\n2\n');
      const seen = await status();
      assert.match(seen.get('a.csv') ?? '', /^requested: complete; the server's watcher asked for a run at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(job job-1\), which takes it$/);
      assert.match(seen.get('b.csv') ?? '', /^incomplete: modified in the last seconds; taken once it stops changing/);
      await runPipeline(p, { select: ['ingest.orders'], trigger: 'file' });
      assert.match((await status()).get('a.csv') ?? '', /^done: ingested on .*: 1 row$/);
    });
  });

  test('a request the executor refuses is asked again at the next poll, and the error is said once', async () => {
    const errors: string[] = [];
    let refusals = 2;
    const requester = new RecordingRequester(async () => {
      if (refusals-- > 0) throw new Error('executor: the queue is not open yet');
    });
    const { dir, project: p } = await project();
    const watcher = startLandingWatcher(p, requester, { ...FAST, onError: (e) => errors.push(String(e)) });
    try {
      await fs.writeFile(path.join(dir, 'lake', 'landing', 'orders', 'a.csv'), 'id\n1\n');
      await until('a request answered', async () => (await p.catalog.landingRequests.list()).some((r) => r.jobId !== null));
      assert.equal(requester.requests.length, 3);
      assert.deepEqual(errors, ['Error: executor: the queue is not open yet']);
    } finally {
      await watcher.stop();
      await p.close();
    }
  });
  test("a pulled source's landing files are left to its run's own pull: no request names them", async () => {
    const root = await tempDir('watcher');
    roots.push(root);
    const yaml = `${YAML}  shop:\n    pull: { kind: postgres, url: "postgres://reader@127.0.0.1:1/shop", table: customers, cursor: updated_at, key: id }\n`;
    const p = await openProject({ projectDir: await smallProject(path.join(root, 'p'), yaml, {}) });
    const requester = new RecordingRequester();
    const watcher = startLandingWatcher(p, requester, FAST);
    try {
      await p.store.put('landing/shop/pull-20261208T010203123Z-000001.ndjson.gz', 'x');
      await p.store.put('landing/orders/o.csv', 'id\n1\n');
      await until('the orders file requested', () => requestedCount(requester) === 1);
      await sleep(400);
      assert.deepEqual(requester.requests.map((r) => r.select), [['ingest.orders+']]);
    } finally {
      await watcher.stop();
      await p.close();
    }
  });
});
