/** `silt run` and `silt ingest` ask the project's running server, and print and exit as when they work alone. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ordersYaml } from '../testing/orders-yaml.js';
import { addLanding, cli, removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';
import { httpJson, startServeProcess, type ServeProcess } from '../testing/serve-process.js';

describe('the CLI with a running server', () => {
  let root: string;
  let dir: string;
  let server: ServeProcess;

  before(async () => {
    root = await tempDir('server-client');
    dir = await smallProject(path.join(root, 'p'), ordersYaml("    expectations:\n      - { rule: range, column: amount, min: 0, max: 100, policy: fail }\n"), {
      'orders/a.csv': 'id,amount\n1,10\n2,20\n',
    });
    // Files land before the server starts: its watcher would take them before the commands under test.
    server = await startServeProcess(dir, ['--no-watch']);
  });
  after(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await removeDir(root);
  });

  const jobOf = async (stdout: string): Promise<string | null> => {
    const runId = /^run (\S+) (succeeded|failed) in /m.exec(stdout)?.[1];
    assert.ok(runId, stdout);
    return (await httpJson(dir, `${server.url}/v1/runs/${runId}`, 'GET')).body.run.jobId as string | null;
  };

  test('silt run is run by the server: the same report, exit 0, and the run is the server job', async () => {
    const r = await cli(dir, 'run');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^silver\.orders\s+succeeded\s+2\s+2\s/m);
    assert.match((await jobOf(r.stdout)) ?? '', /^job-/);
  });

  test('silt ingest SOURCE is run by the server; --local and SILT_NO_SERVER=1 work alone', async () => {
    await addLanding(dir, { 'orders/b.csv': 'id,amount\n3,30\n' });
    const r = await cli(dir, 'ingest', 'orders');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ingest\.orders\s+succeeded\s+1\s+1\s/m);
    assert.match((await jobOf(r.stdout)) ?? '', /^job-/);
    const local = await cli(dir, 'run', '--local');
    assert.equal(local.code, 0, local.stderr);
    assert.equal(await jobOf(local.stdout), null, 'run in the CLI process, not by the server');
  });

  test('a failing run or an unknown step exits with the code and message it has when working alone', async () => {
    const missing = await cli(dir, 'run', '--select', 'silver.nope');
    const alone = await cli(dir, 'run', '--local', '--select', 'silver.nope');
    assert.equal(alone.code, 3);
    assert.deepEqual([missing.code, missing.stderr], [alone.code, alone.stderr]);

    await addLanding(dir, { 'orders/c.csv': 'id,amount\n4,4000\n' });
    const failed = await cli(dir, 'run');
    assert.equal(failed.code, 5, failed.stdout + failed.stderr);
    assert.match(failed.stdout, /^silver\.orders: failed: .*rule range failed/m);
    assert.match((await jobOf(failed.stdout)) ?? '', /^job-/);
  });
});
