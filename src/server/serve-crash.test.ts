/**
 * A real `silt serve` killed with SIGKILL at random moments while everything reaches it at once:
 * HTTP pushes with idempotency keys (retried until acknowledged), files renamed into landing (the
 * watcher asks for their runs), `POST /v1/runs` with dedupe keys (asked again when unanswered) and
 * a schedule ticking every second. After the restarts settle, every acknowledged push and every
 * landed file is in bronze once (and in silver and gold as the contracts say), and every request —
 * each dedupe key, each schedule tick — has exactly one job, succeeded with one completed run.
 * The kill times are random (SILT_TEST_SEED replays them); what is asserted is not.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openProject } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { query, removeDir, rewritePipelineYaml, smallProject, tempDir, withSession } from '../testing/pipeline-project.js';
import { httpJson, ownerFetch, startServeProcess, type ServeProcess } from '../testing/serve-process.js';

const KILLS = 6;
const ORDER_ROWS_PER_FILE = 3;
const PUSH_CLIENTS = 3;

const IOT = `  iot:
    source: bronze.iot
    key: id
    columns:
      id: { type: string }
      reading: { type: double }
`;
const pipeline = (schedule: boolean) =>
  ordersYaml(`${IOT}${schedule ? 'schedules:\n  tick: { cron: "* * * * * *" }\n' : ''}`, '  iot: { path: iot/, format: ndjson, push: { batch_wait: 30ms } }\n');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('SIGKILL at random moments under pushes, landed files, requested runs and a schedule: after restarts each is in bronze once and each request has one completed run', async () => {
  const root = await tempDir('serve-crash');
  const dir = await smallProject(path.join(root, 'p'), pipeline(true), {}, { 'total.sql': 'SELECT count(*) AS n, sum(amount) AS amount FROM silver.orders' });
  const seed = Number(process.env['SILT_TEST_SEED'] ?? Date.now() % 100_000);
  let state = seed;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const kills: number[] = [];
  const why = () => `seed ${seed}, kills at ${kills.join(', ')} ms`;
  let server: ServeProcess | undefined;
  let url = ''; // empty while no server listens
  let producing = true;

  const pushed = new Map<string, number>(); // idempotency key → rows, once acknowledged
  let pushIds = 0;
  const pusher = async (c: number): Promise<void> => {
    for (let n = 0; producing; n++) {
      const rows = 1 + ((c + n) % 3);
      const body = Array.from({ length: rows }, () => JSON.stringify({ id: `p${++pushIds}`, reading: n + 0.5 })).join('\n') + '\n';
      const key = `client-${c}-push-${n}`;
      // Retried with the same key until acknowledged: through kills, restarts and 503s.
      for (;;) {
        if (url) {
          try {
            const res = await ownerFetch(dir, `${url}/v1/ingest/iot`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': key } });
            const answer = (await res.json()) as { rows?: number };
            if (res.status === 202) {
              assert.equal(answer.rows, rows);
              pushed.set(key, rows);
              break;
            }
            assert.equal(res.status, 503, `push ${key}: ${res.status} ${JSON.stringify(answer)}`);
          } catch (e) {
            if (e instanceof assert.AssertionError) throw e;
          }
        }
        await sleep(30);
      }
      await sleep(20);
    }
  };

  let orderIds = 0;
  const dropper = async (): Promise<void> => {
    for (let f = 0; producing; f++) {
      const rows = Array.from({ length: ORDER_ROWS_PER_FILE }, () => `${++orderIds},${orderIds * 10}`);
      const file = path.join(dir, 'lake', 'landing', 'orders', `f${f}.csv`);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(`${file}.partial`, `id,amount\n${rows.join('\n')}\n`);
      await fs.rename(`${file}.partial`, file);
      await sleep(150 + random() * 300);
    }
  };

  const asked = new Map<string, string>(); // dedupe key → job id, once acknowledged
  const unanswered: string[] = [];
  const ask = async (key: string): Promise<boolean> => {
    if (!url) return false;
    try {
      const r = await httpJson(dir, `${url}/v1/runs`, 'POST', { dedupeKey: key, reason: 'crash test' });
      if (r.status === 503) return false;
      assert.ok(r.status === 202 || r.status === 200, `run ${key}: ${r.status} ${JSON.stringify(r.body)}`);
      asked.set(key, r.body.jobId as string);
      return true;
    } catch (e) {
      if (e instanceof assert.AssertionError) throw e;
      return false;
    }
  };
  const requester = async (): Promise<void> => {
    for (let n = 0; producing; n++) {
      // A request left unanswered is asked again, with the same key, before a new one.
      for (const key of unanswered.splice(0)) if (!(await ask(key))) unanswered.push(key);
      if (!(await ask(`ask-${n}`))) unanswered.push(`ask-${n}`);
      await sleep(200 + random() * 300);
    }
  };

  try {
    server = await startServeProcess(dir, ['--retries', '0']);
    url = server.url;
    const producers = Promise.all([...Array.from({ length: PUSH_CLIENTS }, (_, c) => pusher(c)), dropper(), requester()]);
    for (let k = 0; k < KILLS; k++) {
      const killAt = 300 + Math.floor(random() * 3_700);
      await sleep(killAt);
      kills.push(killAt);
      server.child.kill('SIGKILL');
      await server.exited;
      url = '';
      server = await startServeProcess(dir, ['--retries', '0']);
      url = server.url;
    }
    producing = false;
    await producers;
    for (const key of unanswered.splice(0)) assert.ok(await ask(key), `run ${key} acknowledged at last (${why()})`);
    server.child.kill('SIGKILL');
    await server.exited;
    url = '';

    // The last start, with the schedule gone so the queue can empty: it finishes what was asked.
    const ticksFired = await firedTicks(dir);
    await rewritePipelineYaml(dir, pipeline(false));
    server = await startServeProcess(dir, ['--retries', '0']);
    const project = await openProject({ projectDir: dir });
    try {
      const deadline = Date.now() + 45_000;
      for (;;) {
        const open = await project.catalog.jobs.list({ status: ['queued', 'running'] });
        const { body } = await httpJson(dir, `${server.url}/v1/landing`, 'GET');
        const counts = body.counts as Record<string, number>;
        const waiting = counts['pending']! + counts['requested']! + counts['incomplete']!;
        if (open.length === 0 && waiting === 0) break;
        assert.ok(Date.now() < deadline, `still ${open.length} jobs open and ${waiting} landing files waiting (${why()})`);
        await sleep(200);
      }
    } finally {
      await project.close();
    }
    server.child.kill('SIGTERM');
    const stopped = await server.exited;
    assert.equal(stopped.code, 0, stopped.stderr);
    server = undefined;

    const keys = jobKeys(dir);
    const after = await openProject({ projectDir: dir });
    try {
      // Requests' jobs; the ingest tasks a run queues for its workers make no run of their own.
      const jobs = (await after.catalog.jobs.list({ limit: 100_000 })).filter((j) => j.request.task !== 'ingest-files');
      if (process.env['SILT_E2E_TIMING']) {
        const attempts = jobs.filter((j) => j.attempts > 1).length;
        process.stderr.write(`${pushed.size} pushes, ${orderIds / ORDER_ROWS_PER_FILE} files, ${asked.size} asks, ${keys.size} keys, ${jobs.length} jobs (${attempts} taken again); ${why()}\n`);
      }
      assert.ok(jobs.length > 0);
      for (const job of jobs) {
        assert.equal(job.status, 'succeeded', `job ${job.jobId} (${job.request.trigger}): ${JSON.stringify(job)} (${why()})`);
        const completed = (await after.catalog.runLog.runsOfJob(job.jobId)).filter((r) => r.status === 'succeeded');
        assert.equal(completed.length, 1, `job ${job.jobId} (${job.request.trigger}): one completed run, found ${completed.length} (${why()})`);
      }
      for (const [key, jobId] of asked) assert.equal(keys.get(key), jobId, `${key} is its acknowledged job (${why()})`);
      const tickKeys = [...keys.keys()].filter((k) => k.startsWith('schedule:tick:'));
      assert.ok(tickKeys.length >= KILLS, `the schedule ticked (${tickKeys.length} ticks; ${why()})`);
      for (const tick of ticksFired) assert.ok(keys.has(`schedule:tick:${tick}`), `tick ${tick} has its job (${why()})`);

      const [orders] = await withSession(after, (sql) => query(sql, 'SELECT count(*), count(DISTINCT id), min(CAST(id AS BIGINT)), max(CAST(id AS BIGINT)) FROM bronze.orders'));
      assert.deepEqual(orders, [String(orderIds), String(orderIds), '1', String(orderIds)], `each landed file's rows in bronze once (${why()})`);
      const pushedRows = [...pushed.values()].reduce((a, b) => a + b, 0);
      const [iot] = await withSession(after, (sql) => query(sql, 'SELECT count(*), count(DISTINCT id) FROM bronze.iot'));
      assert.deepEqual(iot, [String(pushedRows), String(pushedRows)], `each acknowledged push in bronze once (${why()})`);
      const downstream = await withSession(after, (sql) =>
        query(sql, 'SELECT (SELECT count(*) FROM silver.orders), (SELECT count(*) FROM silver.iot), (SELECT n FROM gold.total), (SELECT CAST(amount AS BIGINT) FROM gold.total)'),
      );
      assert.deepEqual(downstream, [[String(orderIds), String(pushedRows), String(orderIds), String((10 * orderIds * (orderIds + 1)) / 2)]], why());
    } finally {
      await after.close();
    }
  } finally {
    producing = false;
    server?.child.kill('SIGKILL');
    await server?.exited;
    await removeDir(root);
  }
});

/** The dedupe keys the metadata store holds, each with its job. */
function jobKeys(dir: string): Map<string, string> {
  const db = new Database(path.join(dir, '.silt', 'catalog.db'), { readonly: true });
  try {
    const rows = db.prepare('SELECT dedupe_key, job_id FROM silt_job_keys').all() as { dedupe_key: string; job_id: string }[];
    return new Map(rows.map((r) => [r.dedupe_key, r.job_id]));
  } finally {
    db.close();
  }
}

/** The tick the scheduler last recorded as fired (ISO), if any: it must have asked for its run. */
async function firedTicks(dir: string): Promise<string[]> {
  const project = await openProject({ projectDir: dir });
  try {
    const fire = await project.catalog.scheduleFires.get('tick');
    return fire?.lastFireMs ? [new Date(fire.lastFireMs).toISOString()] : [];
  } finally {
    await project.close();
  }
}
