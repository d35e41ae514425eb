import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'node:test';
import { consoleRoutes } from './console-assets.js';

test('the console: its page uncached, hashed assets cached for good and gzipped when asked, a missing asset a 404 that says to reload', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'silt-console-assets-'));
  try {
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/app-AB12.js"></script>');
    const js = `console.log(${JSON.stringify('x'.repeat(5000))});`;
    writeFileSync(path.join(dir, 'assets', 'app-AB12.js'), js);
    writeFileSync(path.join(dir, 'assets', 'app-AB12.js.map'), '{}');
    const app = consoleRoutes(dir);

    const page = await app.request('/');
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(await page.text(), /app-AB12\.js/);

    const plain = await app.request('/assets/app-AB12.js');
    assert.equal(plain.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(plain.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(await plain.text(), js);

    const zipped = await app.request('/assets/app-AB12.js', { headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(zipped.headers.get('content-encoding'), 'gzip');
    const body = new Uint8Array(await zipped.arrayBuffer());
    assert.ok(body.length < 200, `${body.length} bytes gzipped`);
    assert.equal(new TextDecoder().decode(gunzipSync(body)), js);

    const gone = await app.request('/assets/app-OLD.js');
    assert.equal(gone.status, 404);
    assert.match((await gone.json()).error.message, /no console asset \/assets\/app-OLD\.js; reload the page/);
    assert.equal((await app.request('/assets/app-AB12.js.map')).status, 404);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with no built console, / says how to build it and the API stays at /v1', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'silt-console-none-'));
  try {
    const res = await consoleRoutes(dir).request('/');
    assert.equal(res.status, 404);
    assert.match(await res.text(), /The console is not built: run `npm run build` in the Silt checkout \(the API is at \/v1\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
