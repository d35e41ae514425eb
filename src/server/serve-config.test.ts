import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { withApi } from '../testing/index.js';
import { SERVE_DEFAULTS, serveSettings } from './serve-config.js';

test("silt.yaml's serve: section sets the server's settings; flags win over it; absent, the defaults hold", async () => {
  await withApi({ yaml: 'serve:\n  port: 9000\n  concurrency: 2\n  step_timeout: 5m\n  shutdown_grace: 500ms\n  execute: false\n' }, async (_app, project) => {
    assert.deepEqual(serveSettings(project.config, { port: 0, retries: 0 }), {
      ...SERVE_DEFAULTS,
      execute: false,
      port: 0,
      concurrency: 2,
      retries: 0,
      stepTimeoutMs: 300_000,
      shutdownGraceMs: 500,
    });
  });
  await withApi({}, async (_app, project) => assert.deepEqual(serveSettings(project.config), SERVE_DEFAULTS));
});

test('a bad serve: setting is an input error naming the key, its line and what fits', async () => {
  await withApi({ yaml: 'serve:\n  port: 7000\n  run_timeout: soon\n' }, async (_app, project) => {
    assert.throws(() => serveSettings(project.config), (e: unknown) => {
      assert.ok(e instanceof InvalidInput);
      assert.match(e.message, /^config: silt\.yaml line \d+: serve\.run_timeout: expected a duration such as 500ms, 30s or 5m, found "soon"$/);
      return true;
    });
  });
  await withApi({ yaml: 'serve:\n  concurency: 2\n' }, async (_app, project) => {
    assert.throws(() => serveSettings(project.config), /serve.*concurency/);
  });
});
