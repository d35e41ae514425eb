/**
 * Builds the console (src/web/app, the browser side of `silt serve`) into dist/bundle/console:
 * index.html, and under assets/ the entry script, its lazily loaded chunks (the SQL editor, the
 * lineage graph) and the stylesheet, each name carrying a hash of its content so the server can
 * let browsers cache them for good. Everything is bundled: the console needs no network.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'bundle', 'console');
rmSync(out, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { app: 'src/web/app/main.tsx' },
  outdir: path.join(out, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
const outputs = Object.entries(result.metafile.outputs);
const entry = outputs.find(([, o]) => o.entryPoint === 'src/web/app/main.tsx');
const css = outputs.find(([f]) => f.endsWith('.css') && !f.endsWith('.map'));
if (!entry || !css) throw new Error('bundle-web: the console build made no entry script or stylesheet');
const rel = (f) => path.relative(out, path.join(root, f)).split(path.sep).join('/');
const html = readFileSync(path.join(root, 'src', 'web', 'app', 'index.html'), 'utf8')
  .replace('%CSS%', `/${rel(css[0])}`)
  .replace('%JS%', `/${rel(entry[0])}`);
writeFileSync(path.join(out, 'index.html'), html);
