/**
 * A run on S3 (SeaweedFS) + PostgreSQL, its ingest spread over three `silt worker`s, while the
 * PostgreSQL server is restarted and then the S3 server is killed and started again: the run
 * completes once they are back (workers and serve reconnect; steps and ingest tasks that met the
 * outage are tried again), every file is in bronze exactly once and the tables equal a run in one
 * process. The test's own servers are restarted, never the suite's shared ones.
 */
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { test } from 'node:test';
import { ownPostgres } from '../catalog/postgres-test-support.js';
import { placeDemo } from '../demo/index.js';
import { runPipeline } from '../pipeline/index.js';
import { openProject, type Project } from '../project/index.js';
import { ownSeaweedfs, testBucket, TEST_CREDENTIALS } from '../storage/s3-test-support.js';
import { assertIngestedOnce, fleetLanding, startFleet, type Fleet } from '../testing/fleet-landing.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';

const FILES = 16;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a run through three workers on S3 + PostgreSQL completes across a PostgreSQL restart and an S3 server restart, each file in bronze once', { timeout: 240_000 }, async () => {
  const pg = ownPostgres();
  const s3 = await ownSeaweedfs();
  const bucket = await testBucket(s3.endpoint);
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_S3: s3.endpoint,
  });
  const root = await tempDir('fleet-restarts');
  const landing = fleetLanding(FILES);
  const here = await openProject({ projectDir: await smallProject(path.join(root, 'here'), ordersYaml(), landing) });
  const dir = await smallProject(path.join(root, 'fleet'), ordersYaml(), landing);
  await placeDemo(dir, { storage: `s3://${bucket}/${randomUUID()}`, catalog: pg.uri });
  await appendFile(path.join(dir, 'silt.yaml'), '\nserve:\n  ingest_task_files: 2\n');
  const p: Project = await openProject({ projectDir: dir });
  let fleet: Fleet | undefined;
  try {
    assert.equal((await runPipeline(here, {})).status, 'succeeded');
    fleet = await startFleet(dir, 'restarts');
    const { server, workers, jobId, said } = fleet;
    const job = async () => p.catalog.jobs.get(jobId).catch(() => undefined);

    // Once the run is under way: PostgreSQL down for 2 s, then the S3 server for 2 s, the run still going on at each.
    const running = async (what: string) => assert.equal((await job())?.status, 'running', `the run is still going on when ${what}`);
    for (let j = await job(); j?.status !== 'running'; j = await job()) await sleep(100);
    await sleep(500);
    await running('PostgreSQL stops');
    await pg.restart(2);
    await running('the S3 server is killed');
    await s3.kill();
    await sleep(2_000);
    await s3.start();

    const deadline = Date.now() + 90_000;
    for (let j = await job(); !j || !['succeeded', 'failed', 'cancelled'].includes(j.status); j = await job()) {
      assert.ok(Date.now() < deadline, `the run did not end in time; the workers said:\n${said()}`);
      await sleep(300);
    }
    const ended = (await p.catalog.jobs.get(jobId))!;
    assert.equal(ended.status, 'succeeded', `${JSON.stringify(ended.error ?? ended.result)}\n${said()}`);
    for (const w of workers) assert.equal(w.child.exitCode, null, `${w.name} is still running after the restarts:\n${w.stderr()}`);
    assert.equal(server.child.exitCode, null, 'silt serve is still running after the restarts');

    await assertIngestedOnce(p, here, FILES);
  } finally {
    await fleet?.stop();
    await p.close();
    await here.close();
    pg.stop();
    await removeDir(root);
  }
});
