import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { crawl } from '../crawler/index.js';
import { LocalStore, type EngineAccess } from '../storage/index.js';
import { initProject } from './init.js';
import { withProject } from './open.js';

const dir = await mkdtemp(path.join(os.tmpdir(), 'silt-open-'));
after(() => rm(dir, { recursive: true, force: true }));

test('a folder crawled outside the project store stays readable by user SQL, and nothing beside it is', async () => {
  const { dir: project } = await initProject(path.join(dir, 'p'));
  await mkdir(path.join(dir, 'ext', 'orders'), { recursive: true });
  await writeFile(path.join(dir, 'ext', 'orders', 'a.csv'), 'id,amount\n1,10\n2,20\n');
  await writeFile(path.join(dir, 'secret.csv'), 'x\n1\n');
  await withProject({ projectDir: project }, async (p) => {
    const engine = await p.openEngine();
    try {
      await crawl(p.catalog, engine, { store: new LocalStore(path.join(dir, 'ext')), prefix: '' });
    } finally {
      engine.close();
    }
    const user = await p.openUserSqlEngine();
    try {
      const [row] = await user.allJson<{ n: string }>(`SELECT sum(amount) AS n FROM read_csv('${path.join(dir, 'ext', 'orders', 'a.csv')}')`);
      assert.equal(row!.n, '30');
      await assert.rejects(user.all(`SELECT * FROM read_csv('${path.join(dir, 'secret.csv')}')`), /Permission Error/);
    } finally {
      user.close();
    }
  });
});

test("every engine a project opens first runs the store's DuckDB setup, before a user SQL engine is locked", async () => {
  const { dir: project } = await initProject(path.join(dir, 'q'));
  /** A local folder that, like S3 would, asks DuckDB for a setting first. */
  class SetUpStore extends LocalStore {
    constructor(override readonly engine: EngineAccess) {
      super(path.join(project, 'lake'));
    }
  }
  const store = new SetUpStore({ inPlace: true, setup: ['SET GLOBAL arrow_large_buffer_size = true'] });
  await withProject({ projectDir: project, store }, async (p) => {
    for (const open of [() => p.openEngine(), () => p.openUserSqlEngine()]) {
      const e = await open();
      try {
        const [row] = await e.allJson<{ v: boolean }>(`SELECT current_setting('arrow_large_buffer_size') AS v`);
        assert.equal(row!.v, true);
      } finally {
        e.close();
      }
    }
  });
  const broken = new SetUpStore({ inPlace: true, setup: ['SET GLOBAL no_such_setting = 1'] });
  await withProject({ projectDir: project, store: broken }, async (p) => {
    await assert.rejects(p.openEngine(), (e: Error) => e.name === 'EnvironmentFault' && /^storage: DuckDB cannot be set up to reach the store: .*no_such_setting/.test(e.message));
  });
});
