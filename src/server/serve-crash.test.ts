/**
 * A real `silt serve` killed with SIGKILL at random moments while runs are asked of it, and
 * restarted: every request a server acknowledged ends in exactly one completed run, and bronze
 * holds each landed file once.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { openProject } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { addLanding, query, removeDir, smallProject, tempDir, withSession } from '../testing/pipeline-project.js';
import { httpJson, startServeProcess, type ServeProcess } from '../testing/serve-process.js';

const ROUNDS = 5;
const REQUESTS_PER_ROUND = 3;
const ROWS_PER_FILE = 3;

test('SIGKILL at random moments while runs are asked: after restarts each request has one completed run and bronze each file once', async () => {
  const root = await tempDir('serve-crash');
  const dir = await smallProject(path.join(root, 'p'), ordersYaml(), {});
  const seed = Number(process.env['SILT_TEST_SEED'] ?? Date.now() % 100_000);
  let state = seed;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const acked = new Map<string, string>(); // dedupe key → job id
  const pending: string[] = []; // keys asked of a server that died before it answered
  let ids = 0;
  let server: ServeProcess | undefined;
  const kills: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      server = await startServeProcess(dir, ['--retries', '0']);
      const s = server;
      const killAt = Math.floor(random() * 2_500);
      const killer = new Promise<void>((resolve) =>
        setTimeout(() => {
          s.child.kill('SIGKILL');
          kills.push(killAt);
          resolve();
        }, killAt),
      );
      const ask = async (key: string): Promise<void> => {
        try {
          const r = await httpJson(`${s.url}/v1/runs`, 'POST', { dedupeKey: key, reason: `round ${round}` });
          assert.ok(r.status === 202 || r.status === 200, JSON.stringify(r.body));
          acked.set(key, r.body.jobId as string);
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          pending.push(key); // the server died first: the client asks again later, with the same key
        }
      };
      // Requests left unanswered by the last server are asked again of this one.
      for (const key of pending.splice(0)) await ask(key);
      for (let i = 0; i < REQUESTS_PER_ROUND; i++) {
        const rows = Array.from({ length: ROWS_PER_FILE }, () => `${++ids},${ids * 10}`);
        await addLanding(dir, { [`orders/r${round}_${i}.csv`]: `id,amount\n${rows.join('\n')}\n` });
        await ask(`request-${round}-${i}`);
        await new Promise((r) => setTimeout(r, random() * 400));
      }
      await killer;
      await s.exited;
    }
    // The last start: everything asked is finished, nothing new is asked.
    server = await startServeProcess(dir);
    for (const key of pending.splice(0)) {
      const r = await httpJson(`${server.url}/v1/runs`, 'POST', { dedupeKey: key });
      acked.set(key, r.body.jobId as string);
    }
    const deadline = Date.now() + 40_000;
    for (const jobId of new Set(acked.values())) {
      for (;;) {
        const { body } = await httpJson(`${server.url}/v1/jobs/${jobId}`, 'GET');
        if (body.finishedMs !== null) break;
        assert.ok(Date.now() < deadline, `job ${jobId} did not end: ${JSON.stringify(body)} (seed ${seed}, kills at ${kills.join(', ')} ms)`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    server.child.kill('SIGTERM');
    const stopped = await server.exited;
    assert.equal(stopped.code, 0, stopped.stderr);
    server = undefined;

    const project = await openProject({ projectDir: dir });
    try {
      const why = `seed ${seed}, kills at ${kills.join(', ')} ms`;
      assert.equal(acked.size, ROUNDS * REQUESTS_PER_ROUND, `every request was acknowledged in the end (${why})`);
      for (const [key, jobId] of acked) {
        const job = await project.catalog.jobs.get(jobId);
        assert.equal(job?.status, 'succeeded', `${key}: ${JSON.stringify(job)} (${why})`);
        const completed = (await project.catalog.runLog.runsOfJob(jobId)).filter((r) => r.status === 'succeeded');
        assert.equal(completed.length, 1, `${key}: one completed run, found ${completed.length} (${why})`);
      }
      const counts = await withSession(project, (sql) => query(sql, 'SELECT id, count(*) FROM bronze.orders GROUP BY id ORDER BY CAST(id AS BIGINT)'));
      const expected = Array.from({ length: ids }, (_, i) => [String(i + 1), '1']);
      assert.deepEqual(counts, expected, `each landed row in bronze once (${why})`);
      const silver = await withSession(project, (sql) => query(sql, 'SELECT count(*) FROM silver.orders'));
      assert.deepEqual(silver, [[String(ids)]]);
    } finally {
      await project.close();
    }
  } finally {
    server?.child.kill('SIGKILL');
    await server?.exited;
    await removeDir(root);
  }
});
