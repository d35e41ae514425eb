/** Test support for the file reader's tests: a temp folder of input files and one engine per test file. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { Engine } from '../core/duckdb.js';

export interface FileFixture {
  readonly dir: string;
  /** Opened before the file's tests, closed after them. */
  readonly engine: Engine;
  /** Writes a file into the folder and returns its path. */
  file(name: string, content: string | Uint8Array): string;
}

export function fileFixture(prefix: string, threads = 2, memoryLimit?: string): FileFixture {
  const dir = mkdtempSync(join(tmpdir(), `silt-${prefix}-`));
  let engine: Engine | undefined;
  before(async () => {
    engine = await Engine.open({ threads, ...(memoryLimit ? { memoryLimit } : {}) });
  });
  after(() => {
    engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    get engine(): Engine {
      if (!engine) throw new Error('file fixture: the engine opens in before()');
      return engine;
    },
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
  };
}
