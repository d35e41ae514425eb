/**
 * The README's exit codes hold for every command: each case runs a command's own service path
 * in process with bad input, and the error it ends with maps to the code the README promises
 * (an unknown table or step is 3 everywhere, bad input 1, a blocked plan 1; 5 only for a `fail` rule).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseTableName } from '../catalog/index.js';
import { crawl } from '../crawler/index.js';
import { SqlSession } from '../engine/index.js';
import { loadFiles } from '../ingest/index.js';
import { checkTables } from '../lifecycle/index.js';
import { blockedPlan, findQuarantine, ingestSelection, pipelineConfig, planLakehouse, replayQuarantine, runPipeline } from '../pipeline/index.js';
import { openProject, type Project } from '../project/index.js';
import { LocalStore } from '../storage/index.js';
import { ordersYaml } from '../testing/orders-yaml.js';
import { removeDir, rewritePipelineYaml, smallProject, tempDir } from '../testing/pipeline-project.js';
import { runExitCode } from './commands/run.js';
import { exitCodeOf } from './errors.js';

const YAML = ordersYaml(
  '    expectations:\n      - { rule: range, column: amount, min: 0, policy: drop }\n' +
    '  typo:\n    source: bronze.order\n    columns:\n      id: { type: long }\n',
);

/** The exit code `fn` ends with: its error's, or what a run it returns says. */
async function exitOf(fn: () => Promise<unknown>): Promise<number> {
  try {
    const r = await fn();
    return r && typeof r === 'object' && 'steps' in r ? runExitCode(r as Parameters<typeof runExitCode>[0]) : 0;
  } catch (e) {
    return exitCodeOf(e);
  }
}

describe('exit codes per command', () => {
  let root: string;
  let dir: string;
  let p: Project;
  const sql = (text: string) => async () => {
    const engine = await p.openEngine();
    try {
      return await new SqlSession(engine, p.catalog).execute(text);
    } finally {
      engine.close();
    }
  };

  before(async () => {
    root = await tempDir('exit-codes');
    dir = await smallProject(path.join(root, 'p'), YAML, { 'orders/a.csv': 'id,amount\n1,2\n2,-1\n' });
    p = await openProject({ projectDir: dir });
    assert.equal((await runPipeline(p, { select: ['ingest.orders', 'silver.orders'] })).status, 'succeeded');
  });
  after(async () => {
    await p?.close();
    await removeDir(root);
  });

  const cases: [string, number, () => Promise<unknown>][] = [
    ['query of an unknown table', 3, () => sql('SELECT * FROM silver.nope')()],
    ['query at an unknown snapshot', 3, () => sql('SELECT * FROM silver.orders FOR VERSION AS OF 42')()],
    ['query with bad SQL', 1, () => sql('SELEC 1')()],
    ['table describe of an unknown table', 3, () => p.catalog.loadTable('silver', 'nope')],
    ['table rollback to an unknown snapshot', 3, async () => (await p.catalog.loadTable('silver', 'orders')).rollback(42n)],
    ['ns drop of an unknown namespace', 3, () => p.catalog.dropNamespace('nope')],
    ['ns create of an existing namespace', 1, () => p.catalog.createNamespace('silver')],
    ['check of an unknown table', 3, () => checkTables(p.catalog, { tables: [parseTableName('silver.nope')] })],
    ['load of a missing file', 3, async () => {
      const engine = await p.openEngine();
      try {
        return await loadFiles(p.catalog, engine, [path.join(dir, 'missing.csv')], { into: 'silver.x' });
      } finally {
        engine.close();
      }
    }],
    ['crawl of a missing folder', 3, async () => {
      const engine = await p.openEngine();
      try {
        return await crawl(p.catalog, engine, { store: new LocalStore(dir), prefix: 'nope' });
      } finally {
        engine.close();
      }
    }],
    ['ingest of an unknown source', 3, async () => ingestSelection(pipelineConfig(p.config), ['nope'])],
    ['run --select of an unknown step', 3, () => runPipeline(p, { select: ['nope'] })],
    ['run of a silver contract whose source is no table', 3, () => runPipeline(p, { select: ['silver.typo'] })],
    ['quarantine show of an unknown table', 3, async () => findQuarantine(pipelineConfig(p.config), 'nope')],
    ['quarantine replay of an unknown rule', 3, () => replayQuarantine(p, 'orders', { rule: 'nosuch' })],
  ];
  test('an unknown table is coded table_not_found and names the table in its details', async () => {
    await assert.rejects(p.catalog.loadTable('silver', 'nope'), (e: Error & { code?: string; details?: object }) => {
      assert.equal(e.code, 'table_not_found');
      assert.deepEqual(e.details, { table: 'silver.nope' });
      return true;
    });
  });

  for (const [what, code, fn] of cases) {
    test(`${what}: exit ${code}`, async () => assert.equal(await exitOf(fn), code));
  }

  test('a plan with a change that cannot be applied: exit 1, naming the table', async () => {
    await rewritePipelineYaml(dir, YAML.replace('id: { type: long }\n      amount', 'id: { type: boolean }\n      amount'));
    const changed = await openProject({ projectDir: dir });
    try {
      const items = await planLakehouse(changed);
      const blocked = blockedPlan(items, 'plan');
      assert.ok(blocked, JSON.stringify(items));
      assert.equal(exitCodeOf(blocked), 1);
      assert.match(blocked.message, /^plan: 1 change cannot be applied \(marked !\): silver\.orders; /);
      assert.equal(blocked.details.table, 'silver.orders');
    } finally {
      await changed.close();
    }
  });
});
