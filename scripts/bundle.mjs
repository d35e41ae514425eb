/**
 * Bundles the compiled CLI (dist/cli/main.js, from tsc) into dist/bundle/silt.js, which is what
 * `silt` runs. A few files start in about half the time of the ~500 modules they replace: Node
 * resolves, reads and links every ES module on its own, and scans every CommonJS package that an
 * ES module imports for its export names. Each command stays a chunk of its own, loaded when it
 * runs, so `silt query` does not parse the pipeline or the demo generator. The demo generator's
 * worker thread is an entry point too, because demo/run-tasks.ts starts `./worker.js` next to itself.
 */
import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const esbuild = await import('esbuild').catch(() => {
  process.stderr.write('build: esbuild is missing from node_modules; run `npm install`\n');
  process.exit(1);
});

// Built beside the previous bundle and swapped in, so that a `silt` started during the build finds
// a whole bundle (the old one or the new one), never none. Chunk names carry a hash of their content.
const bundle = path.join(root, 'dist', 'bundle');
const next = `${bundle}.next`;
rmSync(next, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { silt: 'dist/cli/main.js', worker: 'dist/demo/worker.js' },
  outdir: next,
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Native addons locate their .node files from their own package folders, so they stay outside.
  external: ['@duckdb/node-bindings', 'better-sqlite3'],
  // Bundled CommonJS code (DuckDB's API) requires the external bindings; an ES module has no `require`.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  // Maps back to src/ through tsc's own maps (`node --enable-source-maps`).
  sourcemap: true,
  logLevel: 'warning',
});

// The demo's model SQL, beside the bundle's chunks (models/demo-models.ts finds it there).
cpSync(path.join(root, 'src', 'models', 'demo'), path.join(next, 'demo-models'), { recursive: true });
const old = `${bundle}.old`;
rmSync(old, { recursive: true, force: true });
if (existsSync(bundle)) renameSync(bundle, old);
renameSync(next, bundle);
rmSync(old, { recursive: true, force: true });
