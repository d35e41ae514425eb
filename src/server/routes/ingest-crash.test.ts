import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { queryCsv, siltOk, startSilt } from '../../testing/index.js';
import { ownerFetch } from '../../testing/serve-process.js';
import { removeDir, smallProject, tempDir } from '../../testing/pipeline-project.js';

const CLIENTS = 6;
const PUSHES_PER_CLIENT = 25;
const KILLS = 5;

interface Server {
  child: ChildProcess;
  url: string;
}

/** A real `silt serve` on any free port, once it says where it listens. */
async function startServe(dir: string): Promise<Server> {
  const child = startSilt(dir, ['serve', '--port', '0']);
  let out = '';
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = / on (http:\/\/[0-9.:]+) /.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`silt serve exited ${code} before listening:\n${out}\n${err}`)));
  });
  return { child, url };
}

function kill(server: Server, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve();
    server.child.once('exit', () => resolve());
    server.child.kill(signal);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a silt serve SIGKILLed at random moments under concurrent pushes: every push, retried with its key until acknowledged, is in bronze once', async () => {
  const root = await tempDir('push-crash');
  try {
    const dir = await smallProject(path.join(root, 'p'), 'sources:\n  iot:\n    format: ndjson\n    push: { batch_wait: 30ms }\n', {});
    let server = await startServe(dir);
    const acked = new Map<string, string>();
    let replays = 0;
    let failures = 0;
    let done = false;
    let onAck = () => {};
    const nextAck = () => new Promise<void>((resolve) => (onAck = resolve));

    const client = async (c: number) => {
      for (let n = 0; n < PUSHES_PER_CLIENT; n++) {
        const rows = 1 + ((c + n) % 3);
        const body = Array.from({ length: rows }, (_, r) => JSON.stringify({ id: `${c}-${n}-${r}`, client: c, reading: n + 0.25 })).join('\n') + '\n';
        const key = `client-${c}-push-${n}`;
        // Retried with the same key until acknowledged: through kills, restarts and 503s.
        for (;;) {
          try {
            const res = await ownerFetch(dir, `${server.url}/v1/ingest/iot`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': key } });
            const answer = (await res.json()) as { file?: string; rows?: number; replayed?: boolean };
            if (res.status === 202) {
              assert.equal(answer.rows, rows);
              if (answer.replayed) replays++;
              acked.set(key, answer.file!);
              onAck();
              break;
            }
            assert.equal(res.status, 503, `unexpected ${res.status}: ${JSON.stringify(answer)}`);
          } catch (e) {
            if (e instanceof assert.AssertionError) throw e;
            failures++;
          }
          await sleep(20);
        }
      }
    };

    const killer = async () => {
      for (let k = 0; k < KILLS && !done; k++) {
        // Killed while pushes are flowing: some time after an answer, as further batches are put.
        await nextAck();
        await sleep(Math.floor(Math.random() * 120));
        await kill(server, 'SIGKILL');
        const t0 = Date.now();
        server = await startServe(dir);
        if (process.env['SILT_E2E_TIMING']) process.stderr.write(`restart ${k}: ${Date.now() - t0} ms, ${acked.size} acknowledged\n`);
      }
    };

    const clients = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    await Promise.all([clients.finally(() => (done = true)), killer()]);
    await kill(server, 'SIGTERM');

    assert.equal(acked.size, CLIENTS * PUSHES_PER_CLIENT);
    const t0 = Date.now();
    await siltOk(dir, 'run');
    if (process.env['SILT_E2E_TIMING']) process.stderr.write(`pushes done (${failures} failed attempts, ${replays} replays); run: ${Date.now() - t0} ms\n`);
    let total = 0;
    for (let c = 0; c < CLIENTS; c++) for (let n = 0; n < PUSHES_PER_CLIENT; n++) total += 1 + ((c + n) % 3);
    const [[rows, distinct]] = (await queryCsv(dir, 'SELECT count(*), count(DISTINCT id) FROM bronze.iot')) as [[string, string]];
    assert.equal(Number(distinct), total, 'every pushed row is in bronze');
    assert.equal(Number(rows), total, `no row twice (${failures} failed attempts, ${replays} replays)`);
    assert.ok(failures > 0, 'the kills hit pushes in flight');
  } finally {
    await removeDir(root);
  }
});
