import { randomUUID } from 'node:crypto';
import { createWriteStream, rmSync, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Every copies folder of this process, removed when it exits however the stores were left. */
const live = new Set<string>();
let hooked = false;

/**
 * A private local folder where a store DuckDB cannot reach keeps the copies DuckDB reads and the
 * files DuckDB writes before they are uploaded, at the same relative key. Made on first use and
 * removed by `dispose` or when the process exits.
 */
export function engineCopies(root: string) {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const dir of live) rmSync(dir, { recursive: true, force: true });
    });
  }
  live.add(root);
  return {
    root,
    pathOf(key: string): string {
      return key === '' ? root : path.join(root, ...key.split('/'));
    },
    /** Writes a copy whole (temporary file and rename), so DuckDB never reads half of one. */
    async write(file: string, data: Readable | Uint8Array): Promise<void> {
      await fs.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomUUID()}.part`;
      try {
        if (data instanceof Uint8Array) await fs.writeFile(tmp, data);
        else await pipeline(data, createWriteStream(tmp));
        await fs.rename(tmp, file);
      } finally {
        await fs.rm(tmp, { force: true });
      }
    },
    async folder(dir: string): Promise<string> {
      await fs.mkdir(dir, { recursive: true });
      return dir;
    },
    /** Removes the files under `dir` (the folder of key prefix `prefix`) whose keys `match`. */
    async discard(dir: string, prefix: string, match: (key: string) => boolean): Promise<void> {
      const base = prefix.replace(/\/$/, '');
      for (const rel of await filesUnder(dir)) {
        if (match(base ? `${base}/${rel}` : rel)) await fs.rm(path.join(dir, ...rel.split('/')), { force: true });
      }
    },
    async dispose(): Promise<void> {
      live.delete(root);
      await fs.rm(root, { recursive: true, force: true });
    },
  };
}

/** The files under `dir`, as '/'-separated paths relative to it; none when it is missing. */
async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, r)));
    else if (e.isFile()) out.push(r);
  }
  return out;
}
