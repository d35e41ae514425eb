import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withEngine } from './duckdb.js';

test('a halted engine stops the statement running on a fork, and it and its forks refuse every later one with the reason', async () => {
  await withEngine({}, async (engine) => {
    const fork = await engine.fork();
    const deeper = await fork.fork();
    try {
      const long = deeper.all('SELECT sum(a.range % 7) AS n FROM range(100000000000) a');
      await new Promise((r) => setTimeout(r, 200));
      const t0 = Date.now();
      fork.halt(new Error('stopped: the run was cancelled'));
      await assert.rejects(long, /Interrupt/);
      assert.ok(Date.now() - t0 < 5_000, 'interrupted promptly');
      await assert.rejects(deeper.all('SELECT 1'), /^Error: stopped: the run was cancelled$/);
      await assert.rejects(fork.run('SELECT 1'), /stopped: the run was cancelled/);
      await assert.rejects(fork.fork(), /stopped: the run was cancelled/);
      assert.deepEqual(await engine.all('SELECT 1 AS one'), [{ one: 1 }], 'the engine it came from goes on');
    } finally {
      deeper.close();
      fork.close();
    }
  });
});
