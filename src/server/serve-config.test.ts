import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInput } from '../errors.js';
import { withApi } from '../testing/index.js';
import { cacheManifests, SERVE_DEFAULTS, serveSettings } from './serve-config.js';

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

test('serve.manifest_cache bounds the decoded manifests a server keeps; off keeps none; a bad size names the key', async () => {
  await withApi({ yaml: 'serve:\n  manifest_cache: 16MiB\n' }, async (_app, project) => {
    const settings = serveSettings(project.config);
    assert.equal(settings.manifestCacheBytes, 16 << 20);
    cacheManifests(project, settings);
    assert.equal(project.catalog.manifestCache?.maxBytes, 16 << 20);
  });
  await withApi({ yaml: 'serve:\n  manifest_cache: off\n' }, async (_app, project) => {
    cacheManifests(project, serveSettings(project.config));
    assert.equal(project.catalog.manifestCache, undefined);
  });
  await withApi({ yaml: 'serve:\n  manifest_cache: lots\n' }, async (_app, project) => {
    assert.throws(() => serveSettings(project.config), /^InvalidInput: config: silt\.yaml line \d+: serve\.manifest_cache: expected a size such as 64MiB, or off, found "lots"$/);
  });
});
