/** The maintenance: policy of silt.yaml, by hand (silt maintain) and on its schedule under the executor. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { openProject, type Project } from '../project/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { addLanding, removeDir, rewritePipelineYaml, smallProject, tempDir } from '../testing/pipeline-project.js';
import { Executor } from './executor.js';
import { maintenancePolicy, tableMaintenance } from './maintenance-config.js';
import { maintainTables } from './maintenance.js';
import type { TaskResult } from './maintenance-task.js';
import { runPipeline } from './run.js';
import { startScheduler } from './scheduler.js';

const POLICY = (schedule: string) => `
maintenance:
  expire: { older_than: 30d }
  rewrite_manifests: true
  layers:
    bronze:${schedule}
      expire: { older_than: 0s, retain_last: 1 }
      compact: { target_file_size_mb: 64 }
  tables:
    silver.orders: { expire: false, rewrite_manifests: false }
`;

describe('the maintenance policy', () => {
  let root: string;
  let dir: string;
  before(async () => {
    root = await tempDir('maintenance');
    dir = await smallProject(path.join(root, 'p'), ordersYaml() + POLICY(''), { 'orders/a.csv': 'id,amount\n1,1\n' });
    const p = await openProject({ projectDir: dir });
    try {
      for (const [n, csv] of [['b', '2,2\n'], ['c', '3,3\n'], [undefined, '']] as const) {
        await runPipeline(p);
        if (n) await addLanding(dir, { [`orders/${n}.csv`]: `id,amount\n${csv}` });
      }
    } finally {
      await p.close();
    }
  });
  after(async () => removeDir(root));

  async function withProject<T>(yaml: string, fn: (p: Project) => Promise<T>): Promise<T> {
    await rewritePipelineYaml(dir, ordersYaml() + yaml);
    const p = await openProject({ projectDir: dir });
    try {
      return await fn(p);
    } finally {
      await p.close();
    }
  }
  const snapshotsOf = async (p: Project, ns: string, name: string) => (await p.catalog.loadTable(ns, name)).metadata.snapshots.length;

  test('settings resolve table over layer over the whole section, key by key; false turns an action off', async () => {
    await withProject(POLICY(''), async (p) => {
      const policy = maintenancePolicy(p.config);
      assert.deepEqual(tableMaintenance(policy, 'bronze.orders'), { rewriteManifests: true, expire: { olderThanMs: 0, retainLast: 1 }, compact: { target_file_size_mb: 64 } });
      assert.deepEqual(tableMaintenance(policy, 'silver.orders'), { rewriteManifests: false });
      assert.deepEqual(tableMaintenance(policy, 'gold.x'), { rewriteManifests: true, expire: { olderThanMs: 30 * 86_400_000 } });
    });
  });

  test('silt maintain: a dry run changes nothing; then bronze is compacted, expired and manifests rewritten, silver left', async () => {
    await withProject(POLICY(''), async (p) => {
      const bronzeBefore = await snapshotsOf(p, 'bronze', 'orders');
      const silverBefore = await snapshotsOf(p, 'silver', 'orders');
      assert.ok(bronzeBefore >= 3);
      const dry = await maintainTables(p, { dryRun: true });
      const bronzeDry = dry.find((t) => t.table === 'bronze.orders')!;
      assert.ok(bronzeDry.expire!.snapshotsExpired > 0 && bronzeDry.rewriteManifests!.replaced >= 2, JSON.stringify(bronzeDry));
      assert.equal(await snapshotsOf(p, 'bronze', 'orders'), bronzeBefore, 'the dry run committed nothing');

      const done = await maintainTables(p);
      const bronze = done.find((t) => t.table === 'bronze.orders')!;
      const compacted = bronze.compact as { dataFilesRemoved: number; dataFilesAdded: number; targetSize: number }[];
      assert.equal(compacted[0]!.targetSize, 64 * 1024 * 1024, 'target_file_size_mb: 64');
      assert.ok(compacted[0]!.dataFilesRemoved >= 2 && compacted[0]!.dataFilesAdded === 1, JSON.stringify(compacted));
      // Compaction ran first (the dry run did not), so the rewrite folded its manifests too.
      assert.ok(bronze.rewriteManifests!.replaced >= 2 && bronze.rewriteManifests!.created === 1, JSON.stringify(bronze.rewriteManifests));
      // The rewrite's replace snapshot is current; silver's last-read snapshot is pinned.
      assert.ok((await snapshotsOf(p, 'bronze', 'orders')) < bronzeBefore, 'old bronze snapshots went');
      assert.deepEqual(done.find((t) => t.table === 'silver.orders'), { table: 'silver.orders' }, 'silver.orders is left alone');
      assert.equal(await snapshotsOf(p, 'silver', 'orders'), silverBefore);
    });
  });

  test("retention: true applies the table's retention: rule on the maintenance run: nothing due in bronze yet, and silver's rule is refused naming the table", async () => {
    const yaml = 'maintenance:\n  retention: true\nretention:\n  bronze: { delete_after: 90d }\n';
    await withProject(yaml, async (p) => {
      const before = await snapshotsOf(p, 'bronze', 'orders');
      const [bronze] = await maintainTables(p, { tables: [{ namespace: 'bronze', name: 'orders' }] });
      const r = bronze!.retention as { deleted: { files: number }; snapshots: string[] };
      assert.deepEqual([r.deleted.files, r.snapshots], [0, []], JSON.stringify(r));
      assert.equal(await snapshotsOf(p, 'bronze', 'orders'), before);
    });
    await withProject(yaml + '  silver.orders: { delete_after: 90d }\n', async (p) => {
      await assert.rejects(maintainTables(p, { tables: [{ namespace: 'silver', name: 'orders' }] }), /silver\.orders/);
    });
  });

  test('a bad policy is refused naming the key', async () => {
    await withProject('maintenance:\n  expire: { older_than: soon }\n', async (p) => {
      assert.throws(() => maintenancePolicy(p.config), (e: unknown) => e instanceof InvalidInput && /maintenance\.expire\.older_than/.test(e.message) && /7d/.test(e.message));
    });
    await withProject('maintenance:\n  layers:\n    bronze: { schedule: "every day" }\n', async (p) => {
      assert.throws(() => maintenancePolicy(p.config), (e: unknown) => e instanceof InvalidInput && /maintenance\.layers\.bronze\.schedule/.test(e.message));
    });
  });

  test('silt serve runs the policy on its schedule: an every-second cron makes a maintain job that expires bronze', async () => {
    await withProject(POLICY('\n      schedule: "* * * * * *"'), async (p) => {
      await addLanding(dir, { 'orders/d.csv': 'id,amount\n4,4\n' });
      await runPipeline(p, { select: ['bronze.orders'] });
      const before = await snapshotsOf(p, 'bronze', 'orders');
      assert.ok(before >= 2);
      const executor = new Executor(p, { pollMs: 50 });
      executor.start();
      const scheduler = await startScheduler(p, executor, { onError: (e) => assert.fail(String(e)) });
      try {
        const end = Date.now() + 15_000;
        let job;
        while (!(job = (await p.catalog.jobs.list()).find((j) => j.request.task === 'maintain' && j.status === 'succeeded'))) {
          if (Date.now() > end) assert.fail(`no maintain job succeeded: ${JSON.stringify(await p.catalog.jobs.list())}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.deepEqual(job.request.select, ['maintenance.layers.bronze']);
        const result = job.result as TaskResult & { task: 'maintain' };
        assert.deepEqual(result.tables.map((t) => t.table), ['bronze.orders', 'bronze.orders_rejects'], 'the layer schedule maintains its layer alone');
        const expired = result.tables[0]!.expire!;
        assert.ok(expired.snapshotsExpired >= 1 && expired.removed.length > 0, JSON.stringify(result));
        for (const key of expired.removed) assert.equal(await p.catalog.store.exists(key), false, `${key} was removed`);
      } finally {
        await scheduler.stop();
        await executor.stop(0);
      }
    });
  });
});
