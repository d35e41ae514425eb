/** One run at a time: a run started while another is in progress runs nothing and says which run holds it. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { CommitConflict } from '../errors.js';
import { openProject, type Project } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { runPipeline } from './run.js';
import { assertReconciled, cli, removeDir, smallProject, tempDir } from '../testing/pipeline-project.js';

describe('a run while another is in progress', () => {
  let root: string;
  let dir: string;
  let project: Project;

  before(async () => {
    root = await tempDir('run-exclusive');
    dir = await smallProject(path.join(root, 'p'), ordersYaml(), { 'orders/a.csv': 'id,amount\n1,2.5\n2,3\n' });
    project = await openProject({ projectDir: dir });
    await project.catalog.runLog.start({ runId: 'holder', trigger: 'manual', selector: null });
  });
  after(async () => {
    await project?.close();
    await removeDir(root);
  });

  test('is refused as a conflict naming the run in progress, and runs nothing', async () => {
    await assert.rejects(runPipeline(project), (e: unknown) => {
      assert.ok(e instanceof CommitConflict, String(e));
      assert.match(e.message, new RegExp(`^run: another run is in progress \\(run holder, pid ${process.pid}, started \\d{4}-\\d\\d-\\d\\dT[^)]+\\); nothing was run; retry when it ends`));
      return true;
    });
    assert.equal(await project.catalog.tableExists('bronze', 'orders'), false, 'no step ran');
    assert.deepEqual((await project.catalog.runLog.runs()).map((r) => [r.runId, r.status]), [['holder', 'running']]);
  });

  test('silt run exits 4 with that message, and runs once the other has ended', async () => {
    const refused = await cli(dir, 'run');
    assert.equal(refused.code, 4, refused.stderr);
    assert.match(refused.stderr, /^silt: run: another run is in progress \(run holder, pid \d+, started .+\); nothing was run; retry when it ends/);
    await project.catalog.runLog.finish('holder', 'succeeded');
    const run = await runPipeline(project);
    assertReconciled(run.steps);
    assert.equal(await project.catalog.tableExists('silver', 'orders'), true);
  });

  test('a run on another host (or container) not heard from for ten minutes holds nothing up', async () => {
    await project.catalog.runLog.start({ runId: 'silent', trigger: 'manual', selector: null });
    const db = new Database(path.join(dir, '.silt', 'catalog.db'));
    try {
      const eleven = Date.now() - 11 * 60_000;
      db.prepare("UPDATE silt_runs SET host = 'a-container-gone', pid = 1, started_ms = ?, heartbeat_ms = ? WHERE run_id = 'silent'").run(eleven, eleven);
    } finally {
      db.close();
    }
    assertReconciled((await runPipeline(project)).steps);
    const silent = (await project.catalog.runLog.runs()).find((r) => r.runId === 'silent');
    assert.equal(silent?.status, 'failed');
    assert.match(silent?.error ?? '', /not heard from for 10 minutes/);
  });
});
