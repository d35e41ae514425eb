/** `silt run` killed with SIGKILL at several moments, then run to the end, gives the tables of one clean run. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { withProject, type Project } from '../project/index.js';
import { runPipeline } from './run.js';
import {
  assertReconciled, cliFinished, cliOk, contentDigests, demoProject, removeDir, startCli, tempDir, VOLATILE_COLUMNS,
} from '../testing/pipeline-project.js';

const ROWS = 5000;
const SEED = 77;
/** Rejects carry their batch and time; everything else in them must match. */
const IGNORE = [...VOLATILE_COLUMNS, 'batch_id', 'rejected_at'];
const LAYERS = ['bronze', 'silver', 'gold'];
/**
 * When to kill each run: once it has recorded this many steps (5 ingest, 5 silver, 4 gold steps
 * in order), plus a few ms. Each run picks up what the killed ones committed, so the kills land
 * in ingest, silver and gold.
 */
const KILLS: [steps: number, jitterMs: number][] = [[0, 150], [2, 40], [5, 0], [6, 120], [8, 60], [10, 0], [12, 30]];

describe('a run killed mid-way and run again gives the same tables as one clean run', () => {
  let root: string;
  let crashed: string;
  let clean: Record<string, string>;

  before(async () => {
    root = await tempDir('crash');
    const [a, b] = await Promise.all([
      demoProject(path.join(root, 'crashed'), { rows: ROWS, seed: SEED }),
      demoProject(path.join(root, 'clean'), { rows: ROWS, seed: SEED }),
    ]);
    crashed = a.dir;
    clean = await withProject({ projectDir: b.dir }, async (p) => {
      assertReconciled((await runPipeline(p)).steps);
      return contentDigests(p, LAYERS, IGNORE);
    });
  });
  after(async () => removeDir(root));

  test('SIGKILL in ingest, in silver and in gold, then a full run', async () => {
    const killedAt: string[] = [];
    await withProject({ projectDir: crashed }, async (watcher) => {
      for (const [steps, jitter] of KILLS) killedAt.push(await killAfterSteps(crashed, watcher, steps, jitter));
    });
    assert.ok(killedAt.filter((k) => k.includes('SIGKILL')).length >= 4, `runs were killed: ${killedAt.join(', ')}`);

    const out = await cliOk(crashed, 'run');
    assert.match(out, /succeeded in/);
    const runs = await withProject({ projectDir: crashed }, (p) => p.catalog.runLog.runs(100));
    assert.ok(!runs.some((r) => r.status === 'running'), 'killed runs show as failed, not running');
    assert.ok(runs.filter((r) => r.status === 'failed' && /process ended/.test(r.error ?? '')).length >= 4);
    assert.doesNotMatch(out, /\bNO\b/, 'every step reconciles');
    const digests = await withProject({ projectDir: crashed }, (p) => contentDigests(p, LAYERS, IGNORE));
    assert.deepEqual(Object.keys(digests).sort(), Object.keys(clean).sort(), 'the same tables');
    for (const t of Object.keys(clean)) assert.equal(digests[t], clean[t], `${t} after kills: ${killedAt.join(', ')}`);
  });

  test('vacuum then removes what the killed runs left, and the tables stay the same', async () => {
    const out = await cliOk(crashed, 'vacuum', '--older-than', '0');
    assert.match(out, /removed \d+ files/);
    const digests = await withProject({ projectDir: crashed }, (p) => contentDigests(p, LAYERS, IGNORE));
    assert.deepEqual(digests, clean);
  });
});

/** Starts `silt run` and kills it once its run has recorded `steps` steps (and `jitterMs` more). */
async function killAfterSteps(dir: string, watcher: Project, steps: number, jitterMs: number): Promise<string> {
  const earlier = new Set((await watcher.catalog.runLog.runs(100)).map((r) => r.runId));
  const child = startCli(dir, ['run']);
  const done = cliFinished(child);
  let exited = false;
  void done.then(() => (exited = true));
  while (!exited) {
    const [latest] = await watcher.catalog.runLog.runs(1);
    if (latest && !earlier.has(latest.runId) && ((await watcher.catalog.runLog.run(latest.runId))?.steps.length ?? 0) >= steps) {
      await sleep(jitterMs);
      child.kill('SIGKILL');
      break;
    }
    await sleep(20);
  }
  const r = await done;
  return `after ${steps} steps + ${jitterMs} ms: ${r.signal ?? `exit ${r.code}`}`;
}
