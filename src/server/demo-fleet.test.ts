/**
 * The demo on S3 (SeaweedFS) + PostgreSQL, run by `silt serve --no-execute` and three `silt
 * worker`s, gives every table (bronze, rejects, silver, quarantine, gold) row for row as the demo
 * run in one process on the embedded defaults, and PyIceberg (its SQL catalog on the PostgreSQL
 * database) reads them from S3. Only what records when or in which run a row was
 * written is left out of the comparison: the columns `_ingested_at`, `_batch_id`, `_batch_key`,
 * `batch_id`, `run_id`, `quarantined_at`, `rejected_at`, and the bronze row's `_batch_id` that a
 * quarantine row's original values carry.
 */
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { onFreshPostgres } from '../catalog/postgres-test-support.js';
import { placeDemo } from '../demo/index.js';
import { runPipeline } from '../pipeline/index.js';
import { openProject, type Project } from '../project/index.js';
import { s3Server, testBucket, TEST_CREDENTIALS } from '../storage/s3-test-support.js';
import { demoProject, removeDir, rowsByColumnName, tempDir } from '../testing/pipeline-project.js';
import { pyicebergRead } from '../testing/pyiceberg.js';
import { httpJson, startServeProcess, startWorkerProcess, type ServeProcess, type WorkerProcess } from '../testing/serve-process.js';

const ROWS = Number(process.env['SILT_TEST_DEMO_FLEET_ROWS'] ?? 2_000);
const SEED = 42;

/** A table's rows as rowsByColumnName gives them, without the batch id inside a quarantine row's original values. */
async function rowsOf(p: Project, table: string): Promise<string[]> {
  return (await rowsByColumnName(p, table)).map((r) => r.replace(/\\"_batch_id\\":\\"[^\\]*\\"/g, '\\"_batch_id\\":…'));
}

async function tableNames(p: Project): Promise<string[]> {
  return (await p.catalog.listTables()).map((t) => `${t.namespace}.${t.name}`).sort();
}

test('the demo on S3 + PostgreSQL through three silt workers holds every table row for row as on the embedded defaults', { timeout: 600_000 }, () =>
  onFreshPostgres(async (catalogUri) => {
    const endpoint = await s3Server('seaweedfs');
    const bucket = await testBucket(endpoint);
    // placeDemo and the child processes reach the S3 server through the SDK's usual environment.
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: endpoint,
    });
    const root = await tempDir('demo-fleet');
    const embedded = await openProject({ projectDir: (await demoProject(path.join(root, 'embedded'), { rows: ROWS, seed: SEED })).dir });
    const fleetDir = (await demoProject(path.join(root, 'fleet'), { rows: ROWS, seed: SEED })).dir;
    await placeDemo(fleetDir, { storage: `s3://${bucket}/${randomUUID()}`, catalog: catalogUri });
    await appendFile(path.join(fleetDir, 'silt.yaml'), '\nserve:\n  ingest_task_files: 1\n');
    const fleet = await openProject({ projectDir: fleetDir });
    let server: ServeProcess | undefined;
    const workers: WorkerProcess[] = [];
    try {
      let t0 = Date.now();
      assert.equal((await runPipeline(embedded, {})).status, 'succeeded');
      const embeddedMs = Date.now() - t0;

      t0 = Date.now();
      server = await startServeProcess(fleetDir, ['--no-execute', '--no-watch']);
      for (const n of [1, 2, 3]) workers.push(startWorkerProcess(fleetDir, `w${n}`));
      const asked = await httpJson(fleetDir, `${server.url}/v1/runs`, 'POST', { dedupeKey: 'demo-fleet' });
      assert.equal(asked.status, 202, JSON.stringify(asked.body));
      const jobId = asked.body.jobId as string;
      const deadline = Date.now() + 400_000;
      for (;;) {
        const job = await fleet.catalog.jobs.get(jobId);
        if (job && ['succeeded', 'failed', 'cancelled'].includes(job.status)) break;
        assert.ok(Date.now() < deadline, `the run did not end in time:\n${workers.map((w) => w.stderr()).join('\n')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const job = (await fleet.catalog.jobs.get(jobId))!;
      assert.equal(job.status, 'succeeded', `${JSON.stringify(job)}\n${workers.map((w) => w.stderr()).join('\n')}`);
      const fleetMs = Date.now() - t0;
      process.stderr.write(`demo of ${ROWS} orders: embedded ${embeddedMs} ms, S3 + PostgreSQL with three workers ${fleetMs} ms\n`);

      const names = await tableNames(embedded);
      assert.deepEqual(await tableNames(fleet), names, 'the same tables');
      for (const ns of ['bronze', 'silver', 'gold']) assert.ok(names.some((n) => n.startsWith(`${ns}.`)), `${ns} tables exist`);
      const differ: string[] = [];
      for (const t of names) {
        const [a, b] = [await rowsOf(fleet, t), await rowsOf(embedded, t)];
        if (JSON.stringify(a) !== JSON.stringify(b)) {
          const onlyA = a.filter((r) => !b.includes(r)).slice(0, 3);
          const onlyB = b.filter((r) => !a.includes(r)).slice(0, 3);
          differ.push(`${t}: ${a.length - 1} rows vs ${b.length - 1} embedded; only on S3 + PostgreSQL: ${onlyA.join(' ')}; only embedded: ${onlyB.join(' ')}`);
        }
      }
      assert.deepEqual(differ, [], 'every table as on the embedded defaults');

      for (const t of ['bronze.orders', 'silver.orders', 'gold.daily_sales']) {
        const read = await pyicebergRead(fleetDir, t, path.join(root, `${t}.parquet`));
        assert.equal(read.rows, (await rowsOf(embedded, t)).length - 1, `${t}: PyIceberg reads from S3, through the catalog in PostgreSQL, the rows of the embedded run`);
      }
    } finally {
      for (const w of workers) w.child.kill('SIGKILL');
      server?.child.kill('SIGKILL');
      await Promise.all([server?.exited, ...workers.map((w) => w.exited)]);
      await fleet.close();
      await embedded.close();
      await removeDir(root);
    }
  }),
);
