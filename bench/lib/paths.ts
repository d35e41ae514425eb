/** Where things are: the checkout (found from this compiled file) and the bench's scratch folders. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file runs as bench/out/lib/paths.js. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SILT_MAIN = path.join(ROOT, 'dist', 'bundle', 'silt.js');
export const OUT = path.join(ROOT, 'bench', 'out');
export const DATA_DIR = path.join(OUT, 'data');
export const PROJECTS_DIR = path.join(OUT, 'projects');
export const PEER_SCRIPT = path.join(OUT, 'peer', 'duckdb-peer.js');
export const IMPORT_TRACE = path.join(OUT, 'probe', 'import-trace.js');

/** A compiled Silt module under dist/, as an import() specifier. */
export function distModule(rel: string): string {
  return new URL(`file://${path.join(ROOT, 'dist', rel)}`).href;
}
