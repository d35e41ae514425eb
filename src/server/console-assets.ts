import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer> | null;
  type: string;
}

/**
 * Where the built console is: `console/` beside the CLI bundle (dist/bundle/console), or, for a
 * module compiled to dist/server/, the bundle's copy one folder up.
 */
export function consoleFolder(): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.join(here, 'console'), path.join(here, '..', 'bundle', 'console')].find((d) => existsSync(path.join(d, 'index.html')));
}

const loaded = new Map<string, Map<string, Asset>>();

function loadAssets(dir: string): Map<string, Asset> {
  const known = loaded.get(dir);
  if (known) return known;
  const assets = new Map<string, Asset>();
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (!r.endsWith('.map')) {
        const body = new Uint8Array(readFileSync(path.join(dir, r)));
        const type = TYPES[path.extname(r)] ?? 'application/octet-stream';
        // Compressed once at start: the console's JS is read on every first visit.
        const gzip = /^(text|image\/svg)/.test(type) && body.length > 1024 ? new Uint8Array(gzipSync(body, { level: 9 })) : null;
        assets.set(r, { body, gzip, type });
      }
    }
  };
  walk('');
  loaded.set(dir, assets);
  return assets;
}

/**
 * The console (the web UI in src/web, built into `console/`): `/` is its page, never cached so a
 * new build shows at once; `/assets/*` are content-hashed files, cached for a year. With no built
 * console, `/` says how to build one.
 */
export function consoleRoutes(dir: string | undefined = consoleFolder()): Hono {
  const app = new Hono();
  const assets = dir ? loadAssets(dir) : new Map<string, Asset>();
  const send = (a: Asset, acceptEncoding: string | undefined, cache: string) => {
    const headers: Record<string, string> = { 'content-type': a.type, 'cache-control': cache, vary: 'accept-encoding', 'x-content-type-options': 'nosniff' };
    if (a.gzip && /\bgzip\b/.test(acceptEncoding ?? '')) return new Response(a.gzip, { headers: { ...headers, 'content-encoding': 'gzip' } });
    return new Response(a.body, { headers });
  };
  app.get('/', (c) => {
    const page = assets.get('index.html');
    if (!page) return c.text('The console is not built: run `npm run build` in the Silt checkout (the API is at /v1).', 404);
    return send(page, c.req.header('accept-encoding'), 'no-cache');
  });
  app.get('/assets/*', (c) => {
    const a = assets.get(c.req.path.slice(1));
    if (!a) return c.json({ error: { code: 'asset_not_found', message: `no console asset ${c.req.path}; reload the page (the console was rebuilt)` } }, 404);
    return send(a, c.req.header('accept-encoding'), 'public, max-age=31536000, immutable');
  });
  return app;
}
